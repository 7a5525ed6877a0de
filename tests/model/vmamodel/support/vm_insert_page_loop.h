/* SPDX-License-Identifier: GPL-2.0-only */
/* fixtures/vm_insert_page_loop.c: a four-page vmalloc ring */
struct ring {
	unsigned long size;
	void *area;
};

VMM_DEVICE(struct ring, .size = 4 * PAGE_SIZE, .area = vmalloc(4 * PAGE_SIZE))
#define VMM_SETUP		vmm_device_setup
