/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Between model.c (the environment, the legacy path, the v1 target) and
 * mainline.c (the mainline target, built with VMM_MAINLINE).  Only types whose layout
 * is the same in both builds cross this interface: no vm_area_desc, no
 * file_operations.
 */
#ifndef MODEL_H
#define MODEL_H

#include "vmamodel.h"

#define VMA_START	0x7f0000000000UL

/* Where a run is: violations are prefixed with the phase's name */
enum phase {
	OUTSIDE, LEGACY, PREPARE, COMPLETE, ABORT,
	ACTION_PREPARE, ACTION, MAPPED, UNMAP,
};

void vmm_enter(enum phase phase);
struct file *vmm_file(void);
struct mm_struct *vmm_mm(void);

/* The steps of a run, in model.c */
void vmm_reset(const struct vmm_unit *unit, const struct vmm_request *req,
	       struct vmm_obs *obs);
unsigned long vmm_request_len(const struct vmm_unit *unit,
			      const struct vmm_request *req);
unsigned long vmm_request_pgoff(const struct vmm_unit *unit,
				const struct vmm_request *req);
vm_flags_t vmm_request_flags(const struct vmm_request *req);
bool vmm_request_valid(struct vm_area_struct *vma, struct vmm_obs *obs);
void vmm_unmap(struct vm_area_struct *vma, struct vmm_obs *obs);
void vmm_mapped(struct vm_area_struct *vma, struct vmm_obs *obs);
void vmm_balance(struct vmm_obs *obs);

/* mm/memory.c, 7.2: the parts that both the legacy helpers and actions use */
int vmm_remap_pfn_range_notrack(struct vm_area_struct *vma, unsigned long addr,
				unsigned long pfn, unsigned long size,
				pgprot_t prot);
int vmm_insert_pages(struct vm_area_struct *vma, unsigned long addr,
		     struct page **pages, unsigned long *num, const char *fn);

/* mm/memory.c get_remap_pgoff(), 7.2 */
static inline int get_remap_pgoff(bool is_cow, unsigned long addr,
		unsigned long end, unsigned long vm_start, unsigned long vm_end,
		unsigned long pfn, pgoff_t *vm_pgoff_p)
{
	/*
	 * There's a horrible special case to handle copy-on-write
	 * behaviour that some programs depend on. We mark the "original"
	 * un-COW'ed pages by matching them up with "vma->vm_pgoff".
	 * See vm_normal_page() for details.
	 */
	if (is_cow) {
		if (addr != vm_start || end != vm_end)
			return -EINVAL;
		*vm_pgoff_p = pfn;
	}

	return 0;
}

/* mm/memory.c __simple_ioremap_prep(), 7.2: vm_iomap_memory()'s checks */
static inline int __simple_ioremap_prep(unsigned long vm_len, pgoff_t vm_pgoff,
					phys_addr_t start_phys, unsigned long size,
					unsigned long *pfnp)
{
	unsigned long pfn, pages;

	/* Check that the physical memory area passed in looks valid */
	if (start_phys + size < start_phys)
		return -EINVAL;
	/*
	 * You *really* shouldn't map things that aren't page-aligned,
	 * but we've historically allowed it because IO memory might
	 * just have smaller alignment.
	 */
	size += start_phys & ~PAGE_MASK;
	pfn = start_phys >> PAGE_SHIFT;
	pages = (size + ~PAGE_MASK) >> PAGE_SHIFT;
	if (pfn + pages < pfn)
		return -EINVAL;

	/* We start the mapping 'vm_pgoff' pages into the area */
	if (vm_pgoff > pages)
		return -EINVAL;
	pfn += vm_pgoff;
	pages -= vm_pgoff;

	/* Can we fit all of the mapping? */
	if ((vm_len >> PAGE_SHIFT) > pages)
		return -EINVAL;

	*pfnp = pfn;
	return 0;
}

#endif /* MODEL_H */
