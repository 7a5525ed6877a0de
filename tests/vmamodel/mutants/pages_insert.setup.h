/* SPDX-License-Identifier: GPL-2.0-only */
/* mutants/pages_insert.c: four pages of the device's own */
static void pb_setup(struct file *file)
{
	struct pbuf *pb = vmm_dev_alloc(sizeof(*pb));
	int i;

	for (i = 0; i < 4; i++)
		pb->pages[i] = alloc_page(GFP_KERNEL);
	pb->npages = 4;
	file->private_data = pb;
}
#define VMM_SETUP		pb_setup
