/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Between core.c (the kernel's mm code as the harness builds it), driver.c
 * (requests and comparisons) and the units (each legacy or converted
 * driver file, compiled on its own).  Everything sees the harness's own
 * headers first: shared.h, vma_internal.h and include/{stubs,dup,custom}.h
 * from the copy of tools/testing/vma that run.py prepares.
 */
#ifndef VMAHARNESS_H
#define VMAHARNESS_H

#include "shared.h"
#include "kernel_api.h"

/*
 * Each unit registers one struct vh_unit in this section, the way the
 * kernel collects initcalls; driver.c walks it.
 */
#define VH_UNIT(u) \
	static const struct vh_unit *const __vh_unit_##u \
	__attribute__((used, section("vh_units"))) = &(u)

/* A file_operations object (or array of them) of a unit */
struct vh_hook {
	const char *name;
	const struct file_operations *fops;
	size_t count;				/* elements, for arrays */
};

/* A named object of a unit, so that pointers compare across units by name */
struct vh_named {
	const char *name;
	const void *ptr;
};

struct vh_unit {
	const char *name;			/* the fixture or pair */
	const char *side;			/* "legacy" or "converted" */
	const char *file;			/* the file compiled */
	const struct vh_hook *hooks;		/* ends with a NULL name */
	const struct vh_named *objects;		/* ends with a NULL name */
	/* its vm_operations_struct objects, ending with NULL */
	const struct vm_operations_struct *const *vm_ops;
	void (*setup)(struct file *file);	/* the device behind the file */
	void (*state)(struct file *file, char *buf, size_t len);
	unsigned long dev_size;			/* bytes the device offers */
};

/*
 * What the core saw during one request; core.c records it in the leaf
 * functions that would touch page tables and around the driver hooks.
 */
#define VH_MAX_POPULATE		16
#define VH_INJECTED		(-ENOMEM)	/* what a failing populate returns */

struct vh_populate {
	unsigned long addr;			/* user address */
	unsigned long pfn;			/* first pfn, or page number */
	unsigned long pages;
	pgprot_t prot;
	bool page;				/* struct pages, not raw pfns */
};

struct vh_trace {
	int mmap_calls;				/* f_op->mmap, from mmap_file() */
	int mapped_calls;			/* vm_ops->mapped */
	int mapped_rc;
	unsigned long mapped_start, mapped_end;
	int close_calls;			/* vm_ops->close, from vma_close() */
	int populate_calls;
	int fail_populate;			/* n: the nth call fails */
	struct vh_populate populate[VH_MAX_POPULATE];
	int npopulate;
	int warnings;				/* WARN_ON_ONCE() in recorders */
};

extern struct vh_trace vh_trace;

/* Device memory and pages, for units' support code (as in tests/model/vmamodel) */
void *vmm_dev_alloc(size_t size);
void vmm_dev_pages(struct page **pages, int n);
bool vh_dev_owns(const void *p, unsigned long *offset);

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

#endif /* VMAHARNESS_H */
