// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmaharness: map a file through the kernel's own mmap_region() (mm/vma.c,
 * as tools/testing/vma builds it), once with a legacy .mmap and once with
 * its mainline .mmap_prepare conversion, for a set of requests, and compare
 * what the kernel code leaves.
 *
 *	vmaharness [-v] [-1] MANIFEST [NAME...]
 *
 * MANIFEST has one tab-separated line per case (run.py writes it):
 *	pair	NAME
 *	xfail	NAME	WHY	(a pair known to differ)
 *	mutant	NAME	FIELD
 *	skip	NAME	WHY
 *	broken	NAME	WHY
 * The two units of a case (legacy and converted) are found by name among
 * those registered in the vh_units section.  For each file_operations
 * object that is .mmap in the legacy unit and .mmap_prepare in the
 * converted one, every request runs both ways, in a child process (-1: in
 * this one, for gdb), and these must agree: the return code, whether a
 * VMA maps the address and whether it merged with the mapping of the page
 * before, the VMA's vm_flags, vm_pgoff, vm_page_prot, vm_ops,
 * vm_private_data and vm_file, what was asked of the page tables (range,
 * pfn, protection: the harness has none), how often vm_ops->close ran, and
 * the device state that the unit's support describes.  A conversion with
 * a vm_ops->mapped hook must call it where the legacy .mmap ran, and never
 * on a merged VMA.  A pair passes a request when nothing differs; a mutant
 * passes when some request differs in its FIELD, an expected failure when
 * some request differs at all.  The last line is "N passed, N failed".
 */
#include <stdarg.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vmaharness.h"

#define R VM_READ
#define W VM_WRITE
#define X VM_EXEC

/* Where requests map: the page before is the neighbour's */
#define VH_NEIGHBOUR	0x10000000UL
#define VH_ADDR		(VH_NEIGHBOUR + PAGE_SIZE)

enum { VH_SIZE_PAGE, VH_SIZE_EXACT, VH_SIZE_TOO_BIG };
enum { VH_OFF_ZERO, VH_OFF_IN, VH_OFF_END };

struct vh_request {
	const char *name;
	bool shared;
	vm_flags_t prot;		/* VM_READ | VM_WRITE | VM_EXEC */
	int size;			/* VH_SIZE_* */
	int offset;			/* VH_OFF_*: the file page mapped first */
	int fail_populate;		/* n: the nth populate call fails */
	bool neighbour;			/* the page before is mapped first */
};

static const struct vh_request requests[] = {
	{ "shared rw, one page", true, R | W, VH_SIZE_PAGE, VH_OFF_ZERO },
	{ "shared r, one page", true, R, VH_SIZE_PAGE, VH_OFF_ZERO },
	{ "shared rx, one page", true, R | X, VH_SIZE_PAGE, VH_OFF_ZERO },
	{ "shared rw, exact fit", true, R | W, VH_SIZE_EXACT, VH_OFF_ZERO },
	{ "shared rw, too big", true, R | W, VH_SIZE_TOO_BIG, VH_OFF_ZERO },
	{ "shared rw, offset 1 page", true, R | W, VH_SIZE_PAGE, VH_OFF_IN },
	{ "shared rw, offset at the end", true, R | W, VH_SIZE_PAGE, VH_OFF_END },
	{ "private rw (cow), one page", false, R | W, VH_SIZE_PAGE, VH_OFF_ZERO },
	{ "private rw (cow), exact fit", false, R | W, VH_SIZE_EXACT, VH_OFF_ZERO },
	{ "private r, exact fit", false, R, VH_SIZE_EXACT, VH_OFF_ZERO },
	{ "private rx, offset 1 page", false, R | X, VH_SIZE_PAGE, VH_OFF_IN },
	{ "shared rw, exact fit, populate fails", true, R | W, VH_SIZE_EXACT,
	  VH_OFF_ZERO, 1 },
	{ "private rw (cow), exact fit, populate fails", false, R | W,
	  VH_SIZE_EXACT, VH_OFF_ZERO, 1 },
	{ "shared rw, next to a mapping of the page before", true, R | W,
	  VH_SIZE_PAGE, VH_OFF_IN, 0, true },
	{ "private r, next to a mapping of the page before", false, R,
	  VH_SIZE_PAGE, VH_OFF_IN, 0, true },
};
#define NR_REQUESTS	ARRAY_SIZE(requests)

