/* SPDX-License-Identifier: GPL-2.0-only */
/* fixtures/context_recomputed.c: a four-page buffer at 0xfc000000 */
#define SHM_USER_MAPPED		0x1

struct shm {
	unsigned long flags;
	size_t size;
	phys_addr_t paddr;
};

VMM_DEVICE(struct shm, .size = 4 * PAGE_SIZE, .paddr = 0xfc000000)
#define VMM_SETUP		vmm_device_setup
