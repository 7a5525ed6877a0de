/* SPDX-License-Identifier: GPL-2.0-only */
/* fixtures/writecombine_then_remap.c: a four-page buffer at 0xe0000000 */
struct fbuf {
	unsigned long size;
	struct device *dev;
	phys_addr_t addr;
};

static void fbuf_setup(struct file *file)
{
	struct fbuf *fb = vmm_dev_alloc(sizeof(*fb));

	fb->size = 4 * PAGE_SIZE;
	fb->addr = 0xe0000000;
	file->private_data = fb;
}
#define VMM_SETUP		fbuf_setup
