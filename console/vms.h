/* VMs from keel.cfg and the `list` command. */
#ifndef CONSOLE_VMS_H
#define CONSOLE_VMS_H

struct boot_info;
/* Defines every `vm` line, starts the -autostart ones, registers `list`. */
void vms_boot(struct boot_info *bi);

#endif
