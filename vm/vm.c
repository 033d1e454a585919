/* struct vm: guest RAM and the pc memory map, buses, clock and hw_env. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "vm/e820.h"
#include "vm/vm.h"

static void env_set_irq(void *opaque, unsigned int gsi, bool level)
{
	struct vm *vm = opaque;
	if (vm->set_irq)
		vm->set_irq(vm->board, gsi, level);
}

static uint64_t env_clock(void *opaque) { return vm_clock_ns(opaque); }

static int env_mem_read(void *opaque, uint64_t gpa, void *buf, size_t len)
{
	return vm_mem_read(opaque, gpa, buf, len);
}

static int env_mem_write(void *opaque, uint64_t gpa, const void *buf, size_t len)
{
	return vm_mem_write(opaque, gpa, buf, len);
}

int vm_init(struct vm *vm, const char *name, uint64_t ram_bytes, const struct vm_host *host)
{
	if (!name || !*name || strlen(name) > VM_NAME_MAX || ram_bytes < (2u << 20) ||
	    ram_bytes & 0xfff || !host || !host->ram_alloc || !host->clock_ns)
		return -EINVAL;
	memset(vm, 0, sizeof(*vm));
	strcpy(vm->name, name);
	vm->host = host;
	vm->ram_size = ram_bytes;
	e820_pc_split(ram_bytes, &vm->lowmem, &vm->highmem);
	vm->ram = host->ram_alloc(host->opaque, ram_bytes);
	if (!vm->ram)
		return -ENOMEM;
	bus_init(&vm->pio, "pio");
	bus_init(&vm->mmio, "mmio");
	timerq_init(&vm->timerq);
	vm->env = (struct hw_env){
		.set_irq = env_set_irq,
		.irq_opaque = vm,
		.clock_ns = env_clock,
		.clock_opaque = vm,
		.timerq = &vm->timerq,
		.mem_read = env_mem_read,
		.mem_write = env_mem_write,
		.mem_opaque = vm,
	};
	vm->exit_status = -1;
	vm->clock_base = host->clock_ns(host->opaque);
	vm->state = VM_CREATED;
	return 0;
}

void vm_destroy(struct vm *vm)
{
	for (unsigned int i = 0; i < vm->nvcpus; i++)
		if (vm->vcpus[i].ops && vm->vcpus[i].ops->destroy)
			vm->vcpus[i].ops->destroy(&vm->vcpus[i]);
	if (vm->ram && vm->host->ram_free)
		vm->host->ram_free(vm->host->opaque, vm->ram, vm->ram_size);
	vm->ram = NULL;
	vm->nvcpus = 0;
}

void *vm_gpa_to_hva(struct vm *vm, uint64_t gpa, uint64_t len)
{
	uint64_t end = gpa + (len ? len : 1);
	if (end < gpa)
		return NULL;
	if (end <= vm->lowmem) {
		if (gpa < VM_VGA_HOLE_END && end > VM_VGA_HOLE_START)
			return NULL; /* the VGA window is MMIO, not RAM */
		return vm->ram + gpa;
	}
	if (gpa >= VM_HIGH_BASE && end - VM_HIGH_BASE <= vm->highmem)
		return vm->ram + vm->lowmem + (gpa - VM_HIGH_BASE);
	return NULL;
}

int vm_mem_read(struct vm *vm, uint64_t gpa, void *buf, size_t len)
{
	void *p = vm_gpa_to_hva(vm, gpa, len);
	if (!p)
		return -EFAULT;
	memcpy(buf, p, len);
	return 0;
}

int vm_mem_write(struct vm *vm, uint64_t gpa, const void *buf, size_t len)
{
	void *p = vm_gpa_to_hva(vm, gpa, len);
	if (!p)
		return -EFAULT;
	memcpy(p, buf, len);
	return 0;
}

uint64_t vm_clock_ns(struct vm *vm)
{
	uint64_t now = vm->paused_at ? vm->paused_at : vm->host->clock_ns(vm->host->opaque);
	return now - vm->clock_base;
}

void vm_pause(struct vm *vm)
{
	if (vm->state != VM_RUNNING)
		return;
	vm->paused_at = vm->host->clock_ns(vm->host->opaque);
	vm->state = VM_PAUSED;
}

void vm_resume(struct vm *vm)
{
	if (vm->state != VM_PAUSED)
		return;
	vm->clock_base += vm->host->clock_ns(vm->host->opaque) - vm->paused_at;
	vm->paused_at = 0;
	vm->state = VM_RUNNING;
}

uint32_t vm_pio_read(struct vm *vm, uint16_t port, unsigned int size)
{
	return (uint32_t)bus_read(&vm->pio, port, size);
}

void vm_pio_write(struct vm *vm, uint16_t port, unsigned int size, uint32_t val)
{
	bus_write(&vm->pio, port, size, val);
}

uint64_t vm_mmio_read(struct vm *vm, uint64_t gpa, unsigned int size)
{
	return bus_read(&vm->mmio, gpa, size);
}

void vm_mmio_write(struct vm *vm, uint64_t gpa, unsigned int size, uint64_t val)
{
	bus_write(&vm->mmio, gpa, size, val);
}

void vm_stop(struct vm *vm, int status, const char *why)
{
	vm->exit_status = status;
	vm->state = VM_STOPPED;
	snprintf(vm->stop_reason, sizeof(vm->stop_reason), "%s", why ? why : "stopped");
	if (vm->host->kick)
		vm->host->kick(vm->host->opaque);
}

void vm_crash(struct vm *vm, const char *why)
{
	vm->state = VM_CRASHED;
	snprintf(vm->stop_reason, sizeof(vm->stop_reason), "%s", why ? why : "crashed");
	if (vm->host->kick)
		vm->host->kick(vm->host->opaque);
}

void vm_request_reset(struct vm *vm, const char *why)
{
	vm->resets++;
	snprintf(vm->stop_reason, sizeof(vm->stop_reason), "reset: %s", why ? why : "requested");
	for (unsigned int i = 0; i < vm->nvcpus; i++) {
		struct vcpu *v = &vm->vcpus[i];
		if (v->ops && v->ops->reset)
			v->ops->reset(v);
		v->state = i == 0 ? VCPU_RUNNING : VCPU_WAIT_SIPI;
		v->nmi_held = false;
	}
	/* Devices, and boot state such as a direct-boot kernel, after the CPUs. */
	if (vm->reset_hook)
		vm->reset_hook(vm);
}
