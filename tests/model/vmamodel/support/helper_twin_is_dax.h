/* SPDX-License-Identifier: GPL-2.0-only */
/* fixtures/helper_twin_is_dax.c: a file whose inode is DAX */
static void pmd_setup(struct file *file)
{
	file_inode(file)->i_flags |= S_DAX;
}
#define VMM_SETUP		pmd_setup
