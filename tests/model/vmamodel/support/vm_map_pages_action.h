/* SPDX-License-Identifier: GPL-2.0-only */
/* fixtures/vm_map_pages_action.c: a ring of four pages */
struct ring {
	struct page *pages[4];
	unsigned long nr_pages;
};

static void ring_setup(struct file *file)
{
	struct ring *r = vmm_dev_alloc(sizeof(*r));

	vmm_dev_pages(r->pages, 4);
	r->nr_pages = 4;
	file->private_data = r;
}
#define VMM_SETUP		ring_setup
