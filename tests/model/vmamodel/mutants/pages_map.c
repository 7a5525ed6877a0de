// A buffer of pages mapped with vm_map_pages, from the page the offset
// names, and by a second device with vm_map_pages_zero, from page 0.
#include <linux/fs.h>
#include <linux/mm.h>

struct pgbuf {
	struct page *pages[4];
	unsigned long npages;
};

static int pgbuf_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct pgbuf *pb = file->private_data;

	return vm_map_pages(vma, pb->pages, pb->npages);
}

static int pgbuf_zero_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct pgbuf *pb = file->private_data;

	return vm_map_pages_zero(vma, pb->pages, pb->npages);
}

static const struct file_operations pgbuf_fops = {
	.mmap = pgbuf_mmap,
};

static const struct file_operations pgbuf_zero_fops = {
	.mmap = pgbuf_zero_mmap,
};
