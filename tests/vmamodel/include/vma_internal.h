/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The slice of the kernel API that mmap handlers use, for userspace.  Every
 * stub header under include/linux/ and include/asm/ includes this one file,
 * as tools/testing/vma does with its vma_internal.h, so a fixture compiles
 * unchanged whatever headers it names.
 *
 * Types are those of Linux 6.12 (x86-64).  What differs with the target
 * (../../shared/API.md) is in two headers: target_v1.h, for legacy code and
 * section 1 (6.12's VM_* values, the desc with vm_flags and mmap_context,
 * mmap_complete and mmap_abort), and target_mainline.h, for section 2 as
 * Linux 7.2 has it (VMA_xxx_BIT, the desc with vma_flags and an action,
 * vm_ops->mapped), chosen by building the unit with -DVMM_MAINLINE.  What
 * the functions do is modelled in model.c and mainline.c, which record
 * every effect a handler can have.
 */
#ifndef VMA_INTERNAL_H
#define VMA_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Compiler and basic types */

#define __user
#define __iomem
#define __force
#define __bitwise
#define __rcu
#define __init
#define __exit
#define __initdata
#define __ro_after_init
#define __read_mostly
#ifndef __always_inline
#define __always_inline		inline
#endif
#define __maybe_unused		__attribute__((unused))
#define __always_unused		__attribute__((unused))
#define __must_check		__attribute__((warn_unused_result))
#define __printf(a, b)		__attribute__((format(printf, a, b)))
#ifndef noinline
#define noinline		__attribute__((noinline))
#endif
#define fallthrough		__attribute__((fallthrough))
#define likely(x)		__builtin_expect(!!(x), 1)
#define unlikely(x)		__builtin_expect(!!(x), 0)
#define READ_ONCE(x)		(*(volatile typeof(x) *)&(x))
#define WRITE_ONCE(x, v)	(*(volatile typeof(x) *)&(x) = (v))
#define barrier()		__asm__ __volatile__("" ::: "memory")

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;
typedef u32 __u32;
typedef u64 __u64;
typedef u32 __le32;
typedef u64 __le64;
typedef long ssize_t;
/* 64 bits as in the kernel, spelled as glibc does so both can be included */
typedef long loff_t;
typedef unsigned long pgoff_t;
typedef u64 phys_addr_t;
typedef u64 resource_size_t;
typedef u64 dma_addr_t;
typedef unsigned int gfp_t;
typedef unsigned int fmode_t;
typedef unsigned short umode_t;
typedef unsigned long dev_t;
typedef unsigned long vm_flags_t;
typedef unsigned int vm_fault_t;
typedef unsigned int __poll_t;
typedef void *fl_owner_t;
typedef unsigned int fop_flags_t;

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define BIT(n)			(1UL << (n))
#define BIT_ULL(n)		(1ULL << (n))
#define _BITUL(n)		(1UL << (n))
#define SZ_1K			0x400
#define SZ_4K			0x1000
#define SZ_8K			0x2000
#define SZ_16K			0x4000
#define SZ_64K			0x10000
#define SZ_1M			0x100000
#define SZ_2M			0x200000
#define min(a, b)		((a) < (b) ? (a) : (b))
#define max(a, b)		((a) > (b) ? (a) : (b))
#define min_t(t, a, b)		((t)(a) < (t)(b) ? (t)(a) : (t)(b))
#define max_t(t, a, b)		((t)(a) > (t)(b) ? (t)(a) : (t)(b))
#define ALIGN(x, a)		(((x) + ((a) - 1)) & ~((typeof(x))(a) - 1))
#define IS_ALIGNED(x, a)	(((x) & ((typeof(x))(a) - 1)) == 0)
#define DIV_ROUND_UP(n, d)	(((n) + (d) - 1) / (d))
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))
#define check_add_overflow(a, b, d)	__builtin_add_overflow(a, b, d)
#define check_mul_overflow(a, b, d)	__builtin_mul_overflow(a, b, d)
#define IS_ERR_VALUE(x)		((unsigned long)(x) >= (unsigned long)-4095)
#define upper_32_bits(n)	((u32)(((n) >> 16) >> 16))
#define lower_32_bits(n)	((u32)((n) & 0xffffffff))

