/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What legacy code and the v1 target (docs/api.md) see: the VM_* flag
 * values of Linux 6.12 (x86-64), and the desc and populate helpers of the
 * proposed series.  vma_internal.h includes this file unless
 * the unit is built for the mainline target (VMM_MAINLINE, target_mainline.h).
 */
#ifndef TARGET_V1_H
#define TARGET_V1_H

/* include/linux/mm.h, 6.12 */
#define VM_NONE			0x00000000UL
#define VM_READ			0x00000001UL
#define VM_WRITE		0x00000002UL
#define VM_EXEC			0x00000004UL
#define VM_SHARED		0x00000008UL
#define VM_MAYREAD		0x00000010UL
#define VM_MAYWRITE		0x00000020UL
#define VM_MAYEXEC		0x00000040UL
#define VM_MAYSHARE		0x00000080UL
#define VM_GROWSDOWN		0x00000100UL
#define VM_PFNMAP		0x00000400UL
#define VM_LOCKED		0x00002000UL
#define VM_IO			0x00004000UL
#define VM_SEQ_READ		0x00008000UL
#define VM_RAND_READ		0x00010000UL
#define VM_DONTCOPY		0x00020000UL
#define VM_DONTEXPAND		0x00040000UL
#define VM_LOCKONFAULT		0x00080000UL
#define VM_ACCOUNT		0x00100000UL
#define VM_NORESERVE		0x00200000UL
#define VM_HUGETLB		0x00400000UL
#define VM_SYNC			0x00800000UL
#define VM_WIPEONFORK		0x02000000UL
#define VM_DONTDUMP		0x04000000UL
#define VM_SOFTDIRTY		0x08000000UL
#define VM_MIXEDMAP		0x10000000UL
#define VM_HUGEPAGE		0x20000000UL
#define VM_NOHUGEPAGE		0x40000000UL
#define VM_MERGEABLE		0x80000000UL
#define VM_SEALED		_BITUL(63)
#define VM_REMAP_FLAGS		(VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP)

/* include/linux/mm_types.h of the proposed series (the v1 target) */
struct vm_area_desc {
	/* Immutable state. */
	const struct mm_struct *const mm;
	struct file *const file;
	unsigned long start;
	unsigned long end;

	/* Mutable fields.  Populated with initial state. */
	pgoff_t pgoff;
	struct file *vm_file;
	vm_flags_t vm_flags;
	pgprot_t page_prot;

	/* Write-only fields. */
	const struct vm_operations_struct *vm_ops;
	void *private_data;
	void *mmap_context;
};

static inline unsigned long vma_desc_size(const struct vm_area_desc *desc)
{
	return desc->end - desc->start;
}

static inline unsigned long vma_desc_pages(const struct vm_area_desc *desc)
{
	return vma_desc_size(desc) >> PAGE_SHIFT;
}

int generic_file_mmap_prepare(struct vm_area_desc *desc);
int generic_file_readonly_mmap_prepare(struct vm_area_desc *desc);

/* The populate helpers of the series: prepare sets the flags, complete maps */
void remap_pfn_range_prepare(struct vm_area_desc *desc, unsigned long pfn);
int remap_pfn_range_complete(struct vm_area_struct *vma, unsigned long addr,
			     unsigned long pfn, unsigned long size,
			     pgprot_t prot);
void io_remap_pfn_range_prepare(struct vm_area_desc *desc, unsigned long pfn,
				unsigned long size);
int io_remap_pfn_range_complete(struct vm_area_struct *vma,
				unsigned long addr, unsigned long pfn,
				unsigned long size, pgprot_t prot);

#endif /* TARGET_V1_H */
