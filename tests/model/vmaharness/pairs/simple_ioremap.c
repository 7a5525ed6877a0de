// vm_iomap_memory() of a device's registers, uncached: the bounds checks
// against the offset and the length are the core's.
#include <linux/fs.h>
#include <linux/mm.h>

static int bar_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct bar *bar = file->private_data;

	vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);
	return vm_iomap_memory(vma, bar->phys, bar->len);
}

static const struct file_operations bar_fops = {
	.owner = THIS_MODULE,
	.mmap = bar_mmap,
};
