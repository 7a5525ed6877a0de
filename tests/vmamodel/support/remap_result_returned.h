/* SPDX-License-Identifier: GPL-2.0-only */
/* fixtures/remap_result_returned.c: a log buffer at pfn 0xb8000 */
struct logbuf {
	unsigned long pfn;
};

static void log_setup(struct file *file)
{
	struct logbuf *lb = vmm_dev_alloc(sizeof(*lb));

	lb->pfn = 0xb8000;
	file->private_data = lb;
}
#define VMM_SETUP		log_setup
