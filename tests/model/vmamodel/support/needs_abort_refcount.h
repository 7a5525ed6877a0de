/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fixtures/needs_abort_refcount.c (and needs_abort_then_populate.c): four
 * pages at pfn 0xb0000, with runtime PM counted.  trc->dev points at the
 * trc_dev itself (neither model has a struct device to embed), and each
 * reference is an allocation, so that one taken and never given back stays
 * allocated after the path (vmamodel); the count is the device's state
 * (vmaharness), and one given back that was never taken leaves it negative.
 */
struct trc_dev {
	struct device *dev;
	unsigned long size;
	unsigned long pfn;
	void *refs[8];
	int nrefs;
};

static inline int pm_runtime_get_sync(struct device *dev)
{
	struct trc_dev *trc = (struct trc_dev *)dev;

	trc->refs[trc->nrefs++] = kmalloc(8, GFP_KERNEL);
	return 1;
}

static inline void pm_runtime_get(struct device *dev)
{
	pm_runtime_get_sync(dev);
}

static inline int pm_runtime_put(struct device *dev)
{
	struct trc_dev *trc = (struct trc_dev *)dev;

	if (--trc->nrefs >= 0)
		kfree(trc->refs[trc->nrefs]);
	return 0;
}

static void trc_setup(struct file *file)
{
	struct trc_dev *trc = vmm_dev_alloc(sizeof(*trc));

	*trc = (struct trc_dev){ .dev = (struct device *)trc,
				 .size = 4 * PAGE_SIZE, .pfn = 0xb0000 };
	file->private_data = trc;
}
#define VMM_SETUP		trc_setup

#ifdef VH_UNIT
/* vmaharness compares the device's state after each request */
static void trc_state(struct file *file, char *buf, size_t len)
{
	struct trc_dev *trc = file->private_data;

	snprintf(buf, len, "runtime-PM references %d", trc->nrefs);
}
#define VH_STATE		trc_state
#endif
