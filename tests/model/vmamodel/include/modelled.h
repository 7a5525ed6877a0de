/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * MODELLED: the kernel API whose effects the tests compare, written for
 * the model.  What is declared here is defined in model.c, which records
 * every effect: BUG and WARN, locks taken and released, allocations and
 * pages live, the VMA flag writes and each page-table population call.
 * The inline parts (atomics, reference counts, cache modes) do what the
 * kernel does, single-threaded.  Some types have the model's own layout
 * (struct page, struct mutex, the locks): their members are the model's
 * bookkeeping, not the kernel's.
 */
#ifndef VMM_MODELLED_H
#define VMM_MODELLED_H

/* Diagnostics: BUG and WARN are recorded by the model, not fatal */
void vmm_violation(const char *fmt, ...) __printf(1, 2);
#define BUG()			vmm_violation("BUG at %s:%d", __FILE__, __LINE__)
#define BUG_ON(c)		do { if (c) BUG(); } while (0)
#define WARN_ON(c) ({							\
	bool __c = !!(c);							\
	if (__c)								\
		vmm_violation("WARN_ON at %s:%d", __FILE__, __LINE__);		\
	__c;									\
})
#define WARN_ON_ONCE(c)		WARN_ON(c)
#define WARN(c, ...)		WARN_ON(c)
#define WARN_ONCE(c, ...)	WARN_ON(c)

/* Atomics and reference counts (single-threaded) */
static inline int atomic_read(const atomic_t *v) { return v->counter; }
static inline void atomic_set(atomic_t *v, int i) { v->counter = i; }
static inline void atomic_inc(atomic_t *v) { v->counter++; }
static inline void atomic_dec(atomic_t *v) { v->counter--; }
static inline int atomic_inc_return(atomic_t *v) { return ++v->counter; }
static inline int atomic_dec_return(atomic_t *v) { return --v->counter; }
static inline bool atomic_dec_and_test(atomic_t *v) { return --v->counter == 0; }
static inline bool atomic_inc_unless_negative(atomic_t *v)
{
	if (v->counter < 0)
		return false;
	v->counter++;
	return true;
}
static inline bool atomic_add_unless(atomic_t *v, int a, int u)
{
	if (v->counter == u)
		return false;
	v->counter += a;
	return true;
}
#define atomic_inc_not_zero(v)	atomic_add_unless((v), 1, 0)
static inline void refcount_set(refcount_t *r, int n) { r->refs.counter = n; }
static inline unsigned int refcount_read(const refcount_t *r) { return r->refs.counter; }
static inline void refcount_inc(refcount_t *r) { r->refs.counter++; }
static inline bool refcount_inc_not_zero(refcount_t *r) { return atomic_inc_not_zero(&r->refs); }
static inline bool refcount_dec_and_test(refcount_t *r) { return --r->refs.counter == 0; }
static inline void kref_init(struct kref *k) { refcount_set(&k->refcount, 1); }
static inline void kref_get(struct kref *k) { refcount_inc(&k->refcount); }
static inline int kref_put(struct kref *k, void (*release)(struct kref *))
{
	if (refcount_dec_and_test(&k->refcount)) {
		release(k);
		return 1;
	}
	return 0;
}
static inline int kref_get_unless_zero(struct kref *k)
{
	return refcount_inc_not_zero(&k->refcount);
}

/*
 * Locks.  The model counts what is held, so that every path can be checked
 * for balance; a lock taken twice or released unheld is a violation.
 */

struct mutex { int held; const char *name; };
typedef struct { int held; } spinlock_t;
typedef struct { int held; } raw_spinlock_t;
typedef struct { int readers; int writer; } rwlock_t;
struct rw_semaphore { int readers; int writer; };

#define DEFINE_MUTEX(m)		struct mutex m = { 0, #m }
#define DEFINE_SPINLOCK(l)	spinlock_t l = { 0 }
#define DECLARE_RWSEM(s)	struct rw_semaphore s = { 0, 0 }
#define __MUTEX_INITIALIZER(m)	{ 0, #m }
#define __SPIN_LOCK_UNLOCKED(l)	{ 0 }

void vmm_lock(int *held, const char *what);
void vmm_unlock(int *held, const char *what);
int vmm_trylock(int *held, const char *what);

static inline void mutex_init(struct mutex *m) { m->held = 0; }
static inline void mutex_destroy(struct mutex *m) { (void)m; }
static inline void mutex_lock(struct mutex *m) { vmm_lock(&m->held, "mutex"); }
static inline int mutex_lock_interruptible(struct mutex *m)
{
	vmm_lock(&m->held, "mutex");
	return 0;
}
static inline int mutex_lock_killable(struct mutex *m)
{
	return mutex_lock_interruptible(m);
}
static inline int mutex_trylock(struct mutex *m) { return vmm_trylock(&m->held, "mutex"); }
static inline void mutex_unlock(struct mutex *m) { vmm_unlock(&m->held, "mutex"); }
static inline bool mutex_is_locked(struct mutex *m) { return m->held; }
#define lockdep_assert_held(l)	((void)(l))

