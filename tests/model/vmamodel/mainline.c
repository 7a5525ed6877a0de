// SPDX-License-Identifier: GPL-2.0-only
/*
 * The mainline path of docs/api.md, as Linux 7.2 runs it:
 * the order of mm/vma.c __mmap_region() and call_mmap_prepare(), mm/util.c
 * for mmap_action_prepare(), mmap_action_complete() and the vm_ops->mapped
 * call, mm/memory.c and mm/internal.h for what each action does.  Built
 * with VMM_MAINLINE, so that struct vm_area_desc is 7.2's; the environment
 * (memory, page tables, locks, the legacy helpers) is model.c's.
 *
 * The model is an MMU kernel: nommu refuses every action.
 */
#include "model.h"

/* VMA flags are one word, the same bits as the VMA's vm_flags */
_Static_assert(sizeof(vma_flags_t) == sizeof(vm_flags_t), "vma_flags_t");
/* model.c's unmap calls ->close on either target's vm_operations_struct */
_Static_assert(offsetof(struct vm_operations_struct, close) == sizeof(void *),
	       "vm_operations_struct");

/* mm/memory.c remap_pfn_range_prepare() */
static int remap_pfn_range_prepare(struct vm_area_desc *desc)
{
	const struct mmap_action *action = &desc->action;
	const unsigned long start = action->remap.start;
	const unsigned long end = start + action->remap.size;
	const unsigned long pfn = action->remap.start_pfn;
	const bool is_cow = vma_desc_is_cow_mapping(desc);
	int err;

	if (!range_in_vma_desc(desc, start, end))
		return -EFAULT;

	err = get_remap_pgoff(is_cow, start, end, desc->start, desc->end, pfn,
			      &desc->pgoff);
	if (err)
		return err;

	vma_desc_set_flags_mask(desc, VMA_REMAP_FLAGS);
	return 0;
}

/* mm/internal.h io_remap_pfn_range_prepare(); x86's pfn is the pfn */
static int io_remap_pfn_range_prepare(struct vm_area_desc *desc)
{
	struct mmap_action *action = &desc->action;
	const pgprot_t orig_pgprot = action->remap.pgprot;
	int err;

	action->remap.pgprot = pgprot_decrypted(orig_pgprot);
	err = remap_pfn_range_prepare(desc);
	if (err)
		return err;

	/* Remap does the actual work. */
	action->type = MMAP_REMAP_PFN;
	return 0;
}

/*
 * mm/memory.c remap_pfn_range_complete(): do_remap_pfn_range() with the
 * protection recorded when prepare asked for the action.
 */
static int remap_pfn_range_complete(struct vm_area_struct *vma,
				    struct mmap_action *action)
{
	const unsigned long start = action->remap.start;
	const unsigned long pfn = action->remap.start_pfn;
	const unsigned long size = action->remap.size;
	const pgprot_t prot = action->remap.pgprot;

	return vmm_remap_pfn_range_notrack(vma, start, pfn, size, prot);
}

/* mm/memory.c simple_ioremap_prepare(): vm_iomap_memory()'s checks */
static int simple_ioremap_prepare(struct vm_area_desc *desc)
{
	struct mmap_action *action = &desc->action;
	const phys_addr_t start = action->simple_ioremap.start_phys_addr;
	const unsigned long size = action->simple_ioremap.size;
	unsigned long pfn;
	int err;

	err = __simple_ioremap_prep(vma_desc_size(desc), desc->pgoff,
				    start, size, &pfn);
	if (err)
		return err;

	/* The I/O remap logic does the heavy lifting. */
	mmap_action_ioremap_full(desc, pfn);
	return io_remap_pfn_range_prepare(desc);
}

/* mm/memory.c map_kernel_pages_prepare() */
static int map_kernel_pages_prepare(struct vm_area_desc *desc)
{
	const struct mmap_action *action = &desc->action;
	const unsigned long addr = action->map_kernel.start;
	unsigned long nr_pages, end;

	/* Its VM_WARN_ON_ONCE(mmap_read_trylock()) cannot fire: mmap holds it */
	if (!vma_desc_test(desc, VMA_MIXEDMAP_BIT)) {
		if (vma_desc_test(desc, VMA_PFNMAP_BIT))
			vmm_violation("mmap_action_map_kernel_pages on a VM_PFNMAP mapping (VM_WARN)");
		vma_desc_set_flags(desc, VMA_MIXEDMAP_BIT);
	}

	nr_pages = action->map_kernel.nr_pages;
	end = addr + PAGE_SIZE * nr_pages;
	if (!range_in_vma_desc(desc, addr, end))
		return -EFAULT;

	return 0;
}