static inline void *ERR_PTR(long error) { return (void *)error; }
static inline long PTR_ERR(const void *ptr) { return (long)ptr; }
static inline bool IS_ERR(const void *ptr) { return IS_ERR_VALUE(ptr); }
static inline bool IS_ERR_OR_NULL(const void *ptr)
{
	return !ptr || IS_ERR_VALUE(ptr);
}

/* Bits (non-atomic: the model is single-threaded) */
#define BITS_PER_LONG		64
#define BITS_TO_LONGS(nr)	DIV_ROUND_UP(nr, BITS_PER_LONG)
#define DECLARE_BITMAP(name, bits) unsigned long name[BITS_TO_LONGS(bits)]
_Static_assert(sizeof(unsigned long) * 8 == BITS_PER_LONG, "64-bit only");

static inline bool test_bit(long nr, const unsigned long *addr)
{
	return addr[nr / BITS_PER_LONG] & BIT(nr % BITS_PER_LONG);
}

static inline void __set_bit(long nr, unsigned long *addr)
{
	addr[nr / BITS_PER_LONG] |= BIT(nr % BITS_PER_LONG);
}

static inline void __clear_bit(long nr, unsigned long *addr)
{
	addr[nr / BITS_PER_LONG] &= ~BIT(nr % BITS_PER_LONG);
}

/* Error codes, with their Linux values (libc's errno.h would pull in
 * the system's linux/ headers, which these stubs replace) */
#define EPERM			1
#define ENOENT			2
#define ESRCH			3
#define EINTR			4
#define EIO			5
#define ENXIO			6
#define E2BIG			7
#define ENOEXEC			8
#define EBADF			9
#define EAGAIN			11
#define ENOMEM			12
#define EACCES			13
#define EFAULT			14
#define EBUSY			16
#define EEXIST			17
#define ENODEV			19
#define EINVAL			22
#define ENOSPC			28
#define ESPIPE			29
#define EROFS			30
#define ERANGE			34
#define ENOSYS			38
#define ENODATA			61
#define EOVERFLOW		75
#define EOPNOTSUPP		95
#define ETIMEDOUT		110
/* Kernel-only error codes */
#define ERESTARTSYS		512
#define ENOIOCTLCMD		515
#define ENOTSUPP		524
#define EPROBE_DEFER		517

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
#define BUILD_BUG_ON(c)		_Static_assert(!(c), #c)

