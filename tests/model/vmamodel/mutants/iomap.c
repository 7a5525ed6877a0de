// Registers mapped with vm_iomap_memory.
#include <linux/fs.h>
#include <linux/mm.h>

struct regs {
	phys_addr_t base;
	unsigned long len;
};

static int regs_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct regs *r = file->private_data;

	vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);
	return vm_iomap_memory(vma, r->base, r->len);
}

static const struct file_operations regs_fops = {
	.mmap = regs_mmap,
};
