/* SPDX-License-Identifier: GPL-2.0-only */
/* pairs/flags_set: a buffer of four pages */
struct buf_dev {
	unsigned long pages;
};

VMM_DEVICE(struct buf_dev, .pages = 4)
#define VMM_SETUP		vmm_device_setup
