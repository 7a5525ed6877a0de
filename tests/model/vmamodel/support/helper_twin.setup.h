/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fixtures/helper_twin.c: a live device of four pages, mapped in whole
 * pages; private mappings and mappings past its end get -EINVAL.
 */
VMM_DEVICE(struct dxd_dev, .align = PAGE_SIZE, .npages = 4, .alive = true)
#define VMM_SETUP		vmm_device_setup
#define VMM_DEV_SIZE		(4 * PAGE_SIZE)
