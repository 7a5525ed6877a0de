// SPDX-License-Identifier: GPL-2.0-only
/*
 * A userspace model of the mmap path: the legacy f_op->mmap call, and the
 * mmap_prepare / mmap_complete / mmap_abort sequence of the v1 target
 * (docs/api.md), with the kernel helpers a handler calls (mainline.c has
 * the path of the mainline target, built against its desc).  Every effect a handler can
 * have is recorded in a struct vmm_obs, so that two handlers can be
 * compared fact by fact.
 *
 * Kernel memory comes from a model RAM whose allocations are counted (and
 * poisoned under AddressSanitizer when freed), so that the pfns a handler
 * maps are real and equal from one run to the next.
 */
#include <stdarg.h>
#include <stdlib.h>

#include "model.h"

#if defined(__SANITIZE_ADDRESS__)
#define VMM_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define VMM_ASAN 1
#endif
#endif
#ifdef VMM_ASAN
#include <sanitizer/asan_interface.h>
#define poison(p, n)	ASAN_POISON_MEMORY_REGION((p), (n))
#define unpoison(p, n)	ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define poison(p, n)	((void)(p), (void)(n))
#define unpoison(p, n)	((void)(p), (void)(n))
#endif

#define RAM_PAGES	2048		/* 8 MiB; the upper quarter is slab */
#define SLAB_START	(RAM_PAGES * 3 / 4 * PAGE_SIZE)
#define DEV_SIZE	(1UL << 20)
#define MAX_ALLOCS	1024
#define MAX_LOCKS	64
#define INJECTED	VMM_INJECTED

static const char *const phase_names[] = {
	[OUTSIDE] = "",
	[LEGACY] = "mmap",
	[PREPARE] = "mmap_prepare",
	[COMPLETE] = "mmap_complete",
	[ABORT] = "mmap_abort",
	[ACTION_PREPARE] = "mmap_action_prepare",
	[ACTION] = "mmap_action_complete",
	[MAPPED] = "vm_ops->mapped",
	[UNMAP] = "unmap",
};

enum kind { KMALLOC, VMALLOC, PAGES };

static const char *const kind_names[] = { "kmalloc", "vmalloc", "pages" };

struct allocation {
	char *addr;
	size_t size;
	enum kind kind;
	bool usermap;		/* vmalloc_user: remap_vmalloc_range may map it */
	bool live;
	bool counted;		/* not the device's own memory (setup) */
};

static char ram[RAM_PAGES * PAGE_SIZE] __attribute__((aligned(4096)));
static struct page mem_map[RAM_PAGES];
static char dev[DEV_SIZE] __attribute__((aligned(4096)));

char *vmm_ram = ram;
struct page *vmm_mem_map = mem_map;

static struct mm_struct mm;
static struct task_struct task = { .mm = &mm, .pid = 1000, .comm = "vmamodel" };
struct task_struct *vmm_current = &task;

/* The state of one run */
static struct {
	const struct vmm_unit *unit;
	const struct vmm_request *req;
	struct vmm_obs *obs;
	enum phase phase;
	struct vm_area_struct *vma;
	size_t page_top, slab_top, dev_top;
	struct allocation allocs[MAX_ALLOCS];
	int nallocs;
	int *locks[MAX_LOCKS];
	int nlocks;
	int populate_calls;
	long dev_freed;		/* the device's own memory, freed by the path */
	int depth;		/* helpers called by helpers are not counted */
	bool in_setup;
	struct {
		bool present, page;
		unsigned long pfn, prot;
	} pte[VMM_MAX_PAGES];
} m;

static struct address_space_operations aops;
static struct inode inode;
static struct file file;

static int aops_read_folio(struct file *f, struct folio *folio)
{
	(void)f;
	(void)folio;
	return 0;
}

const struct vm_operations_struct generic_file_vm_ops;

void vmm_violation(const char *fmt, ...)
{
	struct vmm_obs *obs = m.obs;
	char text[VMM_TEXT];
	int n = 0;
	va_list ap;
	int i;

	if (!obs)
		return;
	if (m.phase != OUTSIDE)
		n = snprintf(text, sizeof(text), "%s: ", phase_names[m.phase]);
	va_start(ap, fmt);
	vsnprintf(text + n, sizeof(text) - n, fmt, ap);
	va_end(ap);
	for (i = 0; i < obs->nviolations; i++)
		if (!strcmp(obs->violations[i], text))
			return;
	if (obs->nviolations < VMM_MAX_VIOLATIONS)
		strcpy(obs->violations[obs->nviolations++], text);
}

void vmm_enter(enum phase phase)
{
	m.phase = phase;
}

struct file *vmm_file(void)
{
	return &file;
}

struct mm_struct *vmm_mm(void)
{
	return &mm;
}

void vmm_init(void)
{
	memset(ram, 0, sizeof(ram));
	poison(ram, sizeof(ram));
}

/* Allocations */

static bool in(const void *p, const void *base, size_t size)
{
	return (const char *)p >= (const char *)base &&
	       (const char *)p < (const char *)base + size;
}

static void *allocate(size_t size, enum kind kind, bool zero)
{
	struct allocation *a;
	size_t *top = &m.page_top;
	size_t align = PAGE_SIZE, limit = SLAB_START, gap = PAGE_SIZE;
	char *p;

	if (kind == KMALLOC && size < PAGE_SIZE) {
		top = &m.slab_top;
		align = 16;
		limit = sizeof(ram);
		gap = 64;	/* a poisoned red zone between objects */
	}
	if (!size)
		size = 1;
	*top = ALIGN(*top, align);
	if (*top + size > limit || m.nallocs == MAX_ALLOCS) {
		vmm_violation("model RAM exhausted");
		return NULL;
	}
	p = ram + *top;
	*top += size + gap;
	a = &m.allocs[m.nallocs++];
	*a = (struct allocation){ p, size, kind, false, true, !m.in_setup };
	unpoison(p, size);
	memset(p, zero ? 0 : 0xa5, size);
	if (kind == PAGES || (kind == VMALLOC)) {
		size_t i;

		for (i = 0; i < size; i += PAGE_SIZE)
			mem_map[(p - ram + i) / PAGE_SIZE].refcount = 1;
	}
	return p;
}

static struct allocation *find_allocation(const void *p)
{
	int i;

