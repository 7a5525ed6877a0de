/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fixtures/desc_name_taken_helper.c: a buffer of four pages; hlp_ro_mmap
 * reads nothing of the device.
 */
struct hlp_buf {
	unsigned long pages;
};

struct hlp_dev {
	struct hlp_buf desc;
};

VMM_DEVICE(struct hlp_dev, .desc = { .pages = 4 })
#define VMM_SETUP		vmm_device_setup
