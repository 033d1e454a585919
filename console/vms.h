/* VMs from keel.cfg and the `list` command. */
#ifndef CONSOLE_VMS_H
#define CONSOLE_VMS_H

struct boot_info;
/* Defines every `vm` line, starts the -autostart ones, registers `list`. */
void vms_boot(struct boot_info *bi);
/* For `info accel`: each VM's vCPUs and the backend that runs them. */
void vms_report_accel(void);
/* `info vm NAME` and `info sched`. */
int vms_info_vm(int argc, char **argv);
int vms_info_sched(void);
/* The i-th VM name, or NULL past the last: for tab completion. */
const char *vms_complete_name(int i);

#endif
