/* SPDX-License-Identifier: GPL-2.0-only */
/* mutants/vmalloc_ring.c: a four-page vmalloc_user ring */
VMM_DEVICE(struct ring, .buf = vmalloc_user(4 * PAGE_SIZE))
#define VMM_SETUP		vmm_device_setup