#define VH_TEXT		256
#define VH_LONG		1024		/* what a populate list may take */

/* Everything one side of a request is judged on */
struct vh_obs {
	int neighbour_rc;
	int rc;
	bool vma;			/* a VMA maps the address */
	bool merged;			/* it starts before: the neighbour's */
	vm_flags_t vm_flags;
	unsigned long vm_pgoff;		/* the file page at the address */
	unsigned long vm_page_prot;
	char vm_ops[VH_TEXT];
	char vm_private_data[VH_TEXT];
	char vm_file[VH_TEXT];
	struct vh_trace trace;		/* of the request, not the neighbour */
	int close_at_munmap;
	char state[VH_TEXT];		/* after mmap, then after munmap */
};

static int verbose;
static bool no_fork;

/*
 * Device memory, so that pointers into it can be named, and its pages,
 * numbered from VH_PAGE_PFN in the order of allocation: both sides of a
 * request allocate the same way, so they see the same pfns.
 */
#define VH_MAX_DEV	64
#define VH_MAX_PAGES	256
#define VH_PAGE_PFN	0x100000UL

static struct {
	void *p;
	size_t size;
	int first_page;			/* -1: not page memory */
} dev_allocs[VH_MAX_DEV];
static int ndev;
static struct page dev_pages[VH_MAX_PAGES];
static int ndev_pages;

static void *dev_alloc(size_t size, bool pages)
{
	size_t i, n = pages ? PAGE_ALIGN(size ?: 1) >> PAGE_SHIFT : 0;
	void *p = pages ? aligned_alloc(PAGE_SIZE, n << PAGE_SHIFT) :
		malloc(size ?: 1);

	if (!p || ndev == VH_MAX_DEV || ndev_pages + n > VH_MAX_PAGES) {
		fprintf(stderr, "vmaharness: out of device memory\n");
		exit(2);
	}
	memset(p, 0, pages ? n << PAGE_SHIFT : size ?: 1);
	dev_allocs[ndev].p = p;
	dev_allocs[ndev].size = pages ? n << PAGE_SHIFT : size;
	dev_allocs[ndev++].first_page = pages ? ndev_pages : -1;
	for (i = 0; i < n; i++) {
		dev_pages[ndev_pages].vh_pfn = VH_PAGE_PFN + ndev_pages;
		dev_pages[ndev_pages++].vh_addr = (char *)p + (i << PAGE_SHIFT);
	}
	return p;
}

void *vmm_dev_alloc(size_t size)
{
	return dev_alloc(size, false);
}

void *vh_dev_vmalloc(size_t size)
{
	return dev_alloc(size, true);
}

static int dev_find(const void *p, unsigned long *offset)
{
	int i;

	for (i = 0; i < ndev; i++) {
		const char *base = dev_allocs[i].p;

		if ((const char *)p >= base && (const char *)p < base + dev_allocs[i].size) {
			*offset = (const char *)p - base;
			return i;
		}
	}
	return -1;
}

bool vh_dev_owns(const void *p, unsigned long *offset)
{
	return dev_find(p, offset) >= 0;
}

struct page *vh_dev_page(const void *addr)
{
	unsigned long off;
	int i = dev_find(addr, &off);

	if (i < 0 || dev_allocs[i].first_page < 0) {
		fprintf(stderr, "vmaharness: %p is no device page memory\n", addr);
		abort();
	}
	return &dev_pages[dev_allocs[i].first_page + (off >> PAGE_SHIFT)];
}

phys_addr_t vh_dev_phys(const void *addr)
{
	unsigned long off;
	int i = dev_find(addr, &off);

	if (i < 0 || dev_allocs[i].first_page < 0)
		return (phys_addr_t)(unsigned long)addr;	/* as tools/ has it */
	return ((phys_addr_t)page_to_pfn(vh_dev_page(addr)) << PAGE_SHIFT) +
		offset_in_page(off);
}

/* n pages that the device owns, in pages[] */
void vmm_dev_pages(struct page **pages, int n)
{
	int i;

	for (i = 0; i < n; i++)
		pages[i] = vh_dev_page(vh_dev_vmalloc(PAGE_SIZE));
}

static void dev_reset(void)
{
	while (ndev)
		free(dev_allocs[--ndev].p);
	ndev_pages = 0;
}