	for (i = m.nallocs - 1; i >= 0; i--)
		if (m.allocs[i].addr == p)
			return &m.allocs[i];
	return NULL;
}

static void release(const void *p, enum kind kind, const char *fn)
{
	struct allocation *a;

	if (!p)
		return;
	a = find_allocation(p);
	if (!a) {
		vmm_violation("%s of a pointer that was never allocated", fn);
		return;
	}
	if (!a->live) {
		vmm_violation("%s: double free", fn);
		return;
	}
	if (a->kind != kind)
		vmm_violation("%s of %s memory", fn, kind_names[a->kind]);
	/* Freeing what the device owns is a difference too, not a leak */
	if (!a->counted && !m.in_setup)
		m.dev_freed++;
	a->live = false;
	poison(a->addr, a->size);
}

void *kmalloc(size_t size, gfp_t flags)
{
	return allocate(size, KMALLOC, flags & __GFP_ZERO);
}

void *kzalloc(size_t size, gfp_t flags)
{
	(void)flags;
	return allocate(size, KMALLOC, true);
}

void *kcalloc(size_t n, size_t size, gfp_t flags)
{
	size_t bytes;

	(void)flags;
	if (check_mul_overflow(n, size, &bytes))
		return NULL;
	return allocate(bytes, KMALLOC, true);
}

void *kmalloc_array(size_t n, size_t size, gfp_t flags)
{
	size_t bytes;

	if (check_mul_overflow(n, size, &bytes))
		return NULL;
	return kmalloc(bytes, flags);
}

void *kmemdup(const void *src, size_t len, gfp_t flags)
{
	void *p = kmalloc(len, flags);

	if (p)
		memcpy(p, src, len);
	return p;
}

void *krealloc(const void *p, size_t size, gfp_t flags)
{
	struct allocation *a = p ? find_allocation(p) : NULL;
	void *q = kmalloc(size, flags);

	if (q && a)
		memcpy(q, p, min(size, a->size));
	if (q)
		kfree(p);
	return q;
}

void kfree(const void *p)
{
	release(p, KMALLOC, "kfree");
}

void *kvmalloc(size_t size, gfp_t flags)
{
	return kmalloc(size, flags);
}

void *kvzalloc(size_t size, gfp_t flags)
{
	return kzalloc(size, flags);
}

void *kvcalloc(size_t n, size_t size, gfp_t flags)
{
	return kcalloc(n, size, flags);
}

void *kvmalloc_array(size_t n, size_t size, gfp_t flags)
{
	return kmalloc_array(n, size, flags);
}

void kvfree(const void *p)
{
	struct allocation *a = p ? find_allocation(p) : NULL;

	release(p, a ? a->kind : KMALLOC, "kvfree");
}

void *vmalloc(unsigned long size)
{
	return allocate(PAGE_ALIGN(size), VMALLOC, false);
}

void *vzalloc(unsigned long size)
{
	return allocate(PAGE_ALIGN(size), VMALLOC, true);
}

void *vmalloc_user(unsigned long size)
{
	char *p = allocate(PAGE_ALIGN(size), VMALLOC, true);

	if (p)
		find_allocation(p)->usermap = true;
	return p;
}

void *vmalloc_32_user(unsigned long size)
{
	return vmalloc_user(size);
}

void vfree(const void *p)
{
	release(p, VMALLOC, "vfree");
}

bool is_vmalloc_addr(const void *p)
{
	int i;

	for (i = 0; i < m.nallocs; i++)
		if (m.allocs[i].kind == VMALLOC &&
		    in(p, m.allocs[i].addr, m.allocs[i].size))
			return true;
	return false;
}

struct page *vmalloc_to_page(const void *addr)
{
	if (!is_vmalloc_addr(addr)) {
		vmm_violation("vmalloc_to_page on memory not from vmalloc");
		return NULL;
	}
	return virt_to_page(addr);
}

unsigned long vmalloc_to_pfn(const void *addr)
{
	struct page *page = vmalloc_to_page(addr);

	return page ? page_to_pfn(page) : 0;
}

int vmm_get_order(unsigned long size)
{
	int order = 0;

	size = (size - 1) >> PAGE_SHIFT;
	while (size) {
		order++;
		size >>= 1;
	}
	return order;
}

struct page *alloc_pages(gfp_t gfp, unsigned int order)
{
	char *p = allocate(PAGE_SIZE << order, PAGES, gfp & __GFP_ZERO);

	if (!p)
		return NULL;
	virt_to_page(p)->order = order;
	return virt_to_page(p);
}

void __free_pages(struct page *page, unsigned int order)
{
	(void)order;
	if (page)
		release(page_address(page), PAGES, "__free_pages");
}

unsigned long __get_free_pages(gfp_t gfp, unsigned int order)
{
	struct page *page = alloc_pages(gfp, order);

	return page ? (unsigned long)page_address(page) : 0;
}

unsigned long get_zeroed_page(gfp_t gfp)
{
	return __get_free_pages(gfp | __GFP_ZERO, 0);
}

void free_pages(unsigned long addr, unsigned int order)
{
	(void)order;
	if (addr)
		release((void *)addr, PAGES, "free_pages");
}

void put_page(struct page *p)
{
	if (p->refcount <= 0)
		vmm_violation("put_page on a free page");
	else
		p->refcount--;
}

unsigned long page_to_pfn(const struct page *page)
{
	return VMM_PFN_BASE + (unsigned long)(page - mem_map);
}

bool pfn_valid(unsigned long pfn)
{
	return pfn >= VMM_PFN_BASE && pfn < VMM_PFN_BASE + RAM_PAGES;
}

struct page *pfn_to_page(unsigned long pfn)
{
	if (!pfn_valid(pfn)) {
		vmm_violation("pfn_to_page(%#lx): no struct page", pfn);
		return &mem_map[0];
	}
	return &mem_map[pfn - VMM_PFN_BASE];
}

phys_addr_t virt_to_phys(const volatile void *addr)
{
	if (!in((const void *)addr, ram, sizeof(ram))) {
		vmm_violation("virt_to_phys of memory outside the model RAM");
		return 0;
	}
	return PFN_PHYS(VMM_PFN_BASE) + ((const char *)addr - ram);
}

void *phys_to_virt(phys_addr_t addr)
{
	return ram + (addr - PFN_PHYS(VMM_PFN_BASE));
}