/*
 * mm/memory.c map_kernel_pages_complete(): insert_pages() from the array
 * as given, with the VMA's protection; map_kernel.pgoff is recorded but
 * not used.
 */
static int map_kernel_pages_complete(struct vm_area_struct *vma,
				     struct mmap_action *action)
{
	unsigned long nr_pages;

	nr_pages = action->map_kernel.nr_pages;
	return vmm_insert_pages(vma, action->map_kernel.start,
				action->map_kernel.pages, &nr_pages,
				"mmap_action_map_kernel_pages");
}

/* mm/util.c call_vma_mapped() */
static int call_vma_mapped(struct vm_area_struct *vma)
{
	const struct vm_operations_struct *vm_ops = vma->vm_ops;
	void *vm_private_data = vma->vm_private_data;
	int err;

	if (!vm_ops || !vm_ops->mapped)
		return 0;

	vmm_enter(MAPPED);
	err = vm_ops->mapped(vma->vm_start, vma->vm_end, vma->vm_pgoff,
			     vma->vm_file, &vm_private_data);
	vmm_enter(OUTSIDE);
	if (err)
		return err;

	if (vm_private_data != vma->vm_private_data)
		vma->vm_private_data = vm_private_data;
	return 0;
}

/*
 * mm/util.c mmap_action_finish(), not from the compatibility layer: the
 * mapped hook after a successful action, and on any error do_munmap() of
 * the new VMA (->close included) and error_override in place of the error.
 * hide_from_rmap_until_complete is left out: no driver sets it.
 */
static int mmap_action_finish(struct vm_area_struct *vma,
			      struct mmap_action *action, int err,
			      struct vmm_obs *obs)
{
	if (!err)
		err = call_vma_mapped(vma);

	if (!err)
		return err;

	vmm_unmap(vma, obs);

	return action->error_override ?: err;
}

/* mm/util.c check_mmap_action() */
static int check_mmap_action(struct mmap_action *action)
{
	const unsigned long override = action->error_override;

	if (WARN_ON_ONCE(override && !IS_ERR_VALUE(override)))
		return -EINVAL;

	return 0;
}

/*
 * mm/util.c mmap_action_prepare(): its errors are mmap()'s as they are,
 * since error_override applies to performing the action only.
 */
static int mmap_action_prepare(struct vm_area_desc *desc)
{
	struct mmap_action *action = &desc->action;
	int err;

	err = check_mmap_action(action);
	if (err)
		return err;

	switch (action->type) {
	case MMAP_NOTHING:
		return 0;
	case MMAP_REMAP_PFN:
		return remap_pfn_range_prepare(desc);
	case MMAP_IO_REMAP_PFN:
		return io_remap_pfn_range_prepare(desc);
	case MMAP_SIMPLE_IO_REMAP:
		return simple_ioremap_prepare(desc);
	case MMAP_MAP_KERNEL_PAGES:
		return map_kernel_pages_prepare(desc);
	}

	WARN_ON_ONCE(1);
	return -EINVAL;
}

/* mm/util.c mmap_action_complete(), is_compat false */
static int mmap_action_complete(struct vm_area_struct *vma,
				struct mmap_action *action,
				struct vmm_obs *obs)
{
	int err = 0;

	vmm_enter(ACTION);
	switch (action->type) {
	case MMAP_NOTHING:
		break;
	case MMAP_REMAP_PFN:
		err = remap_pfn_range_complete(vma, action);
		break;
	case MMAP_MAP_KERNEL_PAGES:
		err = map_kernel_pages_complete(vma, action);
		break;
	case MMAP_IO_REMAP_PFN:
	case MMAP_SIMPLE_IO_REMAP:
		/* Should have been delegated. */
		WARN_ON_ONCE(1);
		err = -EINVAL;
		break;
	}
	vmm_enter(OUTSIDE);

	return mmap_action_finish(vma, action, err, obs);
}

