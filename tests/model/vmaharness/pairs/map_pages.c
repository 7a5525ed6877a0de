// An array of kernel pages mapped from the start of the buffer: no offset,
// at most all of the pages.
#include <linux/fs.h>
#include <linux/mm.h>

static int ring_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct ring *ring = file->private_data;

	if (vma->vm_pgoff || vma_pages(vma) > RING_PAGES)
		return -EINVAL;
	return vm_map_pages_zero(vma, ring->pages, vma_pages(vma));
}

static const struct file_operations ring_fops = {
	.owner = THIS_MODULE,
	.mmap = ring_mmap,
};
