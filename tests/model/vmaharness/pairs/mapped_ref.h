/* SPDX-License-Identifier: GPL-2.0-only */
/* pairs/mapped_ref: a device that counts the mappings of it */
#define STM_PAGES		4

struct stm_dev {
	atomic_t users;
};

VMM_DEVICE(struct stm_dev, .users = ATOMIC_INIT(0))
#define VMM_SETUP		vmm_device_setup

static void stm_state(struct file *file, char *buf, size_t len)
{
	struct stm_dev *stm = file->private_data;

	snprintf(buf, len, "users %d", atomic_read(&stm->users));
}
#define VH_STATE		stm_state