/*
 * mm/vma.c __mmap_region() for a file with mmap_prepare, and a new VMA
 * (the model never merges, so the action and mapped always run):
 * call_mmap_prepare() runs the hook and mmap_action_prepare(); the VMA is
 * built from the desc; __mmap_complete(); mmap_action_complete().  Neither
 * path here nor the legacy one models __mmap_complete()'s
 * vma_set_page_prot() or VM_SOFTDIRTY, or the VM_ACCOUNT that
 * __mmap_setup() gives a private writable mapping: they are the same for
 * both.
 */
void vmm_run_mainline(const struct vmm_unit *unit, const struct vmm_hooks *h,
		      const struct vmm_request *req, struct vmm_obs *obs)
{
	struct file *file = vmm_file();
	unsigned long len = vmm_request_len(unit, req);
	vm_flags_t flags = vmm_request_flags(req);
	/*
	 * 7.2 starts vm_ops at &vma_dummy_vm_ops; NULL here, as the legacy
	 * VMA of the model starts, so that "not set" compares equal.
	 */
	struct vm_area_desc desc = {
		.mm = vmm_mm(),
		.file = file,
		.start = VMA_START,
		.end = VMA_START + len,
		.pgoff = vmm_request_pgoff(unit, req),
		.vm_file = file,
		.vma_flags = legacy_to_vma_flags(flags),
		.page_prot = vm_get_page_prot(flags),
		.action = {
			.type = MMAP_NOTHING, /* Default to no further action. */
		},
	};
	struct vm_area_struct vma;
	bool file_doesnt_need_get;

	vmm_reset(unit, req, obs);
	memset(&vma, 0, sizeof(vma));
	vma.vm_start = VMA_START;
	vma.vm_end = VMA_START + len;
	vma.vm_pgoff = desc.pgoff;
	if (!vmm_request_valid(&vma, obs))
		goto out;
	/* can_mmap_file(): the two hooks are mutually exclusive */
	if (h->mmap && h->prepare) {
		vmm_violation("both .mmap and .mmap_prepare are set");
		obs->rc = -ENODEV;
		goto out;
	}
	if (!h->prepare) {
		obs->rc = h->mmap ? -EINVAL : -ENODEV;
		if (h->mmap)
			vmm_violation("the converted file still has .mmap only");
		goto out;
	}

	/* call_mmap_prepare(): the hook; nothing else runs if it fails */
	vmm_enter(PREPARE);
	obs->rc = h->prepare(&desc);
	obs->prepared = true;
	vmm_enter(OUTSIDE);
	if (obs->rc)
		goto out;
	if (desc.mm != vmm_mm() || desc.file != file ||
	    desc.start != VMA_START || desc.end != VMA_START + len)
		vmm_violation("mmap_prepare changed the immutable mm, file, start or end");

	/* ... then the action's checks and flags, its errors as they are */
	vmm_enter(ACTION_PREPARE);
	obs->rc = mmap_action_prepare(&desc);
	vmm_enter(OUTSIDE);
	if (obs->rc)
		goto out;
	/* A vm_file that prepare changed comes with the reference it took */
	file_doesnt_need_get = desc.vm_file != file;
	if (!desc.vm_file) {
		vmm_violation("mmap_prepare cleared vm_file");
		obs->rc = -EINVAL;
		goto out;
	}

	/*
	 * __mmap_new_vma() fails (-ENOMEM): only the file prepare set is
	 * released.  No driver code runs: prepare must have taken nothing.
	 */
	if (req->fail_between) {
		obs->rc = VMM_INJECTED;
		if (file_doesnt_need_get)
			fput(desc.vm_file);
		goto out;
	}

	/* __mmap_new_vma() and set_vma_user_defined_fields() */
	vma.vm_mm = vmm_mm();
	vma.vm_pgoff = desc.pgoff;
	vma.flags = desc.vma_flags;
	vma.vm_page_prot = desc.page_prot;
	vma.vm_file = file_doesnt_need_get ? desc.vm_file : get_file(desc.vm_file);
	vma.vm_ops = desc.vm_ops;
	vma.vm_private_data = desc.private_data;

	/* An error here has unmapped the VMA */
	obs->rc = mmap_action_complete(&vma, &desc.action, obs);
	obs->completed = true;
	if (obs->rc)
		goto out;
	vmm_mapped(&vma, obs);
out:
	vmm_balance(obs);
}
