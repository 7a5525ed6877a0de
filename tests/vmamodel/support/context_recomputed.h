/* SPDX-License-Identifier: GPL-2.0-only */
/* fixtures/context_recomputed.c: a four-page buffer at 0xfc000000 */
#define SHM_USER_MAPPED		0x1

struct shm {
	unsigned long flags;
	size_t size;
	phys_addr_t paddr;
};

static void shm_setup(struct file *file)
{
	struct shm *shm = vmm_dev_alloc(sizeof(*shm));

	shm->size = 4 * PAGE_SIZE;
	shm->paddr = 0xfc000000;
	file->private_data = shm;
}
#define VMM_SETUP		shm_setup
