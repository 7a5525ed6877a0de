/* SPDX-License-Identifier: GPL-2.0-only */
/* fixtures/vm_insert_page_single.c: the file's private data is a page */
static void status_setup(struct file *file)
{
	file->private_data = alloc_page(GFP_KERNEL);
}
#define VMM_SETUP		status_setup
#define VMM_DEV_SIZE		PAGE_SIZE