/* Descriptions, the same for equal values of the two sides */

static const char *errname(int rc)
{
	static char buf[32];
	static const struct { int e; const char *name; } names[] = {
		{ EPERM, "EPERM" }, { EIO, "EIO" }, { ENXIO, "ENXIO" },
		{ EAGAIN, "EAGAIN" }, { ENOMEM, "ENOMEM" }, { EACCES, "EACCES" },
		{ EFAULT, "EFAULT" }, { EBUSY, "EBUSY" }, { ENODEV, "ENODEV" },
		{ EINVAL, "EINVAL" }, { ENOSPC, "ENOSPC" }, { EOVERFLOW, "EOVERFLOW" },
		{ EOPNOTSUPP, "EOPNOTSUPP" },
	};
	size_t i;

	if (!rc)
		return "0";
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		if (-rc == names[i].e) {
			snprintf(buf, sizeof(buf), "-%s", names[i].name);
			return buf;
		}
	}
	snprintf(buf, sizeof(buf), "%d", rc);
	return buf;
}

static void describe_flags(vm_flags_t flags, char *buf, size_t len)
{
	static const struct { vm_flags_t flag; const char *name; } names[] = {
		{ VM_READ, "READ" }, { VM_WRITE, "WRITE" }, { VM_EXEC, "EXEC" },
		{ VM_SHARED, "SHARED" }, { VM_MAYREAD, "MAYREAD" },
		{ VM_MAYWRITE, "MAYWRITE" }, { VM_MAYEXEC, "MAYEXEC" },
		{ VM_MAYSHARE, "MAYSHARE" }, { VM_PFNMAP, "PFNMAP" },
		{ VM_LOCKED, "LOCKED" }, { VM_IO, "IO" },
		{ VM_SEQ_READ, "SEQ_READ" }, { VM_RAND_READ, "RAND_READ" },
		{ VM_DONTCOPY, "DONTCOPY" }, { VM_DONTEXPAND, "DONTEXPAND" },
		{ VM_ACCOUNT, "ACCOUNT" }, { VM_NORESERVE, "NORESERVE" },
		{ VM_WIPEONFORK, "WIPEONFORK" }, { VM_DONTDUMP, "DONTDUMP" },
		{ VM_MIXEDMAP, "MIXEDMAP" },
	};
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		if (flags & names[i].flag) {
			n += snprintf(buf + n, len - n, "%s%s", n ? "|" : "",
				      names[i].name);
			flags &= ~names[i].flag;
		}
	}
	if (flags || !n)
		snprintf(buf + n, len - n, "%s%#lx", n ? "|" : "", flags);
}

/*
 * The harness's vm_get_page_prot() returns the vm_flags as a pgprot; what
 * a real protection_map keeps of them is read, write, exec and shared,
 * and the cache attribute is ours (kernel_api.h).
 */
static void describe_prot(unsigned long prot, char *buf, size_t len)
{
	snprintf(buf, len, "%c%c%c%c%s", prot & VM_READ ? 'r' : '-',
		 prot & VM_WRITE ? 'w' : '-', prot & VM_EXEC ? 'x' : '-',
		 prot & VM_SHARED ? 's' : 'p',
		 prot & _PAGE_VH_UC ? " uncached" :
		 prot & _PAGE_VH_WC ? " write-combining" : "");
}

static void describe_populate(const struct vh_trace *t, char *buf, size_t len)
{
	size_t n = 0;
	int i;

	if (!t->npopulate) {
		snprintf(buf, len, "none");
		return;
	}
	for (i = 0; i < t->npopulate; i++) {
		const struct vh_populate *p = &t->populate[i];
		char prot[32];

		describe_prot(pgprot_val(p->prot), prot, sizeof(prot));
		n += snprintf(buf + n, len - n, "%s%s%#lx: %s %#lx x%lu %s",
			      i ? ", " : "[", p->addr >= VH_ADDR ? "+" : "-",
			      p->addr >= VH_ADDR ? p->addr - VH_ADDR : VH_ADDR - p->addr,
			      p->page ? "page pfn" : "pfn", p->pfn, p->pages, prot);
		if (n >= len)
			return;
	}
	snprintf(buf + n, len - n, "]");
}

