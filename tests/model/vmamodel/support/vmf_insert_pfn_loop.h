/* SPDX-License-Identifier: GPL-2.0-only */
/* fixtures/vmf_insert_pfn_loop.c: a framebuffer at pfn 0xd8000 */
struct fbmem {
	unsigned long base_pfn;
};

VMM_DEVICE(struct fbmem, .base_pfn = 0xd8000)
#define VMM_SETUP		vmm_device_setup
