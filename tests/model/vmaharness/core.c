// SPDX-License-Identifier: GPL-2.0-only
/*
 * The kernel side: mm/vma.c and the rest of the mmap path, built the way
 * tools/testing/vma/main.c builds it, plus what the harness stubs out and
 * an mmap_prepare hook depends on: mmap_action_prepare() and
 * mmap_action_complete() (mm/util.c), the remap, ioremap and page-array
 * halves of mm/memory.c, mmap_file() and vma_close() (mm/internal.h) and
 * do_munmap() (mm/mmap.c), and generic_file_mmap() and its kin
 * (mm/filemap.c).  run.py copies those functions out of the tree
 * into generated/kernel.c, unchanged, with #line markers.
 *
 * What would write page tables is recorded instead, in vh_trace: the leaf
 * functions below replace do_remap_pfn_range(), insert_page() and
 * insert_pages() of mm/memory.c.  Three kernel functions are wrapped so
 * that the driver hooks they call are counted: mmap_file() (f_op->mmap),
 * call_vma_mapped() (vm_ops->mapped) and vma_close() (vm_ops->close).
 */
#include "vmaharness.h"

struct vh_trace vh_trace;

/* The mmap path holds the mmap lock for writing */
static inline bool mmap_read_trylock(struct mm_struct *mm)
{
	return false;
}

/* Coalesce with the previous run when contiguous; count one call */
static int vh_populate(unsigned long addr, unsigned long pfn,
		       unsigned long pages, pgprot_t prot, bool page)
{
	struct vh_populate *last = vh_trace.npopulate ?
		&vh_trace.populate[vh_trace.npopulate - 1] : NULL;

	if (last && last->page == page &&
	    last->addr + (last->pages << PAGE_SHIFT) == addr &&
	    last->pfn + last->pages == pfn &&
	    pgprot_val(last->prot) == pgprot_val(prot)) {
		last->pages += pages;
		return 0;
	}
	if (vh_trace.npopulate == VH_MAX_POPULATE) {
		vh_trace.warnings++;
		return -ENOMEM;
	}
	vh_trace.populate[vh_trace.npopulate++] = (struct vh_populate){
		.addr = addr, .pfn = pfn, .pages = pages, .prot = prot,
		.page = page,
	};
	return 0;
}

static int vh_populate_call(void)
{
	return ++vh_trace.populate_calls == vh_trace.fail_populate ?
		VH_INJECTED : 0;
}

/* mm/memory.c: the page-table half of remap_pfn_range() */
static int do_remap_pfn_range(struct vm_area_struct *vma, unsigned long addr,
		unsigned long pfn, unsigned long size, pgprot_t prot)
{
	int err;

	/* The checks of remap_pfn_range_internal() */
	if (WARN_ON_ONCE(!PAGE_ALIGNED(addr)))
		return -EINVAL;
	if (WARN_ON_ONCE(!vma_test_all_mask(vma, VMA_REMAP_FLAGS)))
		vh_trace.warnings++;
	if (WARN_ON_ONCE(!size))
		return -EINVAL;
	err = vh_populate_call();
	if (err)
		return err;
	return vh_populate(addr, pfn, PAGE_ALIGN(size) >> PAGE_SHIFT, prot,
			   false);
}

/* mm/memory.c: one page, or an array of them, into the page tables */
static int insert_page(struct vm_area_struct *vma, unsigned long addr,
		       struct page *page, pgprot_t prot, bool mkwrite)
{
	int err = vh_populate_call();

	if (err)
		return err;
	return vh_populate(addr, page_to_pfn(page), 1, prot, true);
}

static int insert_pages(struct vm_area_struct *vma, unsigned long addr,
			struct page **pages, unsigned long *num, pgprot_t prot)
{
	unsigned long i;
	int err = vh_populate_call();

	if (err)
		return err;
	for (i = 0; i < *num; i++) {
		err = vh_populate(addr + (i << PAGE_SHIFT),
				  page_to_pfn(pages[i]), 1, prot, true);
		if (err)
			break;
	}
	*num -= i;
	return err;
}

/* mm/filemap.c: the page cache's fault handlers are not the harness's */
const struct vm_operations_struct generic_file_vm_ops = {};

#include "generated/kernel.c"

/*
 * The wrapped kernel functions: count the driver hooks they call.  Not
 * static, unlike the kernel's: the harness's headers declare them.
 */
int mmap_file(struct file *file, struct vm_area_struct *vma)
{
	if (file->f_op->mmap)
		vh_trace.mmap_calls++;
	return kernel_mmap_file(file, vma);
}

int call_vma_mapped(struct vm_area_struct *vma)
{
	bool hook = vma->vm_ops && vma->vm_ops->mapped;
	int err = kernel_call_vma_mapped(vma);

	if (hook) {
		vh_trace.mapped_calls++;
		vh_trace.mapped_rc = err;
		vh_trace.mapped_start = vma->vm_start;
		vh_trace.mapped_end = vma->vm_end;
	}
	return err;
}

void vma_close(struct vm_area_struct *vma)
{
	if (vma->vm_ops && vma->vm_ops->close)
		vh_trace.close_calls++;
	kernel_vma_close(vma);
}

/* As tools/testing/vma/main.c */
#include "../../../mm/vma_init.c"
#include "../../../mm/vma_exec.c"
#include "../../../mm/vma.c"

int sysctl_max_map_count __read_mostly = DEFAULT_MAX_MAP_COUNT;

struct vm_area_struct *merge_existing(struct vma_merge_struct *vmg)
{
	struct vm_area_struct *vma;

	vma = vma_merge_existing_range(vmg);
	if (vma)
		vma_assert_attached(vma);
	return vma;
}

int attach_vma(struct mm_struct *mm, struct vm_area_struct *vma)
{
	int res;

	res = vma_link(mm, vma);
	if (!res)
		vma_assert_attached(vma);
	return res;
}
