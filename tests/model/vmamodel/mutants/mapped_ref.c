// A buffer shared by every mapping of the device: .mmap takes a reference
// on it for the new VMA, which vm_ops->close drops.
#include <linux/fs.h>
#include <linux/kref.h>
#include <linux/mm.h>
#include <linux/slab.h>

struct shbuf {
	struct kref ref;
	unsigned long len;
};

static void shbuf_release(struct kref *ref)
{
	kfree(container_of(ref, struct shbuf, ref));
}

static void shbuf_vm_close(struct vm_area_struct *vma)
{
	struct shbuf *buf = vma->vm_private_data;

	kref_put(&buf->ref, shbuf_release);
}

static const struct vm_operations_struct shbuf_vm_ops = {
	.close = shbuf_vm_close,
};

static int shbuf_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct shbuf *buf = file->private_data;

	if (vma->vm_end - vma->vm_start > buf->len)
		return -EINVAL;
	kref_get(&buf->ref);
	vma->vm_private_data = buf;
	vma->vm_ops = &shbuf_vm_ops;
	return 0;
}

static const struct file_operations shbuf_fops = {
	.mmap = shbuf_mmap,
};
