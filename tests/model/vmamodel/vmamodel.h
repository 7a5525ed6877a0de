/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Between the model (model.c, mainline.c), the runner (runner.c) and the
 * fixture units: each fixture file is compiled into a shared object whose
 * only export is a struct vmm_unit naming the hooks it installs.  A unit
 * built for the mainline target (VMM_MAINLINE) has another file_operations
 * and vm_area_desc, so it reads its own hooks (vmm_hooks_of) for the runner.
 */
#ifndef VMAMODEL_H
#define VMAMODEL_H

#include "vma_internal.h"

#define VMM_MAX_PAGES		256	/* largest VMA a request makes */
#define VMM_MAX_VIOLATIONS	8
#define VMM_TEXT		160

/* One file_operations or proc_ops object (or array of them) of a unit */
struct vmm_hook {
	const char *name;
	const struct file_operations *fops;
	const struct proc_ops *pops;
	size_t count;			/* elements, for arrays */
};

/* A named object of a unit, so pointers compare across units by name */
struct vmm_named {
	const char *name;
	const void *ptr;
};

/*
 * The hooks of one object, whichever struct they come from; prepare takes
 * the desc of the unit's target, and a mainline unit has no complete or
 * abort.
 */
struct vmm_hooks {
	int (*mmap)(struct file *, struct vm_area_struct *);
	int (*prepare)(struct vm_area_desc *);
	int (*complete)(struct file *, struct vm_area_struct *, const void *);
	void (*abort)(const struct file *, const void *, const void *);
};

struct vmm_unit {
	const char *file;		/* the fixture file compiled */
	const struct vmm_hook *hooks;	/* ends with a NULL name */
	const struct vmm_named *objects;	/* ends with a NULL name */
	void (*setup)(struct file *file);	/* per-fixture support */
	unsigned long dev_size;		/* bytes the device offers */
	bool mainline;			/* built with VMM_MAINLINE */
	/* The hooks of element i of hook; false if it has none */
	bool (*hooks_of)(const struct vmm_hook *hook, size_t i,
			 struct vmm_hooks *h);
};

struct vmm_request {
	const char *name;
	bool shared;
	vm_flags_t prot;		/* VM_READ | VM_WRITE | VM_EXEC */
	int size;			/* VMM_SIZE_* */
	int offset;			/* VMM_OFF_* */
	int fail_populate;		/* n: the nth populate call fails */
	bool fail_between;		/* fail after prepare, before complete (or the VMA) */
};

/* What an injected failure returns */
#define VMM_INJECTED		(-ENOMEM)

enum { VMM_SIZE_PAGE, VMM_SIZE_EXACT, VMM_SIZE_TOO_BIG };
enum { VMM_OFF_ZERO, VMM_OFF_IN, VMM_OFF_END, VMM_OFF_FAR };

/* A run of present PTEs: consecutive pages, pfns, one protection */
struct vmm_range {
	unsigned long off;		/* from vm_start */
	unsigned long pfn;
	unsigned long pages;
	unsigned long prot;
	bool page;			/* struct page mapped (not raw pfn) */
};

/* Everything a path can be judged on */
struct vmm_obs {
	int rc;
	bool mapped;			/* the mmap succeeded */
	vm_flags_t vm_flags;
	unsigned long vm_pgoff;
	unsigned long vm_page_prot;
	char vm_ops[VMM_TEXT];
	char vm_private_data[VMM_TEXT];
	char vm_file[VMM_TEXT];
	struct vmm_range ranges[VMM_MAX_PAGES];
	int nranges;
	int locks_held;			/* after the path, unmap included */
	long allocations;		/* live kernel allocations, likewise */
	long dev_freed;			/* the device's memory freed, likewise */
	char violations[VMM_MAX_VIOLATIONS][VMM_TEXT];
	int nviolations;
	bool prepared, completed, aborted, closed;
};

void vmm_init(void);
void vmm_run_legacy(const struct vmm_unit *unit, const struct vmm_hooks *h,
		    const struct vmm_request *req, struct vmm_obs *obs);
void vmm_run_split(const struct vmm_unit *unit, const struct vmm_hooks *h,
		   const struct vmm_request *req, struct vmm_obs *obs);
void vmm_run_mainline(const struct vmm_unit *unit, const struct vmm_hooks *h,
		      const struct vmm_request *req, struct vmm_obs *obs);
void vmm_describe_flags(vm_flags_t flags, char *buf, size_t len);
void vmm_describe_ranges(const struct vmm_obs *obs, char *buf, size_t len);

/* For per-fixture support code: device memory that is not counted */
void *vmm_dev_alloc(size_t size);
/* n pages that the device owns, in pages[] */
void vmm_dev_pages(struct page **pages, int n);

/*
 * The usual support: file->private_data points at a device of TYPE, set
 * with the designated initializers that follow.  Then
 * #define VMM_SETUP vmm_device_setup.
 */
#define VMM_DEVICE(type, ...)						\
static void vmm_device_setup(struct file *file)				\
{									\
	type *dev = vmm_dev_alloc(sizeof(*dev));			\
									\
	*dev = (type){ __VA_ARGS__ };					\
	file->private_data = dev;					\
}

#ifdef VMM_UNIT
/* Compiled into each unit, with the unit's own file_operations and proc_ops */
static bool vmm_hooks_of(const struct vmm_hook *hook, size_t i,
			 struct vmm_hooks *h)
{
	memset(h, 0, sizeof(*h));
	if (hook->fops) {
		const struct file_operations *f = &hook->fops[i];

		h->mmap = f->mmap;
		h->prepare = f->mmap_prepare;
#ifndef VMM_MAINLINE
		h->complete = f->mmap_complete;
		h->abort = f->mmap_abort;
#endif
	} else {
		const struct proc_ops *p = &hook->pops[i];

		h->mmap = p->proc_mmap;
#ifndef VMM_MAINLINE
		h->prepare = p->proc_mmap_prepare;
		h->complete = p->proc_mmap_complete;
		h->abort = p->proc_mmap_abort;
#endif
	}
	return h->mmap || h->prepare || h->complete || h->abort;
}
#endif

#endif /* VMAMODEL_H */
