/* SPDX-License-Identifier: GPL-2.0-only */
/* fixtures/pfn_from_filled_struct.c: a log of two pages at 16 MiB, which
 * the firmware tells once: a second query finds nothing */
struct tlog_dev {
	int queried;
};

struct tlog_info {
	u64 addr_hi;
	u64 addr_lo;
	unsigned long size;
};

static inline int tlog_get_info(struct tlog_dev *dev, struct tlog_info *info)
{
	info->addr_hi = 0;
	info->addr_lo = dev->queried++ ? 0 : 0x1000000;
	info->size = 2 * PAGE_SIZE;
	return 0;
}

static void tlog_setup(struct file *file)
{
	file->private_data = vmm_dev_alloc(sizeof(struct tlog_dev));
}
#define VMM_SETUP		tlog_setup
