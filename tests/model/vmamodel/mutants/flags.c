// Flags only, for a mapping filled at fault time: set, cleared and tested
// one bit, any of several, and all of several.
#include <linux/fs.h>
#include <linux/mm.h>

static vm_fault_t fb_fault(struct vm_fault *vmf)
{
	return VM_FAULT_SIGBUS;
}

static const struct vm_operations_struct fb_vm_ops = {
	.fault = fb_fault,
};

static int fb_mmap(struct file *file, struct vm_area_struct *vma)
{
	if (!(vma->vm_flags & VM_SHARED))
		vm_flags_clear(vma, VM_MAYWRITE);
	if (vma->vm_flags & (VM_WRITE | VM_EXEC))
		vm_flags_set(vma, VM_DONTDUMP);
	if ((vma->vm_flags & (VM_SHARED | VM_WRITE)) == (VM_SHARED | VM_WRITE))
		vm_flags_set(vma, VM_NORESERVE);
	vm_flags_set(vma, VM_DONTEXPAND | VM_DONTCOPY);
	vm_flags_clear(vma, VM_MAYEXEC);
	vma->vm_ops = &fb_vm_ops;
	return 0;
}

static const struct file_operations fb_fops = {
	.mmap = fb_mmap,
};
