// A reference per mapping, taken in .mmap and dropped by vm_ops->close.
// mmap_prepare may run for a mapping that then merges or fails, so the
// reference moves to vm_ops->mapped, which runs only for a new VMA.
#include <linux/fs.h>
#include <linux/mm.h>

static void stm_vm_close(struct vm_area_struct *vma)
{
	struct stm_dev *stm = vma->vm_private_data;

	atomic_dec(&stm->users);
}

static const struct vm_operations_struct stm_vm_ops = {
	.close = stm_vm_close,
};

static int stm_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct stm_dev *stm = file->private_data;

	if (vma->vm_pgoff + vma_pages(vma) > STM_PAGES)
		return -EINVAL;
	atomic_inc(&stm->users);
	vma->vm_ops = &stm_vm_ops;
	vma->vm_private_data = stm;
	return 0;
}

static const struct file_operations stm_fops = {
	.owner = THIS_MODULE,
	.mmap = stm_mmap,
};
