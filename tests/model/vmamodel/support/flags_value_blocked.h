/* SPDX-License-Identifier: GPL-2.0-only */
/* fixtures/flags_value_blocked.c: a device mapped read-only */
struct mode_dev {
	unsigned long mode;
};

VMM_DEVICE(struct mode_dev, .mode = VM_READ)
#define VMM_SETUP		vmm_device_setup
