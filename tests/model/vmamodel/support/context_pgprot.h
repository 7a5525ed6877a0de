/* SPDX-License-Identifier: GPL-2.0-only */
/* fixtures/context_pgprot.c: two pages, write-combined once asked */
#define PGP_SIZE	(2 * PAGE_SIZE)

struct pgp_dev {
	unsigned long pfn;
	int calls;
};

/* counts its calls: complete must not make a second one */
static inline pgprot_t pgp_choose_prot(struct pgp_dev *dev, pgprot_t prot)
{
	return dev->calls++ ? prot : pgprot_writecombine(prot);
}

static void pgp_setup(struct file *file)
{
	struct pgp_dev *dev = vmm_dev_alloc(sizeof(*dev));

	dev->pfn = 0x2000;
	file->private_data = dev;
}
#define VMM_SETUP		pgp_setup
