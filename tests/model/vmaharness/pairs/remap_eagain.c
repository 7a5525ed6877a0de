// remap_pfn_range() over the whole mapping, from the pfn the offset
// selects, uncached, and -EAGAIN whatever the remap returned.
#include <linux/fs.h>
#include <linux/mm.h>

static int sram_mmap(struct file *file, struct vm_area_struct *vma)
{
	if (vma->vm_pgoff + vma_pages(vma) > SRAM_PAGES)
		return -EINVAL;
	vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);
	if (remap_pfn_range(vma, vma->vm_start, SRAM_PFN + vma->vm_pgoff,
			    vma->vm_end - vma->vm_start, vma->vm_page_prot))
		return -EAGAIN;
	return 0;
}

static const struct file_operations sram_fops = {
	.owner = THIS_MODULE,
	.mmap = sram_mmap,
};
