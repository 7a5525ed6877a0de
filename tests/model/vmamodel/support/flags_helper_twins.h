/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fixtures/flags_helper_twins.c: vma_get_page_prot() of Linux 7.2's
 * include/linux/mm.h, which target_mainline.h does not copy (the
 * harness's tools/testing/vma has it).
 */
#ifdef VMM_MAINLINE
static inline pgprot_t vma_get_page_prot(vma_flags_t vma_flags)
{
	const vm_flags_t vm_flags = vma_flags_to_legacy(vma_flags);

	return vm_get_page_prot(vm_flags);
}
#endif
