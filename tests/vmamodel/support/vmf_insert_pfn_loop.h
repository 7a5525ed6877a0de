/* SPDX-License-Identifier: GPL-2.0-only */
/* fixtures/vmf_insert_pfn_loop.c: a framebuffer at pfn 0xd8000 */
struct fbmem {
	unsigned long base_pfn;
};

static void fb_setup(struct file *file)
{
	struct fbmem *fb = vmm_dev_alloc(sizeof(*fb));

	fb->base_pfn = 0xd8000;
	file->private_data = fb;
}
#define VMM_SETUP		fb_setup
