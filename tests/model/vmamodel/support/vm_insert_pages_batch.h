/* SPDX-License-Identifier: GPL-2.0-only */
/* fixtures/vm_insert_pages_batch.c: four pages */
struct batch {
	struct page *pages[4];
	unsigned long nr_pages;
};

static void batch_setup(struct file *file)
{
	struct batch *b = vmm_dev_alloc(sizeof(*b));

	vmm_dev_pages(b->pages, 4);
	b->nr_pages = 4;
	file->private_data = b;
}
#define VMM_SETUP		batch_setup
