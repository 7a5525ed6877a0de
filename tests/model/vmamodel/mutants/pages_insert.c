// Pages of a buffer inserted one by one with vm_insert_page.
#include <linux/fs.h>
#include <linux/mm.h>

struct pbuf {
	struct page *pages[4];
	int npages;
};

static int pb_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct pbuf *pb = file->private_data;
	unsigned long addr = vma->vm_start;
	int i, ret;

	if (vma_pages(vma) + vma->vm_pgoff > pb->npages)
		return -EINVAL;
	for (i = 0; i < vma_pages(vma); i++) {
		ret = vm_insert_page(vma, addr, pb->pages[vma->vm_pgoff + i]);
		if (ret)
			return ret;
		addr += PAGE_SIZE;
	}
	return 0;
}

static const struct file_operations pb_fops = {
	.mmap = pb_mmap,
};
