/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fixtures/nommu_shared_mapping.c: include/linux/mm.h has these helpers
 * only without an MMU, where bit 9 is VM_MAYOVERLAY (VM_UFFD_MISSING with
 * one, which no mmap() request sets): copied from Linux 6.12 and 7.2.
 */
#ifndef VM_MAYOVERLAY
#define VM_MAYOVERLAY		0x00000200
#endif

static inline bool is_nommu_shared_mapping(vm_flags_t flags)
{
	return flags & (VM_MAYSHARE | VM_MAYOVERLAY);
}

#if defined(VMM_MAINLINE) || defined(VMAHARNESS_H)
#define VMA_MAYOVERLAY_BIT	VMA_UFFD_MISSING_BIT

static inline bool is_nommu_shared_vma_flags(const vma_flags_t *flags)
{
	return vma_flags_test_any(flags, VMA_MAYSHARE_BIT, VMA_MAYOVERLAY_BIT);
}
#endif