static void describe_pointer(const void *p, const struct vh_unit *u,
			     const struct file *file, char *buf, size_t len)
{
	const struct vh_named *o;
	unsigned long off;

	if (!p) {
		snprintf(buf, len, "NULL");
		return;
	}
	if (p == &vma_dummy_vm_ops || p == &generic_file_vm_ops) {
		snprintf(buf, len, "%s", p == &vma_dummy_vm_ops ?
			 "vma_dummy_vm_ops" : "generic_file_vm_ops");
		return;
	}
	if (p == file) {
		snprintf(buf, len, "the file");
		return;
	}
	if (p == file->private_data) {
		snprintf(buf, len, "file->private_data");
		return;
	}
	for (o = u->objects; o->name; o++) {
		if (o->ptr == p) {
			snprintf(buf, len, "%s", o->name);
			return;
		}
	}
	if (vh_dev_owns(p, &off)) {
		snprintf(buf, len, "device memory +%#lx", off);
		return;
	}
	snprintf(buf, len, "a pointer the unit does not name");
}

/* A file in the page cache, as generic_file_mmap() wants it */
static int read_folio(struct file *file, struct folio *folio)
{
	return 0;
}

static const struct address_space_operations page_cache_aops = {
	.read_folio = read_folio,
};

/* One side of one request, from a fresh address space and device */
static void run(const struct vh_unit *u, const struct file_operations *fops,
		const struct vh_request *req, unsigned long dev_size,
		struct vh_obs *o)
{
	struct mm_struct mm = {};
	struct address_space mapping = { .a_ops = &page_cache_aops };
	struct inode inode = { .i_mode = 0100644 };
	struct file file = { .f_mapping = &mapping, .f_op = fops,
			     .f_inode = &inode, .f_mode = 3 /* read, write */ };
	struct vm_area_struct *vma;
	unsigned long len, pgoff, addr;
	vm_flags_t vm_flags;
	VMA_ITERATOR(vmi, &mm, 0);

	memset(o, 0, sizeof(*o));
	memset(&vh_trace, 0, sizeof(vh_trace));
	/*
	 * As mm_init() does (MM_MT_FLAGS, include/linux/mm_types.h): the mmap
	 * lock guards the tree, so the maple tree must not take its own lock
	 * around allocations, as do_munmap() needs.
	 */
	mt_init_flags(&mm.mm_mt, MT_FLAGS_ALLOC_RANGE | MT_FLAGS_LOCK_EXTERN |
		      MT_FLAGS_USE_RCU);
	current->mm = &mm;
	if (u->setup)
		u->setup(&file);

	len = req->size == VH_SIZE_PAGE ? PAGE_SIZE :
	      req->size == VH_SIZE_EXACT ? dev_size : dev_size + PAGE_SIZE;
	pgoff = req->offset == VH_OFF_ZERO ? 0 :
		req->offset == VH_OFF_IN ? 1 : dev_size >> PAGE_SHIFT;
	/* As do_mmap() makes them for a file opened for reading and writing */
	vm_flags = req->prot | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;
	if (req->shared)
		vm_flags |= VM_SHARED | VM_MAYSHARE;

	if (req->neighbour) {
		addr = mmap_region(&file, VH_NEIGHBOUR, PAGE_SIZE, vm_flags,
				   pgoff - 1, NULL);
		o->neighbour_rc = IS_ERR_VALUE(addr) ? (int)addr : 0;
		memset(&vh_trace, 0, sizeof(vh_trace));
	}
	vh_trace.fail_populate = req->fail_populate;
	addr = mmap_region(&file, VH_ADDR, len, vm_flags, pgoff, NULL);
	o->rc = IS_ERR_VALUE(addr) ? (int)addr : 0;
	if (!o->rc && addr != VH_ADDR)
		o->rc = -EFAULT;	/* cannot happen: mmap_region() is MAP_FIXED */

	vma = vma_lookup(&mm, VH_ADDR);
	if (vma) {
		o->vma = true;
		o->merged = vma->vm_start < VH_ADDR;
		o->vm_flags = vma->vm_flags;
		o->vm_pgoff = vma->vm_pgoff + ((VH_ADDR - vma->vm_start) >> PAGE_SHIFT);
		o->vm_page_prot = pgprot_val(vma->vm_page_prot);
		describe_pointer(vma->vm_ops, u, &file, o->vm_ops, VH_TEXT);
		describe_pointer(vma->vm_private_data, u, &file,
				 o->vm_private_data, VH_TEXT);
		snprintf(o->vm_file, VH_TEXT, "%s", vma->vm_file == &file ?
			 "the file" : vma->vm_file ? "another file" : "NULL");
	}
	o->trace = vh_trace;
	if (u->state)
		u->state(&file, o->state, VH_TEXT / 2);

