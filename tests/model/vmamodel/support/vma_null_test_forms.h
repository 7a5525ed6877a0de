/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fixtures/vma_null_test_forms.c: four pages at pfn 0xa4000; ntq_mmap only
 * tests that the device is there.
 */
struct ntq_dev;

struct ntr_dev {
	unsigned long size;
	unsigned long pfn;
};

VMM_DEVICE(struct ntr_dev, .size = 4 * PAGE_SIZE, .pfn = 0xa4000)
#define VMM_SETUP		vmm_device_setup
