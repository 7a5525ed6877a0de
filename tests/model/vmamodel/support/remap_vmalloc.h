/* SPDX-License-Identifier: GPL-2.0-only */
/* fixtures/remap_vmalloc.c: a four-page vmalloc_user buffer */
struct vbuf {
	unsigned long pages;
	void *mem;
};

VMM_DEVICE(struct vbuf, .pages = 4, .mem = vmalloc_user(4 * PAGE_SIZE))
#define VMM_SETUP		vmm_device_setup
