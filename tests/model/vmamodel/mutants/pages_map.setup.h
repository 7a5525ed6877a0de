/* SPDX-License-Identifier: GPL-2.0-only */
/* mutants/pages_map.c: four pages of the device's own */
static void pgbuf_setup(struct file *file)
{
	struct pgbuf *pb = vmm_dev_alloc(sizeof(*pb));

	vmm_dev_pages(pb->pages, 4);
	pb->npages = 4;
	file->private_data = pb;
}
#define VMM_SETUP		pgbuf_setup
