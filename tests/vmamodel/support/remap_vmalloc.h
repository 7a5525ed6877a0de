/* SPDX-License-Identifier: GPL-2.0-only */
/* fixtures/remap_vmalloc.c: a four-page vmalloc_user buffer */
struct vbuf {
	unsigned long pages;
	void *mem;
};

static void vbuf_setup(struct file *file)
{
	struct vbuf *vb = vmm_dev_alloc(sizeof(*vb));

	vb->pages = 4;
	vb->mem = vmalloc_user(4 * PAGE_SIZE);
	file->private_data = vb;
}
#define VMM_SETUP		vbuf_setup
