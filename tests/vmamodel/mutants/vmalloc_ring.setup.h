/* SPDX-License-Identifier: GPL-2.0-only */
/* mutants/vmalloc_ring.c: a four-page vmalloc_user ring */
static void ring_setup(struct file *file)
{
	struct ring *r = vmm_dev_alloc(sizeof(*r));

	r->buf = vmalloc_user(4 * PAGE_SIZE);
	file->private_data = r;
}
#define VMM_SETUP		ring_setup
