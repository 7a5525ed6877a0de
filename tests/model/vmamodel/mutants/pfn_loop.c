// Pfns inserted one page at a time with vmf_insert_pfn.
#include <linux/fs.h>
#include <linux/mm.h>

#define FB_PFN	0x90000UL

static int fb_mmap(struct file *file, struct vm_area_struct *vma)
{
	unsigned long addr;
	unsigned long pfn = FB_PFN + vma->vm_pgoff;

	vm_flags_set(vma, VM_PFNMAP | VM_DONTEXPAND);
	for (addr = vma->vm_start; addr < vma->vm_end; addr += PAGE_SIZE, pfn++)
		if (vmf_insert_pfn(vma, addr, pfn) != VM_FAULT_NOPAGE)
			return -EFAULT;
	return 0;
}

static const struct file_operations fb_fops = {
	.mmap = fb_mmap,
};
