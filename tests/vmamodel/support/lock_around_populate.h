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
	int i;

	mutex_init(&t->lock);
	for (i = 0; i < TBL_PAGES; i++)
		t->pages[i] = alloc_page(GFP_KERNEL);
	file->private_data = t;
}
#define VMM_SETUP		tbl_setup