struct page *virt_to_page(const void *addr)
{
	return pfn_to_page(PHYS_PFN(virt_to_phys(addr)));
}

void *page_address(const struct page *page)
{
	return ram + (page - mem_map) * PAGE_SIZE;
}

void *vmm_dev_alloc(size_t size)
{
	void *p;

	m.dev_top = ALIGN(m.dev_top, 64);
	if (m.dev_top + size > sizeof(dev)) {
		fprintf(stderr, "vmamodel: device memory exhausted\n");
		abort();
	}
	p = dev + m.dev_top;
	m.dev_top += size;
	return p;
}

void vmm_dev_pages(struct page **pages, int n)
{
	int i;

	for (i = 0; i < n; i++)
		pages[i] = alloc_page(GFP_KERNEL);
}

void __iomem *ioremap(phys_addr_t addr, size_t size)
{
	(void)addr;
	return allocate(PAGE_ALIGN(size), KMALLOC, true);
}

void iounmap(volatile void __iomem *addr)
{
	release((const void *)addr, KMALLOC, "iounmap");
}

/* Locks */

void vmm_lock(int *held, const char *what)
{
	if (*held) {
		vmm_violation("%s taken while held (deadlock)", what);
		return;
	}
	*held = 1;
	if (m.nlocks < MAX_LOCKS)
		m.locks[m.nlocks++] = held;
}

static bool drop(int *held)
{
	int i;

	for (i = m.nlocks - 1; i >= 0; i--) {
		if (m.locks[i] == held) {
			m.locks[i] = m.locks[--m.nlocks];
			return true;
		}
	}
	return false;
}

void vmm_unlock(int *held, const char *what)
{
	if (!*held || !drop(held)) {
		vmm_violation("%s released but not held", what);
		return;
	}
	*held = 0;
}

int vmm_trylock(int *held, const char *what)
{
	if (*held)
		return 0;
	vmm_lock(held, what);
	return 1;
}

void down_read(struct rw_semaphore *s)
{
	s->readers++;
	if (m.nlocks < MAX_LOCKS)
		m.locks[m.nlocks++] = &s->readers;
}

void up_read(struct rw_semaphore *s)
{
	if (!s->readers || !drop(&s->readers)) {
		vmm_violation("rwsem read-released but not held");
		return;
	}
	s->readers--;
}

/* Files and the rest of the environment */

bool capable(int cap)
{
	(void)cap;
	return true;
}

void file_accessed(struct file *f)
{
	(void)f;
}

struct file *get_file(struct file *f)
{
	f->f_count++;
	return f;
}

void fput(struct file *f)
{
	if (f->f_count <= 1)
		vmm_violation("fput drops the last reference of a mapped file");
	f->f_count--;
}

unsigned int iminor(const struct inode *i) { return i->i_rdev & 0xfffff; }
unsigned int imajor(const struct inode *i) { return i->i_rdev >> 20; }
void *pde_data(const struct inode *i) { return i->i_private; }

loff_t generic_file_llseek(struct file *f, loff_t o, int w) { (void)f; (void)w; return o; }
loff_t noop_llseek(struct file *f, loff_t o, int w) { (void)f; (void)w; return o; }
loff_t default_llseek(struct file *f, loff_t o, int w) { (void)f; (void)w; return o; }
ssize_t generic_file_read_iter(struct kiocb *k, struct iov_iter *i) { (void)k; (void)i; return 0; }
ssize_t generic_file_write_iter(struct kiocb *k, struct iov_iter *i) { (void)k; (void)i; return 0; }
int generic_file_fsync(struct file *f, loff_t s, loff_t e, int d) { (void)f; (void)s; (void)e; (void)d; return 0; }
int nonseekable_open(struct inode *i, struct file *f) { (void)i; (void)f; return 0; }
int simple_open(struct inode *i, struct file *f) { f->private_data = i->i_private; return 0; }

unsigned long copy_to_user(void __user *to, const void *from, unsigned long n)
{
	(void)to;
	(void)from;
	return n;
}

unsigned long copy_from_user(void *to, const void __user *from, unsigned long n)
{
	(void)to;
	(void)from;
	return n;
}

/* x86: RAM keeps the VMA's caching, anything else is uncached */
pgprot_t phys_mem_access_prot(struct file *f, unsigned long pfn,
			      unsigned long size, pgprot_t vma_prot)
{
	(void)f;
	(void)size;
	return pfn_valid(pfn) ? vma_prot : pgprot_noncached(vma_prot);
}

int phys_mem_access_prot_allowed(struct file *f, unsigned long pfn,
				 unsigned long size, pgprot_t *vma_prot)
{
	(void)f;
	(void)pfn;
	(void)size;
	(void)vma_prot;
	return 1;
}

/* VMA helpers */

pgprot_t vm_get_page_prot(vm_flags_t vm_flags)
{
	unsigned long prot = 0;

	if (vm_flags & (VM_READ | VM_WRITE | VM_EXEC))
		prot = _PAGE_PRESENT | _PAGE_USER;
	if ((vm_flags & VM_WRITE) && (vm_flags & VM_SHARED))
		prot |= _PAGE_RW;
	if (prot && !(vm_flags & VM_EXEC))
		prot |= _PAGE_NX;
	return __pgprot(prot);
}

/* A VMA-modifying helper: never allowed once the VMA is live (complete) */
static bool may_modify(const char *fn)
{
	if (m.phase == COMPLETE && !m.depth) {
		vmm_violation("modifies the VMA (%s)", fn);
		return false;
	}
	return true;
}

/* The flag update inside a populate helper: an error only if it changes */
static void helper_flags_set(struct vm_area_struct *vma, vm_flags_t flags,
			     const char *fn)
{
	if ((vma->vm_flags & flags) == flags)
		return;
	if (m.phase == COMPLETE)
		vmm_violation("modifies the VMA (%s sets VM flags)", fn);
	vma->__vm_flags |= flags;
}

void vm_flags_init(struct vm_area_struct *vma, vm_flags_t flags)
{
	may_modify("vm_flags_init");
	vma->__vm_flags = flags;
}

void vm_flags_reset(struct vm_area_struct *vma, vm_flags_t flags)
{
	may_modify("vm_flags_reset");
	vma->__vm_flags = flags;
}

