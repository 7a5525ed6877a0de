/* SPDX-License-Identifier: GPL-2.0-only */
/* fixtures/vm_map_pages_zero_array.c: four pages */
struct zbuf {
	struct page *pages[4];
	unsigned long count;
};

static void zbuf_setup(struct file *file)
{
	struct zbuf *zb = vmm_dev_alloc(sizeof(*zb));

	vmm_dev_pages(zb->pages, 4);
	zb->count = 4;
	file->private_data = zb;
}
#define VMM_SETUP		zbuf_setup
