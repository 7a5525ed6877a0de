/* SPDX-License-Identifier: GPL-2.0-only */
/* fixtures/helper_convertible.c: a device of two pages */
struct gsc_dev {
	unsigned long npages;
};

VMM_DEVICE(struct gsc_dev, .npages = 2)
#define VMM_SETUP		vmm_device_setup
#define VMM_DEV_SIZE		(2 * PAGE_SIZE)