void vm_flags_set(struct vm_area_struct *vma, vm_flags_t flags)
{
	may_modify("vm_flags_set");
	vma->__vm_flags |= flags;
}

void vm_flags_clear(struct vm_area_struct *vma, vm_flags_t flags)
{
	may_modify("vm_flags_clear");
	vma->__vm_flags &= ~flags;
}

void vm_flags_mod(struct vm_area_struct *vma, vm_flags_t set, vm_flags_t clear)
{
	may_modify("vm_flags_mod");
	vma->__vm_flags = (vma->vm_flags | set) & ~clear;
}

void vma_set_file(struct vm_area_struct *vma, struct file *f)
{
	may_modify("vma_set_file");
	get_file(f);
	if (vma->vm_file)
		fput(vma->vm_file);
	vma->vm_file = f;
}

void vma_set_page_prot(struct vm_area_struct *vma)
{
	may_modify("vma_set_page_prot");
	vma->vm_page_prot = vmm_cache(vm_get_page_prot(vma->vm_flags),
				      pgprot_val(vma->vm_page_prot) &
				      _PAGE_CACHE_MASK);
}

int generic_file_mmap(struct file *f, struct vm_area_struct *vma)
{
	if (!f->f_mapping->a_ops->read_folio)
		return -ENOEXEC;
	file_accessed(f);
	if (may_modify("generic_file_mmap"))
		vma->vm_ops = &generic_file_vm_ops;
	return 0;
}

int generic_file_readonly_mmap(struct file *f, struct vm_area_struct *vma)
{
	if ((vma->vm_flags & VM_SHARED) && (vma->vm_flags & VM_MAYWRITE))
		return -EINVAL;
	return generic_file_mmap(f, vma);
}

int generic_file_mmap_prepare(struct vm_area_desc *desc)
{
	if (!desc->file->f_mapping->a_ops->read_folio)
		return -ENOEXEC;
	file_accessed(desc->file);
	desc->vm_ops = &generic_file_vm_ops;
	return 0;
}

int generic_file_readonly_mmap_prepare(struct vm_area_desc *desc)
{
	if ((desc->vm_flags & VM_SHARED) && (desc->vm_flags & VM_MAYWRITE))
		return -EINVAL;
	return generic_file_mmap_prepare(desc);
}

/* Page tables */

/* Is this the populate call a request makes fail? */
static bool injected_failure(void)
{
	if (m.depth)
		return false;
	m.populate_calls++;
	return m.req->fail_populate == m.populate_calls;
}

static int set_pte(struct vm_area_struct *vma, unsigned long addr,
		   unsigned long pfn, pgprot_t prot, bool page)
{
	unsigned long i;

	if (addr < vma->vm_start || addr >= vma->vm_end) {
		/* Named by the phase only: remap and its _complete twin agree */
		vmm_violation("populates +%#lx, outside the VMA",
			      addr - vma->vm_start);
		return -EFAULT;
	}
	i = (addr - vma->vm_start) >> PAGE_SHIFT;
	if (m.pte[i].present)
		return -EBUSY;
	m.pte[i].present = true;
	m.pte[i].page = page;
	m.pte[i].pfn = pfn;
	m.pte[i].prot = pgprot_val(prot);
	if (page)
		get_page(pfn_to_page(pfn));
	return 0;
}

static void zap(struct vm_area_struct *vma, unsigned long addr,
		unsigned long size)
{
	unsigned long a;

	for (a = addr; a < addr + size && a < vma->vm_end; a += PAGE_SIZE) {
		unsigned long i = (a - vma->vm_start) >> PAGE_SHIFT;

		if (a < vma->vm_start || !m.pte[i].present)
			continue;
		if (m.pte[i].page && pfn_valid(m.pte[i].pfn))
			put_page(pfn_to_page(m.pte[i].pfn));
		m.pte[i].present = false;
	}
}

void zap_vma_ptes(struct vm_area_struct *vma, unsigned long address,
		  unsigned long size)
{
	zap(vma, address, size);
}

/*
 * mm/memory.c remap_pfn_range_internal() and remap_pfn_range_notrack(), 7.2
 * (6.12 checked the alignment first): the page tables only.  PAT tracking
 * is left out: it changes nothing the model observes.
 */
int vmm_remap_pfn_range_notrack(struct vm_area_struct *vma, unsigned long addr,
				unsigned long pfn, unsigned long size,
				pgprot_t prot)
{
	unsigned long end = addr + PAGE_ALIGN(size);
	unsigned long a;
	int err = 0;

	if (WARN_ON_ONCE(!PAGE_ALIGNED(addr)))
		return -EINVAL;
	if (addr >= end) {
		vmm_violation("remaps an empty range (BUG)");
		return -EINVAL;
	}
	if (injected_failure())
		return INJECTED;
	for (a = addr; a < end; a += PAGE_SIZE) {
		err = set_pte(vma, a, pfn + ((a - addr) >> PAGE_SHIFT), prot,
			      false);
		if (err)
			break;
	}
	if (err == -EBUSY)
		vmm_violation("remaps over present PTEs (BUG)");
	/* A partial pfn range mapping is dangerous: zap it early */
	if (err)
		zap(vma, addr, end - addr);
	return err;
}

/*
 * remap_pfn_range(), 7.2: get_remap_pgoff() and VMA_REMAP_FLAGS on the
 * VMA, then the page tables.
 */
static int remap_legacy(struct vm_area_struct *vma, unsigned long addr,
			unsigned long pfn, unsigned long size, pgprot_t prot,
			const char *fn)
{
	const unsigned long end = addr + PAGE_ALIGN(size);
	const bool is_cow = is_cow_mapping(vma->vm_flags);
	pgoff_t pgoff = vma->vm_pgoff;
	int err;

	err = get_remap_pgoff(is_cow, addr, end, vma->vm_start, vma->vm_end,
			      pfn, &pgoff);
	if (err)
		return err;
	/* Called from mmap_complete, it writes the VMA: reported, not done */
	if (is_cow && may_modify(fn))
		vma->vm_pgoff = pgoff;
	helper_flags_set(vma, VM_REMAP_FLAGS, fn);
	return vmm_remap_pfn_range_notrack(vma, addr, pfn, size, prot);
}

/*
 * The v1 target's remap_pfn_range_complete(): the same range rule, the
 * VMA left alone, and a report if prepare did not set what the legacy call
 * would have.
 */
