/* SPDX-License-Identifier: GPL-2.0-only */
/* fixtures/writecombine_then_remap.c: a four-page buffer at 0xe0000000 */
struct fbuf {
	unsigned long size;
	struct device *dev;
	phys_addr_t addr;
};

VMM_DEVICE(struct fbuf, .size = 4 * PAGE_SIZE, .addr = 0xe0000000)
#define VMM_SETUP		vmm_device_setup
