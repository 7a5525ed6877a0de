// Physical pages mapped with remap_pfn_range, shared or copy-on-write; a
// failed remap is reported as -EAGAIN.
#include <linux/fs.h>
#include <linux/mm.h>

#define PHYS_BASE_PFN	0x80000UL
#define PHYS_PAGES	4

static int phys_mmap(struct file *file, struct vm_area_struct *vma)
{
	size_t size = vma->vm_end - vma->vm_start;

	if (vma->vm_pgoff + vma_pages(vma) > PHYS_PAGES)
		return -EINVAL;
	vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);
	if (remap_pfn_range(vma, vma->vm_start, PHYS_BASE_PFN + vma->vm_pgoff,
			    size, vma->vm_page_prot))
		return -EAGAIN;
	return 0;
}

static const struct file_operations phys_fops = {
	.mmap = phys_mmap,
};
