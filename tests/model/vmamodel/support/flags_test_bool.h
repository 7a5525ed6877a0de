/* SPDX-License-Identifier: GPL-2.0-only */
/* fixtures/flags_test_bool.c: compressed, and exclusive to one process */
struct cmpr_dev {
	bool compressed;
	bool exclusive;
};

VMM_DEVICE(struct cmpr_dev, .compressed = true, .exclusive = true)
#define VMM_SETUP		vmm_device_setup
