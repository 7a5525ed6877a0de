// A runtime-PM reference taken once the checks have passed, given back by
// vm_ops->close (tests/fixtures/needs_abort_refcount.c).
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/pm_runtime.h>

static void trc_vm_open(struct vm_area_struct *vma)
{
	struct trc_dev *trc = vma->vm_file->private_data;

	pm_runtime_get(trc->dev);
}

static void trc_vm_close(struct vm_area_struct *vma)
{
	struct trc_dev *trc = vma->vm_file->private_data;

	pm_runtime_put(trc->dev);
}

static const struct vm_operations_struct trc_vm_ops = {
	.open	= trc_vm_open,
	.close	= trc_vm_close,
};

static int trc_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct trc_dev *trc = file->private_data;

	if (vma->vm_pgoff)
		return -EINVAL;
	if (vma->vm_end - vma->vm_start > trc->size)
		return -EINVAL;

	/* held while the buffer is mapped; trc_vm_close() drops it */
	pm_runtime_get_sync(trc->dev);

	vm_flags_set(vma, VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_ops = &trc_vm_ops;
	return 0;
}

static const struct file_operations trc_fops = {
	.owner	= THIS_MODULE,
	.mmap	= trc_mmap,
};
