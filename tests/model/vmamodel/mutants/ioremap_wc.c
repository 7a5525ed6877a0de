// Registers mapped whole with io_remap_pfn_range, write-combined, for
// shared mappings at offset 0 only; fork does not copy the mapping.
#include <linux/fs.h>
#include <linux/mm.h>

struct wc_regs {
	phys_addr_t base;
	unsigned long len;
};

static int wc_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct wc_regs *r = file->private_data;
	unsigned long size = vma->vm_end - vma->vm_start;

	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if (vma->vm_pgoff || size > r->len)
		return -EINVAL;
	vm_flags_set(vma, VM_DONTCOPY | VM_NORESERVE);
	vma->vm_page_prot = pgprot_writecombine(vma->vm_page_prot);
	return io_remap_pfn_range(vma, vma->vm_start, r->base >> PAGE_SHIFT,
				  size, vma->vm_page_prot);
}

static const struct file_operations wc_fops = {
	.mmap = wc_mmap,
};
