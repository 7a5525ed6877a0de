/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fixtures/vma_null_test.c: a reserved buffer of four pages, as sg.c has
 * one per file; the mmap_called flag is the device's state (vmaharness).
 */
struct sgt_fd {
	struct mutex f_mutex;
	unsigned long bufflen;
	char mmap_called;
};

static void sgt_setup(struct file *file)
{
	struct sgt_fd *sfp = vmm_dev_alloc(sizeof(*sfp));

	*sfp = (struct sgt_fd){ .bufflen = 4 * PAGE_SIZE };
	mutex_init(&sfp->f_mutex);
	file->private_data = sfp;
}
#define VMM_SETUP		sgt_setup

#ifdef VH_UNIT
/* vmaharness compares the device's state after each request */
static void sgt_state(struct file *file, char *buf, size_t len)
{
	struct sgt_fd *sfp = file->private_data;

	snprintf(buf, len, "mmap_called %d", sfp->mmap_called);
}
#define VH_STATE		sgt_state
#endif
