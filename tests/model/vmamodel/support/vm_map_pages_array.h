/* SPDX-License-Identifier: GPL-2.0-only */
/* fixtures/vm_map_pages_array.c: four pages */
struct pages_buf {
	struct page *pages[4];
	unsigned long nr_pages;
};

static void pages_setup(struct file *file)
{
	struct pages_buf *buf = vmm_dev_alloc(sizeof(*buf));

	vmm_dev_pages(buf->pages, 4);
	buf->nr_pages = 4;
	file->private_data = buf;
}
#define VMM_SETUP		pages_setup