	do_munmap(&mm, VH_NEIGHBOUR, PAGE_SIZE + len, NULL);
	o->close_at_munmap = vh_trace.close_calls - o->trace.close_calls;
	if (u->state) {
		size_t n = strlen(o->state);

		snprintf(o->state + n, VH_TEXT - n, "; after munmap, ");
		n = strlen(o->state);
		u->state(&file, o->state + n, VH_TEXT - n);
	}
	cleanup_mm(&mm, &vmi);
	current->mm = NULL;
	dev_reset();
}

/* Differences between the two sides of a request */

struct mismatch {
	char field[32];
	char text[2 * VH_LONG + 64];
};

struct verdict {
	struct mismatch m[16];
	int n;
	char note[2 * VH_TEXT];
	char summary[VH_LONG];		/* what the converted side did, for -v */
};

static void differ(struct verdict *v, const char *field, const char *fmt, ...)
{
	va_list ap;

	if (v->n == ARRAY_SIZE(v->m))
		return;
	snprintf(v->m[v->n].field, sizeof(v->m[v->n].field), "%s", field);
	va_start(ap, fmt);
	vsnprintf(v->m[v->n].text, sizeof(v->m[v->n].text), fmt, ap);
	va_end(ap);
	v->n++;
}

#define DIFF_STR(v, field, a, b) do {					\
	if (strcmp((a), (b)))						\
		differ(v, field, "%s: legacy %s, converted %s", field, a, b); \
} while (0)

static const char *vma_text(const struct vh_obs *o)
{
	return !o->vma ? "none" : o->merged ?
		"merged with the mapping of the page before" : "new";
}

static bool has_mapped(const struct vh_unit *u)
{
	const struct vm_operations_struct *const *ops;

	for (ops = u->vm_ops; *ops; ops++)
		if ((*ops)->mapped)
			return true;
	return false;
}

static void compare(const struct vh_unit *cu, const struct vh_request *req,
		    const struct vh_obs *l, const struct vh_obs *c,
		    struct verdict *v)
{
	char a[VH_LONG], b[VH_LONG];
	bool same_vma;

	if (req->neighbour) {
		strcpy(a, errname(l->neighbour_rc));
		strcpy(b, errname(c->neighbour_rc));
		DIFF_STR(v, "neighbour", a, b);
	}
	strcpy(a, errname(l->rc));
	strcpy(b, errname(c->rc));
	DIFF_STR(v, "rc", a, b);

	/*
	 * The core tries to merge before it calls .mmap, with the flags the
	 * driver has not set yet, and after mmap_prepare, with those it set:
	 * a converted mapping may merge where the legacy one could not.
	 */
	same_vma = l->vma == c->vma && l->merged == c->merged;
	if (l->vma && c->vma && l->merged != c->merged)
		snprintf(v->note, sizeof(v->note), "vma: legacy %s, converted %s "
			 "(the core merges after mmap_prepare, but before .mmap)",
			 vma_text(l), vma_text(c));
	else
		DIFF_STR(v, "vma", vma_text(l), vma_text(c));

	if (l->vma && c->vma) {
		describe_flags(l->vm_flags, a, sizeof(a));
		describe_flags(c->vm_flags, b, sizeof(b));
		DIFF_STR(v, "vm_flags", a, b);
		if (l->vm_pgoff != c->vm_pgoff)
			differ(v, "vm_pgoff", "vm_pgoff: legacy %#lx, converted %#lx",
			       l->vm_pgoff, c->vm_pgoff);
		describe_prot(l->vm_page_prot, a, sizeof(a));
		describe_prot(c->vm_page_prot, b, sizeof(b));
		DIFF_STR(v, "vm_page_prot", a, b);
		DIFF_STR(v, "vm_ops", l->vm_ops, c->vm_ops);
		DIFF_STR(v, "vm_private_data", l->vm_private_data, c->vm_private_data);
		DIFF_STR(v, "vm_file", l->vm_file, c->vm_file);
	}
	describe_populate(&l->trace, a, sizeof(a));
	describe_populate(&c->trace, b, sizeof(b));
	DIFF_STR(v, "populate", a, b);
	if (l->trace.warnings != c->trace.warnings)
		differ(v, "warnings", "warnings: legacy %d, converted %d",
		       l->trace.warnings, c->trace.warnings);

