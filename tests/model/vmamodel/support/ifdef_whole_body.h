/* SPDX-License-Identifier: GPL-2.0-only */
/* fixtures/trees/ifdef_whole_body: drivers/char/flash.c, a four-page window */
struct flash_dev {
	phys_addr_t phys;
	unsigned long size;
};

VMM_DEVICE(struct flash_dev, .phys = 0xfc000000, .size = 4 * PAGE_SIZE)
#define VMM_SETUP		vmm_device_setup
