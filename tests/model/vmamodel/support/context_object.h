/* SPDX-License-Identifier: GPL-2.0-only */
/* fixtures/context_object.c: a four-page window at pfn 0xa0000, write-combined at odd page offsets */
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

static inline bool win_prefetchable(struct win_dev *wd, pgoff_t pgoff)
{
	return pgoff & 1;
}

VMM_DEVICE(struct win_dev, .base_pfn = 0xa0000, .pages = 4)
#define VMM_SETUP		vmm_device_setup