	/* mapped must not run on a merged VMA, nor where .mmap did not */
	if (c->trace.mapped_calls && c->trace.mapped_start < VH_ADDR)
		differ(v, "mapped", "mapped: legacy -, converted called on a VMA "
		       "merged with the page before");
	if (!same_vma)
		return;		/* a VMA fewer: a hook call fewer */
	if (has_mapped(cu) && !l->rc && !c->rc &&
	    (l->trace.mmap_calls != 0) != (c->trace.mapped_calls != 0))
		differ(v, "mapped", "mapped: legacy .mmap %s, converted mapped %s",
		       l->trace.mmap_calls ? "called" : "not called",
		       c->trace.mapped_calls ? "called" : "not called");
	if (l->trace.close_calls != c->trace.close_calls ||
	    l->close_at_munmap != c->close_at_munmap)
		differ(v, "close", "close: legacy %d in mmap, %d at munmap, "
		       "converted %d in mmap, %d at munmap",
		       l->trace.close_calls, l->close_at_munmap,
		       c->trace.close_calls, c->close_at_munmap);
	DIFF_STR(v, "state", l->state, c->state);
}

static void summarize(const struct vh_obs *c, struct verdict *v)
{
	char flags[VH_TEXT], prot[32], populate[VH_LONG];
	size_t n;

	n = snprintf(v->summary, sizeof(v->summary), "%s, vma %s", errname(c->rc),
		     vma_text(c));
	if (c->vma) {
		describe_flags(c->vm_flags, flags, sizeof(flags));
		describe_prot(c->vm_page_prot, prot, sizeof(prot));
		n += snprintf(v->summary + n, sizeof(v->summary) - n,
			      " %s pgoff %#lx %s, vm_ops %s", flags, c->vm_pgoff,
			      prot, c->vm_ops);
	}
	describe_populate(&c->trace, populate, sizeof(populate));
	n += snprintf(v->summary + n, sizeof(v->summary) - n, ", populate %s",
		      populate);
	if (c->trace.mapped_calls)
		n += snprintf(v->summary + n, sizeof(v->summary) - n, ", mapped");
	if (c->state[0])
		snprintf(v->summary + n, sizeof(v->summary) - n, ", %s", c->state);
}

/* The units of the case, and its cases */

/* weak: with every unit broken the section is empty, and the driver
 * still links to report them */
extern const struct vh_unit *const __start_vh_units[] __attribute__((weak));
extern const struct vh_unit *const __stop_vh_units[] __attribute__((weak));

static const struct vh_unit *find_unit(const char *name, const char *side)
{
	const struct vh_unit *const *u;

	for (u = __start_vh_units; u < __stop_vh_units; u++)
		if (!strcmp((*u)->name, name) && !strcmp((*u)->side, side))
			return *u;
	return NULL;
}

static const struct file_operations *find_fops(const struct vh_unit *u,
		const char *name, size_t i)
{
	const struct vh_hook *h;

	for (h = u->hooks; h->name; h++)
		if (!strcmp(h->name, name) && i < h->count)
			return &h->fops[i];
	return NULL;
}

struct counts {
	int passed, failed;
};

