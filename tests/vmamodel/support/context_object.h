/* SPDX-License-Identifier: GPL-2.0-only */
/* fixtures/context_object.c: a four-page window at pfn 0xa0000 */
struct win_dev {
	unsigned long base_pfn;
	unsigned long pages;
};

static inline unsigned long win_base_pfn(struct win_dev *wd, pgoff_t pgoff)
{
	return wd->base_pfn + pgoff;
}

static inline unsigned long win_length(struct win_dev *wd, pgoff_t pgoff)
{
	return pgoff < wd->pages ? (wd->pages - pgoff) << PAGE_SHIFT : 0;
}

static void win_setup(struct file *file)
{
	struct win_dev *wd = vmm_dev_alloc(sizeof(*wd));

	wd->base_pfn = 0xa0000;
	wd->pages = 4;
	file->private_data = wd;
}
#define VMM_SETUP		win_setup