static int remap_complete(struct vm_area_struct *vma, unsigned long addr,
			  unsigned long pfn, unsigned long size, pgprot_t prot,
			  const char *fn)
{
	const unsigned long end = addr + PAGE_ALIGN(size);
	pgoff_t pgoff;
	int err;

	err = get_remap_pgoff(is_cow_mapping(vma->vm_flags), addr, end,
			      vma->vm_start, vma->vm_end, pfn, &pgoff);
	if (err)
		return err;
	if ((vma->vm_flags & VM_REMAP_FLAGS) != VM_REMAP_FLAGS)
		vmm_violation("%s on a VMA without VM_REMAP_FLAGS", fn);
	if (is_cow_mapping(vma->vm_flags) && vma->vm_pgoff != pfn)
		vmm_violation("%s: copy-on-write VMA whose vm_pgoff is not the pfn",
			      fn);
	return vmm_remap_pfn_range_notrack(vma, addr, pfn, size, prot);
}

int remap_pfn_range(struct vm_area_struct *vma, unsigned long addr,
		    unsigned long pfn, unsigned long size, pgprot_t prot)
{
	return remap_legacy(vma, addr, pfn, size, prot, "remap_pfn_range");
}

int io_remap_pfn_range(struct vm_area_struct *vma, unsigned long addr,
		       unsigned long pfn, unsigned long size, pgprot_t prot)
{
	return remap_legacy(vma, addr, pfn, size, pgprot_decrypted(prot),
			    "io_remap_pfn_range");
}

int remap_pfn_range_complete(struct vm_area_struct *vma, unsigned long addr,
			     unsigned long pfn, unsigned long size,
			     pgprot_t prot)
{
	return remap_complete(vma, addr, pfn, size, prot,
			      "remap_pfn_range_complete");
}

int io_remap_pfn_range_complete(struct vm_area_struct *vma,
				unsigned long addr, unsigned long pfn,
				unsigned long size, pgprot_t prot)
{
	return remap_complete(vma, addr, pfn, size, pgprot_decrypted(prot),
			      "io_remap_pfn_range_complete");
}

void remap_pfn_range_prepare(struct vm_area_desc *desc, unsigned long pfn)
{
	desc->vm_flags |= VM_REMAP_FLAGS;
	if (is_cow_mapping(desc->vm_flags))
		desc->pgoff = pfn;
}

void io_remap_pfn_range_prepare(struct vm_area_desc *desc, unsigned long pfn,
				unsigned long size)
{
	(void)size;
	remap_pfn_range_prepare(desc, pfn);
}

/* mm/memory.c vm_iomap_memory(), 7.2 (the checks are 6.12's) */
int vm_iomap_memory(struct vm_area_struct *vma, phys_addr_t start,
		    unsigned long len)
{
	const unsigned long vm_len = vma->vm_end - vma->vm_start;
	unsigned long pfn;
	int err;

	err = __simple_ioremap_prep(vm_len, vma->vm_pgoff, start, len, &pfn);
	if (err)
		return err;
	return remap_legacy(vma, vma->vm_start, pfn, vm_len,
			    pgprot_decrypted(vma->vm_page_prot),
			    "vm_iomap_memory");
}

static int insert_page(struct vm_area_struct *vma, unsigned long addr,
		       struct page *page, const char *fn)
{
	if (!page) {
		vmm_violation("%s of a NULL page", fn);
		return -EINVAL;
	}
	if (page < mem_map || page >= mem_map + RAM_PAGES) {
		vmm_violation("%s of a pointer that is not a struct page", fn);
		return -EINVAL;
	}
	if (!page_count(page))
		return -EINVAL;
	if (injected_failure())
		return INJECTED;
	return set_pte(vma, addr, page_to_pfn(page), vma->vm_page_prot, true);
}

static void mixedmap(struct vm_area_struct *vma, const char *fn)
{
	if (!(vma->vm_flags & VM_MIXEDMAP)) {
		if (vma->vm_flags & VM_PFNMAP)
			vmm_violation("%s on a VM_PFNMAP VMA (BUG)", fn);
		helper_flags_set(vma, VM_MIXEDMAP, fn);
	}
}

int vm_insert_page(struct vm_area_struct *vma, unsigned long addr,
		   struct page *page)
{
	if (addr < vma->vm_start || addr >= vma->vm_end)
		return -EFAULT;
	mixedmap(vma, "vm_insert_page");
	return insert_page(vma, addr, page, "vm_insert_page");
}

/*
 * mm/memory.c insert_pages(): one populate call, whatever the number of
 * pages; *num counts down the pages left, as in the kernel.
 */
int vmm_insert_pages(struct vm_area_struct *vma, unsigned long addr,
		     struct page **pages, unsigned long *num, const char *fn)
{
	int ret = 0;

	if (injected_failure())
		return INJECTED;
	m.depth++;
	while (*num) {
		ret = insert_page(vma, addr, *pages, fn);
		if (ret)
			break;
		pages++;
		addr += PAGE_SIZE;
		(*num)--;
	}
	m.depth--;
	return ret;
}

static int insert_pages_legacy(struct vm_area_struct *vma, unsigned long addr,
			       struct page **pages, unsigned long *num,
			       const char *fn)
{
	const unsigned long end_addr = addr + (*num * PAGE_SIZE) - 1;

	if (addr < vma->vm_start || end_addr >= vma->vm_end)
		return -EFAULT;
	mixedmap(vma, fn);
	return vmm_insert_pages(vma, addr, pages, num, fn);
}

int vm_insert_pages(struct vm_area_struct *vma, unsigned long addr,
		    struct page **pages, unsigned long *num)
{
	return insert_pages_legacy(vma, addr, pages, num, "vm_insert_pages");
}

/* __vm_map_pages() */
static int map_pages(struct vm_area_struct *vma, struct page **pages,
		     unsigned long num, unsigned long offset, const char *fn)
{
	unsigned long count = vma_pages(vma);

	/* Fail if the user requested offset is beyond the end of the object */
	if (offset >= num)
		return -ENXIO;
	/* Fail if the user requested size exceeds available object size */
	if (count > num - offset)
		return -ENXIO;
	return insert_pages_legacy(vma, vma->vm_start, pages + offset, &count,
				   fn);
}

