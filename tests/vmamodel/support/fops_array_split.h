/* SPDX-License-Identifier: GPL-2.0-only */
/* fixtures/fops_array_split.c: a one-page mailbox */
struct mbox {
	struct page *page;
};

static void mbox_setup(struct file *file)
{
	struct mbox *mb = vmm_dev_alloc(sizeof(*mb));

	mb->page = alloc_page(GFP_KERNEL);
	file->private_data = mb;
}
#define VMM_SETUP		mbox_setup
#define VMM_DEV_SIZE		PAGE_SIZE
