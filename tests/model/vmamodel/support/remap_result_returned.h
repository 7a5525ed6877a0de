/* SPDX-License-Identifier: GPL-2.0-only */
/* fixtures/remap_result_returned.c: a log buffer at pfn 0xb8000 */
struct logbuf {
	unsigned long pfn;
};

VMM_DEVICE(struct logbuf, .pfn = 0xb8000)
#define VMM_SETUP		vmm_device_setup