int vm_map_pages(struct vm_area_struct *vma, struct page **pages,
		 unsigned long num)
{
	return map_pages(vma, pages, num, vma->vm_pgoff, "vm_map_pages");
}

int vm_map_pages_zero(struct vm_area_struct *vma, struct page **pages,
		      unsigned long num)
{
	return map_pages(vma, pages, num, 0, "vm_map_pages_zero");
}

/* mm/vmalloc.c remap_vmalloc_range_partial(), 6.12 */
int remap_vmalloc_range_partial(struct vm_area_struct *vma,
				unsigned long uaddr, void *kaddr,
				unsigned long pgoff, unsigned long size)
{
	struct allocation *area;
	unsigned long off, end_index;
	char *k = kaddr;
	int ret = 0;

	if (check_mul_overflow(pgoff, PAGE_SIZE, &off))
		return -EINVAL;
	size = PAGE_ALIGN(size);
	if (!PAGE_ALIGNED(uaddr) || !PAGE_ALIGNED(kaddr))
		return -EINVAL;
	area = find_allocation(kaddr);
	if (!area || area->kind != VMALLOC || !area->live)
		return -EINVAL;
	if (!area->usermap)
		return -EINVAL;
	if (check_add_overflow(size, off, &end_index) ||
	    end_index > area->size)
		return -EINVAL;
	if (injected_failure())
		return INJECTED;
	k += off;
	m.depth++;
	do {
		mixedmap(vma, "remap_vmalloc_range");
		ret = insert_page(vma, uaddr, vmalloc_to_page(k),
				  "remap_vmalloc_range");
		if (ret)
			break;
		uaddr += PAGE_SIZE;
		k += PAGE_SIZE;
		size -= PAGE_SIZE;
	} while (size > 0);
	m.depth--;
	if (ret)
		return ret;
	helper_flags_set(vma, VM_DONTEXPAND | VM_DONTDUMP,
			 "remap_vmalloc_range");
	return 0;
}

int remap_vmalloc_range(struct vm_area_struct *vma, void *addr,
			unsigned long pgoff)
{
	return remap_vmalloc_range_partial(vma, vma->vm_start, addr, pgoff,
					   vma->vm_end - vma->vm_start);
}

static vm_fault_t fault_code(int err)
{
	if (err == -ENOMEM)
		return VM_FAULT_OOM;
	if (err < 0 && err != -EBUSY)
		return VM_FAULT_SIGBUS;
	return VM_FAULT_NOPAGE;
}

vm_fault_t vmf_insert_pfn_prot(struct vm_area_struct *vma, unsigned long addr,
			       unsigned long pfn, pgprot_t pgprot)
{
	vm_flags_t f = vma->vm_flags;

	if (!(f & (VM_PFNMAP | VM_MIXEDMAP)) ||
	    (f & (VM_PFNMAP | VM_MIXEDMAP)) == (VM_PFNMAP | VM_MIXEDMAP) ||
	    ((f & VM_PFNMAP) && is_cow_mapping(f)) ||
	    ((f & VM_MIXEDMAP) && pfn_valid(pfn))) {
		vmm_violation("vmf_insert_pfn on a VMA with flags %#lx (BUG)", f);
		return VM_FAULT_SIGBUS;
	}
	if (addr < vma->vm_start || addr >= vma->vm_end)
		return VM_FAULT_SIGBUS;
	if (injected_failure())
		return VM_FAULT_OOM;
	return fault_code(set_pte(vma, addr, pfn, pgprot, false));
}

vm_fault_t vmf_insert_pfn(struct vm_area_struct *vma, unsigned long addr,
			  unsigned long pfn)
{
	return vmf_insert_pfn_prot(vma, addr, pfn, vma->vm_page_prot);
}

vm_fault_t vmf_insert_mixed(struct vm_area_struct *vma, unsigned long addr,
			    unsigned long pfn)
{
	if (!(vma->vm_flags & VM_MIXEDMAP))
		return VM_FAULT_SIGBUS;
	if (addr < vma->vm_start || addr >= vma->vm_end)
		return VM_FAULT_SIGBUS;
	if (injected_failure())
		return VM_FAULT_OOM;
	return fault_code(set_pte(vma, addr, pfn, vma->vm_page_prot, false));
}

vm_fault_t vmf_insert_page(struct vm_area_struct *vma, unsigned long addr,
			   struct page *page)
{
	if (addr < vma->vm_start || addr >= vma->vm_end)
		return VM_FAULT_SIGBUS;
	return fault_code(insert_page(vma, addr, page, "vmf_insert_page"));
}

/* The runs */

static void describe_pointer(const void *p, char *buf, size_t len)
{
	const struct vmm_named *o;
	int i;

	if (!p) {
		snprintf(buf, len, "NULL");
		return;
	}
	if (p == &file) {
		snprintf(buf, len, "the mapped file");
		return;
	}
	if (p == &generic_file_vm_ops) {
		snprintf(buf, len, "generic_file_vm_ops");
		return;
	}
	for (o = m.unit->objects; o && o->name; o++) {
		if (o->ptr == p) {
			snprintf(buf, len, "%s", o->name);
			return;
		}
	}
	if (in(p, dev, sizeof(dev))) {
		snprintf(buf, len, "device data +%#lx",
			 (unsigned long)((const char *)p - dev));
		return;
	}
	for (i = m.nallocs - 1; i >= 0; i--) {
		const struct allocation *a = &m.allocs[i];
		int j, nth = 0;

		if (!in(p, a->addr, a->size))
			continue;
		/*
		 * The how-manieth allocation of this size: a context object
		 * that only the split path allocates does not shift others.
		 */
		for (j = 0; j < i; j++)
			nth += m.allocs[j].kind == a->kind &&
			       m.allocs[j].size == a->size;
		snprintf(buf, len, "%s(%zu) #%d +%#lx", kind_names[a->kind],
			 a->size, nth, (unsigned long)((const char *)p - a->addr));
		return;
	}
	snprintf(buf, len, "a pointer the model cannot name");
}

void vmm_reset(const struct vmm_unit *unit, const struct vmm_request *req,
	       struct vmm_obs *obs)
{
	int i;

