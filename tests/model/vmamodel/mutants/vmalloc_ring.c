// A vmalloc_user ring mapped with remap_vmalloc_range.
#include <linux/fs.h>
#include <linux/mm.h>

struct ring {
	void *buf;
};

static int ring_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct ring *r = file->private_data;

	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	return remap_vmalloc_range(vma, r->buf, vma->vm_pgoff);
}

static const struct file_operations ring_fops = {
	.mmap = ring_mmap,
};
