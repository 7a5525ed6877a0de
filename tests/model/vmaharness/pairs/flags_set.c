// A shared-only buffer: a test of VM_SHARED, two flags set, vm_ops and
// private data; all of it moves to the descriptor.
#include <linux/fs.h>
#include <linux/mm.h>

static const struct vm_operations_struct buf_vm_ops = {
	.fault = buf_fault,
};

static int buf_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct buf_dev *dev = file->private_data;

	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if (vma->vm_pgoff + vma_pages(vma) > dev->pages)
		return -EINVAL;
	vm_flags_set(vma, VM_DONTCOPY | VM_NORESERVE);
	vma->vm_ops = &buf_vm_ops;
	vma->vm_private_data = dev;
	return 0;
}

static const struct file_operations buf_fops = {
	.owner = THIS_MODULE,
	.mmap = buf_mmap,
};
