/* SPDX-License-Identifier: GPL-2.0-only */
/* fixtures/vmf_insert_mixed_loop.c: device memory at pfn 0xd0000 */
struct mix {
	unsigned long pfn;
};

VMM_DEVICE(struct mix, .pfn = 0xd0000)
#define VMM_SETUP		vmm_device_setup
