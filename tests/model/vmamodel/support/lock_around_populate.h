/* SPDX-License-Identifier: GPL-2.0-only */
/* fixtures/lock_around_populate.c: a four-page table under a mutex */
#define TBL_PAGES		4

struct tbl {
	struct mutex lock;
	struct page *pages[TBL_PAGES];
};

static void tbl_setup(struct file *file)
{
	struct tbl *t = vmm_dev_alloc(sizeof(*t));

	mutex_init(&t->lock);
	vmm_dev_pages(t->pages, TBL_PAGES);
	file->private_data = t;
}
#define VMM_SETUP		tbl_setup
