/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * MIRRORED: what the kernel defines, as Linux 6.12 (x86-64) defines it, so
 * that a fixture sees the same types, constants and layouts: the compiler
 * annotations of a build without sparse, the integer types, errno, page and
 * GFP constants, and the file, inode and procfs structures reduced to the
 * members handlers use (in the kernel's order, with its types).  Where the
 * kernel's spelling needs machinery the model does not have (min()'s type
 * checks, atomic bitops), the definition is the simple one with the same
 * value.  The VMA itself is in mirrored_vma.h, since it depends on the
 * target header.
 */
#ifndef VMM_MIRRORED_H
#define VMM_MIRRORED_H

/* include/linux/compiler*.h, include/asm-generic/rwonce.h */

#define __user
#define __iomem
#define __force
#define __bitwise
#define __rcu
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

/* include/linux/types.h and the headers that define each type */
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

/* include/linux/kernel.h, sizes.h, minmax.h, math.h, overflow.h, err.h */
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

/* include/linux/bitops.h, asm-generic/bitops/generic-non-atomic.h
 * (non-atomic: the model is single-threaded) */
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
#define BUILD_BUG_ON(c)		_Static_assert(!(c), #c)

/* include/linux/types.h: the layouts; what operates on them is modelled */
typedef struct { int counter; } atomic_t;
typedef struct { long counter; } atomic_long_t;
typedef struct { atomic_t refs; } refcount_t;
struct kref { refcount_t refcount; };
#define ATOMIC_INIT(i)		{ (i) }

/* include/linux/mm_types.h, sched.h, capability.h: the members handlers read */
struct mm_struct { unsigned long def_flags; int map_count; };
struct task_struct { struct mm_struct *mm; int pid; char comm[16]; };
#define CAP_SYS_ADMIN		21
#define CAP_SYS_RAWIO		17

/* arch/x86/include/asm/page_types.h, pgtable_types.h, include/linux/pfn.h */
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

/* include/linux/gfp_types.h */
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

/* include/linux/fs.h */

struct module;
struct page;
struct folio;
struct cdev;
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

/* include/linux/fs.h (CONFIG_FS_DAX) */
#define S_DAX			(1 << 13)
#define IS_DAX(inode)		((inode)->i_flags & S_DAX)

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
	/* the v1 target only: mainline has neither */
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
static inline loff_t i_size_read(const struct inode *inode) { return inode->i_size; }

/* include/linux/proc_fs.h */
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
	/* the v1 target only: 7.2's proc_ops has no mmap_prepare */
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

#endif /* VMM_MIRRORED_H */
