/* SPDX-License-Identifier: GPL-2.0-only */
/* fixtures/preprocessor_define.c: four pages of BAR2, resource 4 */
struct bar_res {
	phys_addr_t start;
	unsigned long len;
};

struct bar_dev {
	struct bar_res res[6];
};

struct bar_ctx {
	struct bar_dev *dev;
};

static void bar_setup(struct file *file)
{
	struct bar_ctx *ctx = vmm_dev_alloc(sizeof(*ctx));

	ctx->dev = vmm_dev_alloc(sizeof(*ctx->dev));
	ctx->dev->res[4].start = 0xfe000000;
	ctx->dev->res[4].len = 4 * PAGE_SIZE;
	file->private_data = ctx;
}
#define VMM_SETUP		bar_setup