/* Both sides of one request; in a child unless -1 */
static void request(const struct vh_unit *lu, const struct vh_unit *cu,
		    const struct file_operations *lf,
		    const struct file_operations *cf,
		    const struct vh_request *req, struct verdict *v,
		    bool *mapped)
{
	struct vh_obs l, c;
	int fds[2];
	pid_t pid;

	memset(v, 0, sizeof(*v));
	if (no_fork) {
		run(lu, lf, req, lu->dev_size, &l);
		run(cu, cf, req, lu->dev_size, &c);
		compare(cu, req, &l, &c, v);
		summarize(&c, v);
		*mapped = !l.rc;
		return;
	}
	fflush(stdout);
	if (pipe(fds) || (pid = fork()) < 0) {
		perror("vmaharness");
		exit(2);
	}
	if (!pid) {
		close(fds[0]);
		run(lu, lf, req, lu->dev_size, &l);
		run(cu, cf, req, lu->dev_size, &c);
		compare(cu, req, &l, &c, v);
		summarize(&c, v);
		*mapped = !l.rc;
		if (write(fds[1], v, sizeof(*v)) != sizeof(*v) ||
		    write(fds[1], mapped, sizeof(*mapped)) != sizeof(*mapped))
			exit(2);
		exit(0);
	}
	close(fds[1]);
	if (read(fds[0], v, sizeof(*v)) != sizeof(*v) ||
	    read(fds[0], mapped, sizeof(*mapped)) != sizeof(*mapped))
		memset(v, 0, sizeof(*v));
	close(fds[0]);
	{
		int status;

		waitpid(pid, &status, 0);
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			differ(v, "crash", "crash: the run %s %d (see the messages above)",
			       WIFSIGNALED(status) ? "died of signal" : "exited with",
			       WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
	}
}

/*
 * One case: a pair (expect and why NULL), a mutant that must differ in
 * expect, or a pair known to differ, for the reason why.
 */
static void run_case(const char *name, const char *expect, const char *why,
		     struct counts *counts)
{
	char base[VH_TEXT], label[2 * VH_TEXT], first[3 * VH_LONG] = "";
	const struct vh_unit *lu, *cu;
	const struct vh_hook *h;
	int hooks = 0, caught = 0;
	size_t i, r;

	snprintf(base, sizeof(base), "%s", name);
	if (expect)
		*strrchr(base, '.') = '\0';	/* pairs/NAME.MUTATION */
	lu = find_unit(base, "legacy");
	cu = find_unit(name, "converted");
	if (!lu || !cu) {
		counts->failed++;
		printf("FAIL %s: no %s unit was linked\n", name, lu ? "converted" : "legacy");
		return;
	}
	for (h = cu->hooks; h->name; h++)
		for (i = 0; i < h->count; i++)
			hooks += h->fops[i].mmap_prepare && find_fops(lu, h->name, i) &&
				 find_fops(lu, h->name, i)->mmap;
	for (h = cu->hooks; h->name; h++) {
		for (i = 0; i < h->count; i++) {
			const struct file_operations *cf = &h->fops[i];
			const struct file_operations *lf = find_fops(lu, h->name, i);
			int mapped = 0;

			if (!cf->mmap_prepare)
				continue;
			if (!lf || !lf->mmap) {
				printf("  %s %s: no legacy .mmap to compare with\n",
				       name, h->name);
				continue;
			}
			if (hooks > 1 && h->count > 1)
				snprintf(label, sizeof(label), "%s:%s[%zu]", name, h->name, i);
			else if (hooks > 1)
				snprintf(label, sizeof(label), "%s:%s", name, h->name);
			else
				snprintf(label, sizeof(label), "%s", name);
			for (r = 0; r < NR_REQUESTS; r++) {
				struct verdict v;
				bool ok;
				int m;

				request(lu, cu, lf, cf, &requests[r], &v, &ok);
				mapped += ok;
				if (v.note[0] && (verbose || !expect))
					printf("note %s \"%s\": %s\n", label,
					       requests[r].name, v.note);
				if (why) {
					for (m = 0; m < v.n; m++) {
						caught++;
						printf("  %s \"%s\": %s\n", label,
						       requests[r].name, v.m[m].text);
					}
					continue;
				}
				if (expect) {
					for (m = 0; m < v.n; m++) {
						if (strcmp(v.m[m].field, expect))
							continue;
						if (!caught++)
							snprintf(first, sizeof(first), "\"%s\": %s",
								 requests[r].name, v.m[m].text);
						else if (verbose)
							printf("  %s \"%s\": %s\n", label,
							       requests[r].name, v.m[m].text);
					}
					continue;
				}
				if (!v.n) {
					counts->passed++;
					if (verbose)
						printf("  ok %s \"%s\": %s\n", label,
						       requests[r].name, v.summary);
					continue;
				}
				counts->failed++;
				for (m = 0; m < v.n; m++)
					printf("FAIL %s \"%s\": %s\n", label,
					       requests[r].name, v.m[m].text);
			}
			if (!expect && !mapped) {
				counts->failed++;
				printf("FAIL %s: no request maps, so only error paths "
				       "were compared; give it a device in its support header\n",
				       label);
			} else if (verbose) {
				printf("  covered %s: %zu requests, %d mapped by the legacy hook\n",
				       label, NR_REQUESTS, mapped);
			}
		}
	}
	if (!hooks) {
		counts->failed++;
		printf("FAIL %s: no converted hook to compare\n", name);
	} else if (why && caught) {
		counts->passed++;
		printf("xfail %s (%d difference%s, listed above): %s\n", name, caught,
		       caught == 1 ? "" : "s", why);
	} else if (why) {
		counts->failed++;
		printf("FAIL %s: passes, but is listed as an expected failure (%s)\n",
		       name, why);
	} else if (expect && caught) {
		counts->passed++;
		printf("caught %s (%s differs in %d request%s): %s\n", name, expect,
		       caught, caught == 1 ? "" : "s", first);
	} else if (expect) {
		counts->failed++;
		printf("FAIL %s: mutant not caught (no %s mismatch)\n", name, expect);
	}
}

static bool wanted(const char *name, int argc, char **argv)
{
	char base[VH_TEXT];
	int i;

	if (!argc)
		return true;
	snprintf(base, sizeof(base), "%s", name);
	if (strchr(base, '.'))
		*strchr(base, '.') = '\0';
	for (i = 0; i < argc; i++)
		if (!strcmp(argv[i], name) || !strcmp(argv[i], base))
			return true;
	return false;
}

int main(int argc, char **argv)
{
	struct counts counts = { 0, 0 };
	char line[4 * VH_TEXT], *lines[1024];
	int nlines = 0, skipped = 0, matched = 0, i;
	FILE *manifest;
	size_t r;

	for (; argc > 1 && argv[1][0] == '-'; argc--, argv++) {
		if (!strcmp(argv[1], "-v"))
			verbose = 1;
		else if (!strcmp(argv[1], "-1"))
			no_fork = true;
		else
			break;
	}
	if (argc < 2 || !(manifest = fopen(argv[1], "r"))) {
		fprintf(stderr, "usage: vmaharness [-v] [-1] MANIFEST [NAME...]\n");
		return 2;
	}
	/* Read it all first: a child's exit would rewind a shared offset */
	while (nlines < (int)ARRAY_SIZE(lines) && fgets(line, sizeof(line), manifest))
		lines[nlines++] = strdup(line);
	fclose(manifest);

	setvbuf(stdout, NULL, _IOLBF, 0);
	maple_tree_init();
	vma_state_init();
	if (verbose) {
		printf("requests, run both ways for each converted hook:\n");
		for (r = 0; r < NR_REQUESTS; r++)
			printf("  %s\n", requests[r].name);
	}
	for (i = 0; i < nlines; i++) {
		char *f[3] = { NULL, NULL, NULL }, *save = NULL;
		int n;

		lines[i][strcspn(lines[i], "\n")] = '\0';
		for (n = 0; n < 3 && (f[n] = strtok_r(n ? NULL : lines[i], "\t", &save)); n++)
			;
		if (n < 2 || !wanted(f[1], argc - 2, argv + 2))
			continue;
		matched++;
		if (!strcmp(f[0], "skip")) {
			skipped++;
			printf("skip %s: %s\n", f[1], f[2] ?: "");
		} else if (!strcmp(f[0], "broken")) {
			counts.failed++;
			printf("FAIL %s: %s\n", f[1], f[2] ?: "");
		} else if (!strcmp(f[0], "pair")) {
			run_case(f[1], NULL, NULL, &counts);
		} else if (!strcmp(f[0], "xfail") && n == 3) {
			run_case(f[1], NULL, f[2], &counts);
		} else if (!strcmp(f[0], "mutant") && n == 3) {
			run_case(f[1], f[2], NULL, &counts);
		} else {
			fprintf(stderr, "vmaharness: bad manifest line: %s\n", f[0]);
			return 2;
		}
	}
	while (nlines)
		free(lines[--nlines]);
	if (argc > 2 && !matched) {
		fprintf(stderr, "vmaharness: %s has no such case\n", argv[1]);
		return 2;
	}
	if (skipped)
		printf("%d fixture%s skipped (listed above, from tests/model/vmaharness/SKIP)\n",
		       skipped, skipped == 1 ? "" : "s");
	printf("%d passed, %d failed\n", counts.passed, counts.failed);
	return counts.failed ? 1 : 0;
}