	/* Locks left held in the unit's static data: let the next run start clean */
	for (i = 0; i < m.nlocks; i++)
		if (!in(m.locks[i], ram, sizeof(ram)) &&
		    !in(m.locks[i], dev, sizeof(dev)))
			*m.locks[i] = 0;
	memset(&m, 0, sizeof(m));
	m.slab_top = SLAB_START;
	m.unit = unit;
	m.req = req;
	m.obs = obs;
	memset(obs, 0, sizeof(*obs));
	poison(ram, sizeof(ram));
	memset(mem_map, 0, sizeof(mem_map));
	memset(dev, 0, sizeof(dev));

	aops = (struct address_space_operations){ .read_folio = aops_read_folio };
	inode = (struct inode){ .i_mode = 020600, .i_rdev = (10 << 20) | 1 };
	inode.i_data.a_ops = &aops;
	inode.i_data.host = &inode;
	inode.i_mapping = &inode.i_data;
	inode.i_size = unit->dev_size;
	file = (struct file){
		.f_mapping = &inode.i_data,
		.f_inode = &inode,
		.f_mode = FMODE_READ | FMODE_WRITE,
		.f_flags = O_RDWR,
		.f_count = 1,
	};
	mm = (struct mm_struct){ 0 };
	file.private_data = vmm_dev_alloc(PAGE_SIZE);
	m.in_setup = true;
	if (unit->setup)
		unit->setup(&file);
	m.in_setup = false;
}

unsigned long vmm_request_len(const struct vmm_unit *unit,
			      const struct vmm_request *req)
{
	unsigned long size = PAGE_ALIGN(unit->dev_size);

	switch (req->size) {
	case VMM_SIZE_EXACT:
		return size;
	case VMM_SIZE_TOO_BIG:
		return size + PAGE_SIZE;
	default:
		return PAGE_SIZE;
	}
}

unsigned long vmm_request_pgoff(const struct vmm_unit *unit,
				const struct vmm_request *req)
{
	switch (req->offset) {
	case VMM_OFF_IN:
		return 1;
	case VMM_OFF_END:
		return PAGE_ALIGN(unit->dev_size) >> PAGE_SHIFT;
	case VMM_OFF_FAR:
		return 1UL << 20;
	default:
		return 0;
	}
}

/* What do_mmap() computes from the request, before any hook runs */
vm_flags_t vmm_request_flags(const struct vmm_request *req)
{
	vm_flags_t flags = req->prot | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;

	if (req->shared)
		flags |= VM_SHARED | VM_MAYSHARE;
	return flags;
}

static void observe(struct vm_area_struct *vma, struct vmm_obs *obs)
{
	unsigned long i;
	struct vmm_range *r = NULL;

	obs->vm_flags = vma->vm_flags;
	obs->vm_pgoff = vma->vm_pgoff;
	obs->vm_page_prot = pgprot_val(vma->vm_page_prot);
	describe_pointer(vma->vm_ops, obs->vm_ops, sizeof(obs->vm_ops));
	describe_pointer(vma->vm_private_data, obs->vm_private_data,
			 sizeof(obs->vm_private_data));
	describe_pointer(vma->vm_file, obs->vm_file, sizeof(obs->vm_file));
	/* Coalesce the PTEs: one range per run of consecutive pfns */
	for (i = 0; i < vma_pages(vma); i++) {
		if (!m.pte[i].present) {
			r = NULL;
			continue;
		}
		if (r && r->pfn + r->pages == m.pte[i].pfn &&
		    r->prot == m.pte[i].prot && r->page == m.pte[i].page) {
			r->pages++;
			continue;
		}
		r = &obs->ranges[obs->nranges++];
		*r = (struct vmm_range){ i << PAGE_SHIFT, m.pte[i].pfn, 1,
					 m.pte[i].prot, m.pte[i].page };
	}
}

/* Counted after the whole path, unmap included */
void vmm_balance(struct vmm_obs *obs)
{
	int i;

	obs->locks_held = m.nlocks;
	for (i = 0; i < m.nallocs; i++)
		obs->allocations += m.allocs[i].live && m.allocs[i].counted;
	obs->dev_freed = m.dev_freed;
	if (file.f_count != 1)
		vmm_violation("the mapped file has %ld references after unmap",
			      file.f_count);
	m.phase = OUTSIDE;
}

/* munmap(), or the unmap of a failed mapping once it was set up */
void vmm_unmap(struct vm_area_struct *vma, struct vmm_obs *obs)
{
	m.phase = UNMAP;
	if (vma->vm_ops && vma->vm_ops->close) {
		vma->vm_ops->close(vma);
		obs->closed = true;
	}
	zap(vma, vma->vm_start, vma->vm_end - vma->vm_start);
	if (vma->vm_file)
		fput(vma->vm_file);
}

/* A mapping that succeeded: observe it, then munmap() it */
void vmm_mapped(struct vm_area_struct *vma, struct vmm_obs *obs)
{
	obs->mapped = true;
	observe(vma, obs);
	vmm_unmap(vma, obs);
}

bool vmm_request_valid(struct vm_area_struct *vma, struct vmm_obs *obs)
{
	/* do_mmap(): the offset must not wrap */
	if (vma->vm_pgoff + vma_pages(vma) < vma->vm_pgoff) {
		obs->rc = -EOVERFLOW;
		return false;
	}
	return true;
}

void vmm_run_legacy(const struct vmm_unit *unit, const struct vmm_hooks *h,
		    const struct vmm_request *req, struct vmm_obs *obs)
{
	unsigned long len = vmm_request_len(unit, req);
	vm_flags_t flags = vmm_request_flags(req);
	struct vm_area_struct vma = {
		.vm_start = VMA_START,
		.vm_end = VMA_START + len,
		.vm_mm = &mm,
		.vm_page_prot = vm_get_page_prot(flags),
		.__vm_flags = flags,
		.vm_pgoff = vmm_request_pgoff(unit, req),
	};

	vmm_reset(unit, req, obs);
	m.vma = &vma;
	if (!vmm_request_valid(&vma, obs))
		goto out;
	if (!h->mmap) {
		obs->rc = -ENODEV;
		goto out;
	}
	vma.vm_file = get_file(&file);
	m.phase = LEGACY;
	obs->rc = h->mmap(&file, &vma);
	m.phase = OUTSIDE;
	if (obs->rc) {
		/* mmap_region(): undo a partial mapping; no ->close */
		zap(&vma, vma.vm_start, len);
		fput(vma.vm_file);
		goto out;
	}
	if (req->fail_between) {
		/* The mapping fails after ->mmap: the VMA is closed */
		obs->rc = INJECTED;
		vmm_unmap(&vma, obs);
		goto out;
	}
	vmm_mapped(&vma, obs);
out:
	vmm_balance(obs);
}

