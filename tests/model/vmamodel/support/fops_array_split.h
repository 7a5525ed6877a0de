/* SPDX-License-Identifier: GPL-2.0-only */
/* fixtures/fops_array_split.c: a one-page mailbox */
struct mbox {
	struct page *page;
};

VMM_DEVICE(struct mbox, .page = alloc_page(GFP_KERNEL))
#define VMM_SETUP		vmm_device_setup
#define VMM_DEV_SIZE		PAGE_SIZE
