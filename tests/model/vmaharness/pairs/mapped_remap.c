// A remap, and a reference per mapping that .mmap takes once the remap
// has succeeded and vm_ops->close drops.  Converted, the remap is an
// action and the reference moves to vm_ops->mapped; but when the action
// fails, the core unmaps the new VMA with do_munmap(), which runs close
// although mapped never ran.
#include <linux/fs.h>
#include <linux/mm.h>

static void gsc_vm_close(struct vm_area_struct *vma)
{
	struct gsc *gsc = vma->vm_private_data;

	atomic_dec(&gsc->users);
}

static const struct vm_operations_struct gsc_vm_ops = {
	.close = gsc_vm_close,
};

static int gsc_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct gsc *gsc = file->private_data;

	if (vma->vm_pgoff + vma_pages(vma) > GSC_PAGES)
		return -EINVAL;
	if (remap_pfn_range(vma, vma->vm_start, GSC_PFN + vma->vm_pgoff,
			    vma->vm_end - vma->vm_start, vma->vm_page_prot))
		return -EAGAIN;
	atomic_inc(&gsc->users);
	vma->vm_ops = &gsc_vm_ops;
	vma->vm_private_data = gsc;
	return 0;
}

static const struct file_operations gsc_fops = {
	.owner = THIS_MODULE,
	.mmap = gsc_mmap,
};