/* Fields that mmap_complete may not change */
static void check_untouched(const struct vm_area_struct *before,
			    const struct vm_area_struct *after)
{
#define FIELD(f) if (memcmp(&before->f, &after->f, sizeof(before->f))) \
		vmm_violation("modifies the VMA (" #f ")")
	FIELD(vm_start);
	FIELD(vm_end);
	FIELD(vm_mm);
	FIELD(vm_page_prot);
	FIELD(__vm_flags);
	FIELD(vm_ops);
	FIELD(vm_pgoff);
	FIELD(vm_file);
	FIELD(vm_private_data);
#undef FIELD
}

void vmm_run_split(const struct vmm_unit *unit, const struct vmm_hooks *h,
		   const struct vmm_request *req, struct vmm_obs *obs)
{
	unsigned long len = vmm_request_len(unit, req);
	vm_flags_t flags = vmm_request_flags(req);
	struct vm_area_desc desc = {
		.mm = &mm,
		.file = &file,
		.start = VMA_START,
		.end = VMA_START + len,
		.pgoff = vmm_request_pgoff(unit, req),
		.vm_file = &file,
		.vm_flags = flags,
		.page_prot = vm_get_page_prot(flags),
	};
	struct vm_area_struct vma, before;

	vmm_reset(unit, req, obs);
	memset(&vma, 0, sizeof(vma));
	vma.vm_start = desc.start;
	vma.vm_end = desc.end;
	vma.vm_pgoff = desc.pgoff;
	if (!vmm_request_valid(&vma, obs))
		goto out;
	/* docs/api.md, rule 3 of the v1 hooks */
	if ((h->complete && !h->prepare) ||
	    (h->abort && !(h->prepare && h->complete))) {
		obs->rc = -EINVAL;
		goto out;
	}
	if (!h->prepare) {
		obs->rc = h->mmap ? -EINVAL : -ENODEV;
		if (h->mmap)
			vmm_violation("the converted file still has .mmap only");
		goto out;
	}
	if (h->mmap)
		vmm_violation("both .mmap and .mmap_prepare are set");

	/* Rule 1: prepare; nothing to undo if it fails */
	m.phase = PREPARE;
	obs->rc = h->prepare(&desc);
	obs->prepared = true;
	m.phase = OUTSIDE;
	if (obs->rc)
		goto out;
	if (desc.start != VMA_START || desc.end != VMA_START + len)
		vmm_violation("mmap_prepare changed the read-only start or end");

	/* Rule 4: a failure between prepare and complete */
	if (req->fail_between) {
		obs->rc = INJECTED;
		if (h->abort) {
			m.phase = ABORT;
			h->abort(&file, desc.private_data, desc.mmap_context);
			obs->aborted = true;
		}
		goto out;
	}

	/* The VMA, built from the desc */
	vma.vm_mm = &mm;
	vma.vm_pgoff = desc.pgoff;
	vma.vm_file = get_file(desc.vm_file);
	vma.__vm_flags = desc.vm_flags;
	vma.vm_page_prot = desc.page_prot;
	vma.vm_ops = desc.vm_ops;
	vma.vm_private_data = desc.private_data;
	m.vma = &vma;

	/* Rule 2: complete populates, modifies nothing; its error unmaps */
	if (h->complete) {
		memcpy(&before, &vma, sizeof(vma));
		m.phase = COMPLETE;
		obs->rc = h->complete(&file, &vma, desc.mmap_context);
		obs->completed = true;
		check_untouched(&before, &vma);
		m.phase = OUTSIDE;
		if (obs->rc) {
			vmm_unmap(&vma, obs);
			goto out;
		}
	}
	vmm_mapped(&vma, obs);
out:
	vmm_balance(obs);
}

/* Text for the runner's messages */

void vmm_describe_flags(vm_flags_t flags, char *buf, size_t len)
{
	static const struct { vm_flags_t flag; const char *name; } names[] = {
		{ VM_READ, "READ" }, { VM_WRITE, "WRITE" }, { VM_EXEC, "EXEC" },
		{ VM_SHARED, "SHARED" }, { VM_MAYREAD, "MAYREAD" },
		{ VM_MAYWRITE, "MAYWRITE" }, { VM_MAYEXEC, "MAYEXEC" },
		{ VM_MAYSHARE, "MAYSHARE" }, { VM_PFNMAP, "PFNMAP" },
		{ VM_LOCKED, "LOCKED" }, { VM_IO, "IO" },
		{ VM_DONTCOPY, "DONTCOPY" }, { VM_DONTEXPAND, "DONTEXPAND" },
		{ VM_NORESERVE, "NORESERVE" }, { VM_WIPEONFORK, "WIPEONFORK" },
		{ VM_DONTDUMP, "DONTDUMP" }, { VM_MIXEDMAP, "MIXEDMAP" },
		{ VM_SYNC, "SYNC" }, { VM_SEQ_READ, "SEQ_READ" },
		{ VM_RAND_READ, "RAND_READ" }, { VM_HUGEPAGE, "HUGEPAGE" },
		{ VM_NOHUGEPAGE, "NOHUGEPAGE" }, { VM_ACCOUNT, "ACCOUNT" },
	};
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < ARRAY_SIZE(names) && n < len; i++) {
		if (flags & names[i].flag) {
			n += snprintf(buf + n, len - n, "%s%s", n ? "|" : "",
				      names[i].name);
			flags &= ~names[i].flag;
		}
	}
	if (flags && n < len)
		snprintf(buf + n, len - n, "%s%#lx", n ? "|" : "", flags);
	else if (!n)
		snprintf(buf, len, "0");
}

void vmm_describe_ranges(const struct vmm_obs *obs, char *buf, size_t len)
{
	size_t n = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < obs->nranges && n < len; i++) {
		const struct vmm_range *r = &obs->ranges[i];

		n += snprintf(buf + n, len - n, "%s[+%#lx: %s %#lx x%lu prot %#lx]",
			      i ? " " : "", r->off, r->page ? "page" : "pfn",
			      r->pfn, r->pages, r->prot);
	}
	if (!obs->nranges)
		snprintf(buf, len, "none");
}
