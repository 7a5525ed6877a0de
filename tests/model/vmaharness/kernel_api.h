/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kernel API that mmap handlers use and the harness does not provide:
 * the static inlines of include/linux/mm.h that run.py copies out of the
 * tree (generated/mm_inline.h: the mmap_action_*() helpers, vma_desc_size()
 * and friends), the functions of mm/memory.c and mm/filemap.c that core.c
 * builds from the tree, device memory with stable pfns (driver.c), and
 * driver odds and ends, stubbed.
 */
#ifndef VMAHARNESS_KERNEL_API_H
#define VMAHARNESS_KERNEL_API_H

#include <stdio.h>
#include <string.h>

/*
 * The harness has no struct page.  A device page carries its own pfn, so
 * that what insert_pages() is asked to map can be compared by pfn.
 */
struct page {
	unsigned long vh_pfn;
	void *vh_addr;			/* its memory */
};

static inline unsigned long page_to_pfn(const struct page *page)
{
	return page->vh_pfn;
}

/*
 * The harness's vm_get_page_prot() returns the vm_flags as a pgprot; the
 * cache attribute takes two bits that no vm flag uses.
 */
#define _PAGE_VH_UC		(1UL << 60)
#define _PAGE_VH_WC		(1UL << 61)
#define _PAGE_VH_CACHE		(_PAGE_VH_UC | _PAGE_VH_WC)

static inline pgprot_t pgprot_noncached(pgprot_t prot)
{
	return __pgprot((pgprot_val(prot) & ~_PAGE_VH_CACHE) | _PAGE_VH_UC);
}

static inline pgprot_t pgprot_writecombine(pgprot_t prot)
{
	return __pgprot((pgprot_val(prot) & ~_PAGE_VH_CACHE) | _PAGE_VH_WC);
}

#define pgprot_device		pgprot_noncached

#ifndef PAGE_ALIGNED
#define PAGE_ALIGNED(addr)	IS_ALIGNED((unsigned long)(addr), PAGE_SIZE)
#endif
#define pgprot_decrypted(prot)	(prot)		/* asm-generic */

/* mm/memory.c, built from the tree by core.c */
int remap_pfn_range(struct vm_area_struct *vma, unsigned long addr,
		    unsigned long pfn, unsigned long size, pgprot_t pgprot);
int vm_iomap_memory(struct vm_area_struct *vma, phys_addr_t start,
		    unsigned long len);
int vm_insert_page(struct vm_area_struct *vma, unsigned long addr,
		   struct page *page);
int vm_insert_pages(struct vm_area_struct *vma, unsigned long addr,
		    struct page **pages, unsigned long *num);
int vm_map_pages(struct vm_area_struct *vma, struct page **pages,
		 unsigned long num);
int vm_map_pages_zero(struct vm_area_struct *vma, struct page **pages,
		      unsigned long num);

#include "generated/mm_inline.h"


/*
 * Device memory (driver.c): page-aligned, and its pages numbered in the
 * order of allocation, so that the legacy run and the converted run, each
 * with a device of its own, see the same pfns and physical addresses.
 */
void *vh_dev_vmalloc(size_t size);
struct page *vh_dev_page(const void *addr);
phys_addr_t vh_dev_phys(const void *addr);

#define vmalloc(size)			vh_dev_vmalloc(size)
#define vzalloc(size)			vh_dev_vmalloc(size)
#define vmalloc_user(size)		vh_dev_vmalloc(size)
#define vfree(addr)			do { } while (0)
#define vmalloc_to_page(addr)		vh_dev_page(addr)
#define vmalloc_to_pfn(addr)		page_to_pfn(vh_dev_page(addr))
#define virt_to_page(addr)		vh_dev_page(addr)
#define page_address(page)		((page)->vh_addr)
#define alloc_page(gfp)			vh_dev_page(vh_dev_vmalloc(PAGE_SIZE))
#define __free_page(page)		do { } while (0)
#define __get_free_pages(gfp, order) \
	((unsigned long)vh_dev_vmalloc(PAGE_SIZE << (order)))
#define free_pages(addr, order)		do { } while (0)
#undef __pa
#define __pa(addr)			vh_dev_phys((const void *)(addr))
#undef virt_to_phys
#define virt_to_phys(addr)		vh_dev_phys((const void *)(addr))
#undef virt_to_pfn
#define virt_to_pfn(addr)		(virt_to_phys(addr) >> PAGE_SHIFT)
/* include/linux/pfn.h */
#ifndef PFN_DOWN
#define PFN_DOWN(x)			((x) >> PAGE_SHIFT)
#endif

/* mm/filemap.c, built from the tree by core.c */
extern const struct vm_operations_struct generic_file_vm_ops;
int generic_file_mmap(struct file *file, struct vm_area_struct *vma);
int generic_file_mmap_prepare(struct vm_area_desc *desc);
int generic_file_readonly_mmap(struct file *file, struct vm_area_struct *vma);
int generic_file_readonly_mmap_prepare(struct vm_area_desc *desc);

static inline void file_accessed(struct file *file)
{
}

/* arch/x86/mm/pat: no change of cache mode in the harness */
static inline pgprot_t phys_mem_access_prot(struct file *file, unsigned long pfn,
					    unsigned long size, pgprot_t vma_prot)
{
	return vma_prot;
}

/* Driver odds and ends */
typedef phys_addr_t resource_size_t;
typedef unsigned short umode_t;

struct inode {
	umode_t i_mode;
	void *i_private;
};

static inline void *pde_data(const struct inode *inode)
{
	return inode->i_private;
}

#define THIS_MODULE		((struct module *)NULL)
#define __iomem
#define mutex_init(lock)	do { } while (0)
#define pr_warn			pr_err
#define pr_notice		pr_err
#define dev_dbg(dev, ...)	do { } while (0)
#define dev_err(dev, ...)	do { } while (0)

static inline void atomic_dec(atomic_t *v)
{
	__sync_sub_and_fetch(&v->counter, 1);
}

static inline struct inode *file_inode(const struct file *file)
{
	return file->f_inode;
}

/* scoped_guard(mutex, ...) of a driver, as include/linux/mutex.h has it */
/* compiler_attributes.h's, which tools/include lacks */
#ifndef __nonnull_args
#define __nonnull_args(...)	__attribute__((__nonnull__(__VA_ARGS__)))
#endif
#ifndef __cleanup
#define __cleanup(func)		__attribute__((__cleanup__(func)))
#endif
#ifndef __UNIQUE_ID
#define __VH_PASTE(a, b)	a##b
#define __VH_UNIQUE(p, n)	__VH_PASTE(p, n)
#define __UNIQUE_ID(prefix)	__VH_UNIQUE(__UNIQUE_ID_##prefix, __COUNTER__)
#endif
#include <linux/cleanup.h>
DEFINE_GUARD(mutex, struct mutex *, mutex_lock(_T), mutex_unlock(_T))

#endif /* VMAHARNESS_KERNEL_API_H */
