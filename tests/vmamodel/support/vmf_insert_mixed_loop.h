/* SPDX-License-Identifier: GPL-2.0-only */
/* fixtures/vmf_insert_mixed_loop.c: device memory at pfn 0xd0000 */
struct mix {
	unsigned long pfn;
};

static void mix_setup(struct file *file)
{
	struct mix *m = vmm_dev_alloc(sizeof(*m));

	m->pfn = 0xd0000;
	file->private_data = m;
}
#define VMM_SETUP		mix_setup
