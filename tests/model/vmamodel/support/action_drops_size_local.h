/* SPDX-License-Identifier: GPL-2.0-only */
/* fixtures/action_drops_size_local.c: four pages of shared memory */
struct shm {
	unsigned long size;
	phys_addr_t paddr;
};

VMM_DEVICE(struct shm, .size = 4 * PAGE_SIZE, .paddr = 0x80000000)
#define VMM_SETUP		vmm_device_setup
