/* SPDX-License-Identifier: GPL-2.0-only */
/* fixtures/prot_local_then_remap.c: a four-page window at 0xd0000000 */
struct lpc {
	phys_addr_t mem_base;
	resource_size_t mem_size;
};

VMM_DEVICE(struct lpc, .mem_base = 0xd0000000, .mem_size = 4 * PAGE_SIZE)
#define VMM_SETUP		vmm_device_setup