#define KERN_ERR		""
#define KERN_WARNING		""
#define KERN_INFO		""
#define KERN_DEBUG		""
/* Messages are type-checked but not printed: the tests compare effects. */
#define __vmm_no_print(fmt, ...) \
	do { if (0) printf(fmt, ##__VA_ARGS__); } while (0)
#define printk(fmt, ...)	__vmm_no_print(fmt, ##__VA_ARGS__)
#define pr_err(fmt, ...)	__vmm_no_print(fmt, ##__VA_ARGS__)
#define pr_warn(fmt, ...)	__vmm_no_print(fmt, ##__VA_ARGS__)
#define pr_info(fmt, ...)	__vmm_no_print(fmt, ##__VA_ARGS__)
#define pr_debug(fmt, ...)	__vmm_no_print(fmt, ##__VA_ARGS__)
#define pr_err_ratelimited(fmt, ...)	__vmm_no_print(fmt, ##__VA_ARGS__)
#define pr_warn_once(fmt, ...)	__vmm_no_print(fmt, ##__VA_ARGS__)
#define dev_err(d, fmt, ...)	do { (void)(d); __vmm_no_print(fmt, ##__VA_ARGS__); } while (0)
#define dev_warn(d, fmt, ...)	do { (void)(d); __vmm_no_print(fmt, ##__VA_ARGS__); } while (0)
#define dev_info(d, fmt, ...)	do { (void)(d); __vmm_no_print(fmt, ##__VA_ARGS__); } while (0)
#define dev_dbg(d, fmt, ...)	do { (void)(d); __vmm_no_print(fmt, ##__VA_ARGS__); } while (0)

/* Modules and exports */

struct module;
#define THIS_MODULE		((struct module *)0)
#define EXPORT_SYMBOL(sym)	extern typeof(sym) sym
#define EXPORT_SYMBOL_GPL(sym)	extern typeof(sym) sym
#define EXPORT_SYMBOL_NS_GPL(sym, ns)	extern typeof(sym) sym
#define MODULE_LICENSE(x)	extern int __vmm_module_unused
#define MODULE_AUTHOR(x)	extern int __vmm_module_unused
#define MODULE_DESCRIPTION(x)	extern int __vmm_module_unused
#define module_init(fn)		extern int __vmm_module_unused
#define module_exit(fn)		extern int __vmm_module_unused

/* Atomics and reference counts (single-threaded) */

typedef struct { int counter; } atomic_t;
typedef struct { long counter; } atomic_long_t;
typedef struct { atomic_t refs; } refcount_t;
struct kref { refcount_t refcount; };
#define ATOMIC_INIT(i)		{ (i) }
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

struct mm_struct { unsigned long def_flags; int map_count; };
struct task_struct { struct mm_struct *mm; int pid; char comm[16]; };
extern struct task_struct *vmm_current;
#define current			vmm_current
#define CAP_SYS_ADMIN		21
#define CAP_SYS_RAWIO		17
bool capable(int cap);
static inline bool signal_pending(struct task_struct *t) { (void)t; return false; }
static inline void might_sleep(void) { }
static inline void cond_resched(void) { }

/* Pages and memory */

#define PAGE_SHIFT		12
#define PAGE_SIZE		(1UL << PAGE_SHIFT)
#define PAGE_MASK		(~(PAGE_SIZE - 1))
#define PAGE_ALIGN(x)		ALIGN((x), PAGE_SIZE)
#define PAGE_ALIGNED(x)		IS_ALIGNED((unsigned long)(x), PAGE_SIZE)
#define offset_in_page(p)	((unsigned long)(p) & ~PAGE_MASK)
#define PFN_DOWN(x)		((x) >> PAGE_SHIFT)
#define PFN_UP(x)		(((x) + PAGE_SIZE - 1) >> PAGE_SHIFT)
#define PFN_PHYS(x)		((phys_addr_t)(x) << PAGE_SHIFT)
#define PHYS_PFN(x)		((unsigned long)((x) >> PAGE_SHIFT))
#define get_order(n)		vmm_get_order(n)
int vmm_get_order(unsigned long size);

struct page { int refcount; int order; unsigned long private; void *mapping; };
struct folio { struct page page; };

typedef struct { unsigned long pgprot; } pgprot_t;
#define pgprot_val(p)		((p).pgprot)
#define __pgprot(v)		((pgprot_t){ (v) })
/* x86 bits that handlers touch: PWT, PCD, PAT via the cache mode helpers */
#define _PAGE_PRESENT		0x001UL
#define _PAGE_RW		0x002UL
#define _PAGE_USER		0x004UL
#define _PAGE_PWT		0x008UL
#define _PAGE_PCD		0x010UL
#define _PAGE_PAT		0x080UL
#define _PAGE_NX		(1UL << 63)
#define _PAGE_CACHE_MASK	(_PAGE_PWT | _PAGE_PCD | _PAGE_PAT)
#define PAGE_NONE		__pgprot(0)
#define PAGE_SHARED		__pgprot(_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_NX)
#define PAGE_READONLY		__pgprot(_PAGE_PRESENT | _PAGE_USER | _PAGE_NX)
#define PAGE_KERNEL		__pgprot(_PAGE_PRESENT | _PAGE_RW | _PAGE_NX)
static inline pgprot_t vmm_cache(pgprot_t p, unsigned long bits)
{
	return __pgprot((pgprot_val(p) & ~_PAGE_CACHE_MASK) | bits);
}
#define pgprot_noncached(p)	vmm_cache((p), _PAGE_PCD)
#define pgprot_writecombine(p)	vmm_cache((p), _PAGE_PWT)
#define pgprot_device(p)	vmm_cache((p), _PAGE_PCD)
#define pgprot_dmacoherent(p)	vmm_cache((p), _PAGE_PCD)
#define pgprot_decrypted(p)	(p)
#define pgprot_encrypted(p)	(p)

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
#define SetPageReserved(p)	((void)(p))
#define ClearPageReserved(p)	((void)(p))
static inline struct folio *page_folio(struct page *p) { return (struct folio *)p; }
static inline void folio_get(struct folio *f) { get_page(&f->page); }
static inline void folio_put(struct folio *f) { put_page(&f->page); }

/* Allocations: counted, and placed in the model's RAM so pfns are real */

#define GFP_KERNEL		0x0cc0u
#define GFP_USER		0x0cc0u
#define GFP_HIGHUSER		0x0cc2u
#define GFP_ATOMIC		0x0820u
#define GFP_NOWAIT		0x0800u
#define GFP_DMA32		0x0004u
#define __GFP_ZERO		0x0100u
#define __GFP_NOWARN		0x0200u
#define __GFP_COMP		0x4000u
#define __GFP_HIGHMEM		0x0002u
#define GFP_KERNEL_ACCOUNT	GFP_KERNEL

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

struct inode;
struct file;
struct address_space;
struct kiocb;
struct iov_iter;
struct dir_context;
struct poll_table_struct;
struct file_lock;
struct file_lease;
struct pipe_inode_info;
struct seq_file;
struct io_uring_cmd;
struct io_comp_batch;
struct vm_area_struct;
struct vm_area_desc;
struct vm_fault;

struct address_space_operations {
	int (*read_folio)(struct file *, struct folio *);
	int (*writepage)(struct page *, void *);
	int (*dirty_folio)(struct address_space *, struct folio *);
};

struct address_space {
	struct inode *host;
	const struct address_space_operations *a_ops;
	unsigned long nrpages;
	void *private_data;
};

struct super_block { unsigned long s_flags; void *s_fs_info; };

struct inode {
	umode_t i_mode;
	unsigned int i_flags;
	dev_t i_rdev;
	loff_t i_size;
	struct super_block *i_sb;
	struct address_space *i_mapping;
	struct address_space i_data;
	void *i_private;
	struct cdev *i_cdev;
};

#define FMODE_READ		0x1u
#define FMODE_WRITE		0x2u
#define FMODE_EXEC		0x20u
#define O_RDONLY		00
#define O_WRONLY		01
#define O_RDWR			02
#define O_SYNC			04010000

struct file_operations {
	struct module *owner;
	fop_flags_t fop_flags;
	loff_t (*llseek)(struct file *, loff_t, int);
	ssize_t (*read)(struct file *, char __user *, size_t, loff_t *);
	ssize_t (*write)(struct file *, const char __user *, size_t, loff_t *);
	ssize_t (*read_iter)(struct kiocb *, struct iov_iter *);
	ssize_t (*write_iter)(struct kiocb *, struct iov_iter *);
	int (*iterate_shared)(struct file *, struct dir_context *);
	__poll_t (*poll)(struct file *, struct poll_table_struct *);
	long (*unlocked_ioctl)(struct file *, unsigned int, unsigned long);
	long (*compat_ioctl)(struct file *, unsigned int, unsigned long);
	int (*mmap)(struct file *, struct vm_area_struct *);
	int (*mmap_prepare)(struct vm_area_desc *);
#ifndef VMM_MAINLINE
	/* API.md section 1 only: mainline has neither */
	int (*mmap_complete)(struct file *, struct vm_area_struct *,
			     const void *context);
	void (*mmap_abort)(const struct file *, const void *vm_private_data,
			   const void *context);
#endif
	int (*open)(struct inode *, struct file *);
	int (*flush)(struct file *, fl_owner_t id);
	int (*release)(struct inode *, struct file *);
	int (*fsync)(struct file *, loff_t, loff_t, int datasync);
	int (*fasync)(int, struct file *, int);
	int (*lock)(struct file *, int, struct file_lock *);
	unsigned long (*get_unmapped_area)(struct file *, unsigned long,
					   unsigned long, unsigned long,
					   unsigned long);
	int (*check_flags)(int);
	int (*flock)(struct file *, int, struct file_lock *);
	ssize_t (*splice_write)(struct pipe_inode_info *, struct file *,
				loff_t *, size_t, unsigned int);
	ssize_t (*splice_read)(struct file *, loff_t *,
			       struct pipe_inode_info *, size_t, unsigned int);
	long (*fallocate)(struct file *file, int mode, loff_t offset,
			  loff_t len);
	void (*show_fdinfo)(struct seq_file *m, struct file *f);
};

struct file {
	const struct file_operations *f_op;
	struct address_space *f_mapping;
	struct inode *f_inode;
	fmode_t f_mode;
	unsigned int f_flags;
	loff_t f_pos;
	void *private_data;
	long f_count;
};

static inline struct inode *file_inode(const struct file *f) { return f->f_inode; }
void file_accessed(struct file *file);
struct file *get_file(struct file *f);
void fput(struct file *f);
unsigned int iminor(const struct inode *inode);
unsigned int imajor(const struct inode *inode);
static inline loff_t i_size_read(const struct inode *inode) { return inode->i_size; }

loff_t generic_file_llseek(struct file *file, loff_t offset, int whence);
loff_t noop_llseek(struct file *file, loff_t offset, int whence);
loff_t default_llseek(struct file *file, loff_t offset, int whence);
ssize_t generic_file_read_iter(struct kiocb *iocb, struct iov_iter *iter);
ssize_t generic_file_write_iter(struct kiocb *iocb, struct iov_iter *iter);
int generic_file_fsync(struct file *file, loff_t start, loff_t end, int datasync);
int nonseekable_open(struct inode *inode, struct file *filp);
int simple_open(struct inode *inode, struct file *file);
int generic_file_mmap(struct file *file, struct vm_area_struct *vma);
int generic_file_readonly_mmap(struct file *file, struct vm_area_struct *vma);

/* procfs */

#define PROC_ENTRY_PERMANENT	1U
struct proc_ops {
	unsigned int proc_flags;
	int (*proc_open)(struct inode *, struct file *);
	ssize_t (*proc_read)(struct file *, char __user *, size_t, loff_t *);
	ssize_t (*proc_read_iter)(struct kiocb *, struct iov_iter *);
	ssize_t (*proc_write)(struct file *, const char __user *, size_t,
			      loff_t *);
	loff_t (*proc_lseek)(struct file *, loff_t, int);
	int (*proc_release)(struct inode *, struct file *);
	__poll_t (*proc_poll)(struct file *, struct poll_table_struct *);
	long (*proc_ioctl)(struct file *, unsigned int, unsigned long);
	long (*proc_compat_ioctl)(struct file *, unsigned int, unsigned long);
	int (*proc_mmap)(struct file *, struct vm_area_struct *);
#ifndef VMM_MAINLINE
	/* API.md section 1 only: 7.2's proc_ops has no mmap_prepare */
	int (*proc_mmap_prepare)(struct vm_area_desc *);
	int (*proc_mmap_complete)(struct file *, struct vm_area_struct *,
				  const void *context);
	void (*proc_mmap_abort)(const struct file *,
				const void *vm_private_data,
				const void *context);
#endif
	unsigned long (*proc_get_unmapped_area)(struct file *, unsigned long,
						unsigned long, unsigned long,
						unsigned long);
};
void *pde_data(const struct inode *inode);

/* VMAs */

#ifdef VMM_MAINLINE
#include "target_mainline.h"
#else
#include "target_v1.h"
#endif

/* What a vm_fault handler returns */
#define VM_FAULT_OOM		0x000001u
#define VM_FAULT_SIGBUS		0x000002u
#define VM_FAULT_MAJOR		0x000004u
#define VM_FAULT_NOPAGE		0x000100u
#define VM_FAULT_LOCKED		0x000200u
#define VM_FAULT_RETRY		0x000400u
#define VM_FAULT_ERROR		(VM_FAULT_OOM | VM_FAULT_SIGBUS)

struct vm_fault {
	struct vm_area_struct *vma;
	gfp_t gfp_mask;
	pgoff_t pgoff;
	unsigned long address;
	unsigned int flags;
	struct page *page;
};

struct vm_operations_struct {
	void (*open)(struct vm_area_struct *area);
	void (*close)(struct vm_area_struct *area);
#ifdef VMM_MAINLINE
	/* 7.2: called once a new mapping exists, after its action */
	int (*mapped)(unsigned long start, unsigned long end, pgoff_t pgoff,
		      const struct file *file, void **vm_private_data);
#endif
	int (*may_split)(struct vm_area_struct *area, unsigned long addr);
	int (*mremap)(struct vm_area_struct *area);
	vm_fault_t (*fault)(struct vm_fault *vmf);
	vm_fault_t (*huge_fault)(struct vm_fault *vmf, unsigned int order);
	vm_fault_t (*map_pages)(struct vm_fault *vmf, pgoff_t start_pgoff,
				pgoff_t end_pgoff);
	vm_fault_t (*page_mkwrite)(struct vm_fault *vmf);
	vm_fault_t (*pfn_mkwrite)(struct vm_fault *vmf);
	int (*access)(struct vm_area_struct *vma, unsigned long addr,
		      void *buf, int len, int write);
	const char *(*name)(struct vm_area_struct *vma);
};

struct vm_area_struct {
	unsigned long vm_start;
	unsigned long vm_end;
	struct mm_struct *vm_mm;
	pgprot_t vm_page_prot;
	/* As in the kernel: written only through the vm_flags_*() helpers */
	union {
		const vm_flags_t vm_flags;
		vm_flags_t __vm_flags;
#ifdef VMM_MAINLINE
		vma_flags_t flags;
#endif
	};
	const struct vm_operations_struct *vm_ops;
	unsigned long vm_pgoff;
	struct file *vm_file;
	void *vm_private_data;
};

static inline unsigned long vma_pages(const struct vm_area_struct *vma)
{
	return (vma->vm_end - vma->vm_start) >> PAGE_SHIFT;
}

static inline bool is_cow_mapping(vm_flags_t flags)
{
	return (flags & (VM_SHARED | VM_MAYWRITE)) == VM_MAYWRITE;
}

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

/* User copies and misc */

unsigned long copy_to_user(void __user *to, const void *from, unsigned long n);
unsigned long copy_from_user(void *to, const void __user *from, unsigned long n);

struct device { void *driver_data; const char *name; };
static inline void *dev_get_drvdata(const struct device *dev) { return dev->driver_data; }
static inline void dev_set_drvdata(struct device *dev, void *data) { dev->driver_data = data; }
struct cdev { struct module *owner; dev_t dev; };
struct miscdevice { int minor; const char *name; const struct file_operations *fops; struct device *this_device; };

#endif /* VMA_INTERNAL_H */
