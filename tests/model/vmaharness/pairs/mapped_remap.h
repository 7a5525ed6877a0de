/* SPDX-License-Identifier: GPL-2.0-only */
/* pairs/mapped_remap: four pages at pfn 0xc0000, and a count of users */
#define GSC_PAGES		4
#define GSC_PFN			0xc0000UL

struct gsc {
	atomic_t users;
};

VMM_DEVICE(struct gsc, .users = ATOMIC_INIT(0))
#define VMM_SETUP		vmm_device_setup

static void gsc_state(struct file *file, char *buf, size_t len)
{
	struct gsc *gsc = file->private_data;

	snprintf(buf, len, "users %d", atomic_read(&gsc->users));
}
#define VH_STATE		gsc_state
