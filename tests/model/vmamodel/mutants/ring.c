// A vmalloc ring mapped under the device lock, with a per-mapping object
// that vm_ops->close frees.
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

struct ring_map {
	struct ring_dev *dev;
};

static void ring_vm_close(struct vm_area_struct *vma)
{
	kfree(vma->vm_private_data);
}

static const struct vm_operations_struct ring_vm_ops = {
	.close = ring_vm_close,
};

static int ring_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct ring_dev *d = file->private_data;
	struct ring_map *map;
	int ret;

	map = kzalloc(sizeof(*map), GFP_KERNEL);
	if (!map)
		return -ENOMEM;
	map->dev = d;
	mutex_lock(&d->lock);
	ret = remap_vmalloc_range(vma, d->buf, vma->vm_pgoff);
	mutex_unlock(&d->lock);
	if (ret) {
		kfree(map);
		return ret;
	}
	vma->vm_ops = &ring_vm_ops;
	vma->vm_private_data = map;
	return 0;
}

static const struct file_operations ring_fops = {
	.mmap = ring_mmap,
};
