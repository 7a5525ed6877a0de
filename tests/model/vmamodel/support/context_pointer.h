/* SPDX-License-Identifier: GPL-2.0-only */
/* fixtures/context_pointer.c: two buffers, of four pages and of one page */
struct buf_entry {
	struct page *pages[4];
	unsigned long npages;
};

struct bufs {
	struct buf_entry entry[2];
};

static inline struct buf_entry *bufs_lookup(struct bufs *bs, pgoff_t pgoff)
{
	return pgoff < 2 ? &bs->entry[pgoff] : NULL;
}

static void bufs_setup(struct file *file)
{
	struct bufs *bs = vmm_dev_alloc(sizeof(*bs));

	vmm_dev_pages(bs->entry[0].pages, 4);
	bs->entry[0].npages = 4;
	vmm_dev_pages(bs->entry[1].pages, 1);
	bs->entry[1].npages = 1;
	file->private_data = bs;
}
#define VMM_SETUP		bufs_setup