/*
 * cleanup.h's scoped_guard(): the block runs once with the lock held, and
 * the lock is dropped however the block is left (return included), which
 * the cleanup attribute gives as the kernel's CLASS() does.
 */
struct vmm_guard { int *held; const char *what; };
static inline void vmm_guard_exit(struct vmm_guard *g) { vmm_unlock(g->held, g->what); }
static inline struct vmm_guard vmm_guard_mutex(struct mutex *m)
{
	mutex_lock(m);
	return (struct vmm_guard){ &m->held, "mutex" };
}
#define scoped_guard(_name, _lock)						\
	for (struct vmm_guard __guard __attribute__((cleanup(vmm_guard_exit))) =	\
		vmm_guard_##_name(_lock), *__done = NULL; !__done; __done = (void *)1)

static inline void spin_lock_init(spinlock_t *l) { l->held = 0; }
static inline void spin_lock(spinlock_t *l) { vmm_lock(&l->held, "spinlock"); }
static inline void spin_unlock(spinlock_t *l) { vmm_unlock(&l->held, "spinlock"); }
static inline void spin_lock_irq(spinlock_t *l) { spin_lock(l); }
static inline void spin_unlock_irq(spinlock_t *l) { spin_unlock(l); }
static inline void spin_lock_bh(spinlock_t *l) { spin_lock(l); }
static inline void spin_unlock_bh(spinlock_t *l) { spin_unlock(l); }
#define spin_lock_irqsave(l, f)		do { (f) = 0; spin_lock(l); } while (0)
#define spin_unlock_irqrestore(l, f)	do { (void)(f); spin_unlock(l); } while (0)
static inline void raw_spin_lock(raw_spinlock_t *l) { vmm_lock(&l->held, "raw_spinlock"); }
static inline void raw_spin_unlock(raw_spinlock_t *l) { vmm_unlock(&l->held, "raw_spinlock"); }

static inline void init_rwsem(struct rw_semaphore *s) { s->readers = s->writer = 0; }
static inline void down_write(struct rw_semaphore *s) { vmm_lock(&s->writer, "rwsem"); }
static inline void up_write(struct rw_semaphore *s) { vmm_unlock(&s->writer, "rwsem"); }
void down_read(struct rw_semaphore *s);
void up_read(struct rw_semaphore *s);
static inline int down_read_interruptible(struct rw_semaphore *s)
{
	down_read(s);
	return 0;
}

/* Tasks and capabilities */
extern struct task_struct *vmm_current;
#define current			vmm_current
bool capable(int cap);

/* Pages and memory */
#define get_order(n)		vmm_get_order(n)
int vmm_get_order(unsigned long size);

struct page { int refcount; int order; unsigned long private; void *mapping; };
struct folio { struct page page; };

/* x86's cache modes on the protection bits that handlers touch */
static inline pgprot_t vmm_cache(pgprot_t p, unsigned long bits)
{
	return __pgprot((pgprot_val(p) & ~_PAGE_CACHE_MASK) | bits);
}
#define pgprot_noncached(p)	vmm_cache((p), _PAGE_PCD)
#define pgprot_writecombine(p)	vmm_cache((p), _PAGE_PWT)
#define pgprot_device(p)	vmm_cache((p), _PAGE_PCD)
#define pgprot_dmacoherent(p)	vmm_cache((p), _PAGE_PCD)

extern struct page *vmm_mem_map;
extern char *vmm_ram;
#define VMM_PFN_BASE		0x100000UL	/* RAM starts at 4 GiB */
unsigned long page_to_pfn(const struct page *page);
struct page *pfn_to_page(unsigned long pfn);
bool pfn_valid(unsigned long pfn);
phys_addr_t virt_to_phys(const volatile void *addr);
void *phys_to_virt(phys_addr_t addr);
struct page *virt_to_page(const void *addr);
void *page_address(const struct page *page);
#define __pa(x)			virt_to_phys((void *)(x))
#define __va(x)			phys_to_virt((phys_addr_t)(x))
#define page_to_phys(p)		PFN_PHYS(page_to_pfn(p))
#define virt_to_pfn(p)		PHYS_PFN(virt_to_phys(p))
#define page_to_virt(p)		page_address(p)
#define lowmem_page_address(p)	page_address(p)
static inline int page_count(const struct page *p) { return p->refcount; }
static inline void get_page(struct page *p) { p->refcount++; }
void put_page(struct page *p);
static inline struct folio *page_folio(struct page *p) { return (struct folio *)p; }
static inline void folio_get(struct folio *f) { get_page(&f->page); }
static inline void folio_put(struct folio *f) { put_page(&f->page); }

/* Allocations: counted, and placed in the model's RAM so pfns are real */
void *kmalloc(size_t size, gfp_t flags);
void *kzalloc(size_t size, gfp_t flags);
void *kcalloc(size_t n, size_t size, gfp_t flags);
void *kmalloc_array(size_t n, size_t size, gfp_t flags);
void *krealloc(const void *p, size_t size, gfp_t flags);
void *kmemdup(const void *src, size_t len, gfp_t flags);
void kfree(const void *p);
void *kvmalloc(size_t size, gfp_t flags);
void *kvzalloc(size_t size, gfp_t flags);
void *kvcalloc(size_t n, size_t size, gfp_t flags);
void *kvmalloc_array(size_t n, size_t size, gfp_t flags);
void kvfree(const void *p);
void *vmalloc(unsigned long size);
void *vzalloc(unsigned long size);
void *vmalloc_user(unsigned long size);
void *vmalloc_32_user(unsigned long size);
void vfree(const void *p);
bool is_vmalloc_addr(const void *p);
struct page *vmalloc_to_page(const void *addr);
unsigned long vmalloc_to_pfn(const void *addr);
struct page *alloc_pages(gfp_t gfp, unsigned int order);
#define alloc_page(gfp)		alloc_pages((gfp), 0)
void __free_pages(struct page *page, unsigned int order);
#define __free_page(p)		__free_pages((p), 0)
unsigned long __get_free_pages(gfp_t gfp, unsigned int order);
#define __get_free_page(gfp)	__get_free_pages((gfp), 0)
unsigned long get_zeroed_page(gfp_t gfp);
void free_pages(unsigned long addr, unsigned int order);
#define free_page(addr)		free_pages((addr), 0)
#define kfree_sensitive(p)	kfree(p)

/* Files */
void file_accessed(struct file *file);
struct file *get_file(struct file *f);
void fput(struct file *f);
unsigned int iminor(const struct inode *inode);
unsigned int imajor(const struct inode *inode);
int generic_file_mmap(struct file *file, struct vm_area_struct *vma);
int generic_file_readonly_mmap(struct file *file, struct vm_area_struct *vma);

/* Either hook makes a file mappable (include/linux/fs.h since 6.18). */
static inline bool can_mmap_file(struct file *file)
{
	return file->f_op->mmap || file->f_op->mmap_prepare;
}

/* procfs */
void *pde_data(const struct inode *inode);

/* VMAs */
pgprot_t vm_get_page_prot(vm_flags_t vm_flags);
void vm_flags_init(struct vm_area_struct *vma, vm_flags_t flags);
void vm_flags_reset(struct vm_area_struct *vma, vm_flags_t flags);
void vm_flags_set(struct vm_area_struct *vma, vm_flags_t flags);
void vm_flags_clear(struct vm_area_struct *vma, vm_flags_t flags);
void vm_flags_mod(struct vm_area_struct *vma, vm_flags_t set, vm_flags_t clear);
void vma_set_file(struct vm_area_struct *vma, struct file *file);
void vma_set_page_prot(struct vm_area_struct *vma);

/* Page-table population (model.c records each as an operation) */
int remap_pfn_range(struct vm_area_struct *vma, unsigned long addr,
		    unsigned long pfn, unsigned long size, pgprot_t prot);
int io_remap_pfn_range(struct vm_area_struct *vma, unsigned long addr,
		       unsigned long pfn, unsigned long size, pgprot_t prot);
int vm_iomap_memory(struct vm_area_struct *vma, phys_addr_t start,
		    unsigned long len);
int vm_insert_page(struct vm_area_struct *vma, unsigned long addr,
		   struct page *page);
int vm_insert_pages(struct vm_area_struct *vma, unsigned long addr,
		    struct page **pages, unsigned long *num);
int vm_map_pages(struct vm_area_struct *vma, struct page **pages,
		 unsigned long num);
int vm_map_pages_zero(struct vm_area_struct *vma, struct page **pages,
		      unsigned long num);
int remap_vmalloc_range(struct vm_area_struct *vma, void *addr,
			unsigned long pgoff);
int remap_vmalloc_range_partial(struct vm_area_struct *vma,
				unsigned long uaddr, void *kaddr,
				unsigned long pgoff, unsigned long size);
vm_fault_t vmf_insert_pfn(struct vm_area_struct *vma, unsigned long addr,
			  unsigned long pfn);
vm_fault_t vmf_insert_pfn_prot(struct vm_area_struct *vma, unsigned long addr,
			       unsigned long pfn, pgprot_t pgprot);
vm_fault_t vmf_insert_mixed(struct vm_area_struct *vma, unsigned long addr,
			    unsigned long pfn);
vm_fault_t vmf_insert_page(struct vm_area_struct *vma, unsigned long addr,
			   struct page *page);
void zap_vma_ptes(struct vm_area_struct *vma, unsigned long address,
		  unsigned long size);

/* I/O memory */

void __iomem *ioremap(phys_addr_t addr, size_t size);
void iounmap(volatile void __iomem *addr);
pgprot_t phys_mem_access_prot(struct file *file, unsigned long pfn,
			      unsigned long size, pgprot_t vma_prot);
int phys_mem_access_prot_allowed(struct file *file, unsigned long pfn,
				 unsigned long size, pgprot_t *vma_prot);

/* User copies */
unsigned long copy_to_user(void __user *to, const void *from, unsigned long n);
unsigned long copy_from_user(void *to, const void __user *from, unsigned long n);

#endif /* VMM_MODELLED_H */
