"""A small kernel-shaped git tree for the series tests.

Eight files with f_op->mmap handlers under five MAINTAINERS sections (one in none), the
tree's own scripts/get_maintainer.pl and scripts/checkpatch.pl copied from
the reference tree, and some history with subject prefixes.  Beside it,
the conversions a kernel developer would write by hand (CONVERTED), from
which the tests make the diff they give to --patch.
"""

import os
import shutil
import subprocess

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
REFTREE = os.path.join(TOP, '.cache', 'linux-6.12')
# What checkpatch.pl and get_maintainer.pl read besides themselves.
SCRIPTS = ['get_maintainer.pl', 'checkpatch.pl', 'spelling.txt', 'const_structs.checkpatch']
# Both scripts check that they run at the top of a kernel tree.
TOP_FILES = ['COPYING', 'CREDITS', 'Kbuild', 'Makefile', 'README']
TOP_DIRS = ['Documentation', 'arch', 'include', 'init', 'ipc', 'kernel', 'lib']

MAINTAINERS = """\
List of maintainers
===================

CHAR and MISC DRIVERS
M:	Arnd Bergmann <arnd@example.org>
M:	Greg Kroah-Hartman <gregkh@example.org>
S:	Supported
T:	git git://git.example.org/char-misc.git
F:	drivers/char/
F:	drivers/misc/

BARFS FILE SYSTEM
M:	Jan Filer <jan@example.org>
R:	Rita Reviewer <rita@example.org>
L:	linux-barfs@example.org
S:	Maintained
F:	fs/barfs/

FOOFS FILE SYSTEM
M:	Jan Filer <jan@example.org>
L:	linux-foofs@example.org
S:	Maintained
T:	git git://git.example.org/foofs.git
F:	fs/foofs/

FILESYSTEMS (VFS and infrastructure)
M:	Vic Virtual <vic@example.org>
L:	linux-fsdevel@example.org
S:	Maintained
F:	fs/*

GADGET DRIVER
M:	Gina Gadget <gina@example.org>
L:	gadget@example.org
S:	Maintained
F:	drivers/gadget/

THE REST
M:	Linus Torvalds <torvalds@linux-foundation.org>
L:	linux-kernel@vger.kernel.org
S:	Buried alive in reporters
T:	git git://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git
F:	*
F:	*/
"""

FS_H = """\
/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_FS_H
#define _LINUX_FS_H
struct file_operations;
#endif
"""

ALPHA = """\
// SPDX-License-Identifier: GPL-2.0
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/module.h>

#define ALPHA_SIZE	(4 * PAGE_SIZE)

static const struct vm_operations_struct alpha_vm_ops = {
	.fault = alpha_fault,
};

static int alpha_mmap(struct file *file, struct vm_area_struct *vma)
{
	if (vma->vm_end - vma->vm_start > ALPHA_SIZE)
		return -EINVAL;

	vm_flags_set(vma, VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_ops = &alpha_vm_ops;
	return 0;
}

static const struct file_operations alpha_fops = {
	.owner = THIS_MODULE,
	.mmap = alpha_mmap,
};
"""

ALPHA_CONVERTED = """\
// SPDX-License-Identifier: GPL-2.0
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/module.h>

#define ALPHA_SIZE	(4 * PAGE_SIZE)

static const struct vm_operations_struct alpha_vm_ops = {
	.fault = alpha_fault,
};

static int alpha_mmap_prepare(struct vm_area_desc *desc)
{
	if (vma_desc_size(desc) > ALPHA_SIZE)
		return -EINVAL;

	desc->vm_flags |= VM_DONTEXPAND | VM_DONTDUMP;
	desc->vm_ops = &alpha_vm_ops;
	return 0;
}

static const struct file_operations alpha_fops = {
	.owner = THIS_MODULE,
	.mmap_prepare = alpha_mmap_prepare,
};
"""

BETA = """\
// SPDX-License-Identifier: GPL-2.0
#include <linux/fs.h>
#include <linux/mm.h>

static int beta_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct beta_dev *dev = file->private_data;

	vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);
	vma->vm_private_data = dev;
	return 0;
}

static const struct file_operations beta_fops = {
	.mmap = beta_mmap,
};
"""

BETA_CONVERTED = """\
// SPDX-License-Identifier: GPL-2.0
#include <linux/fs.h>
#include <linux/mm.h>

static int beta_mmap_prepare(struct vm_area_desc *desc)
{
	struct file *file = desc->file;
	struct beta_dev *dev = file->private_data;

	desc->page_prot = pgprot_noncached(desc->page_prot);
	desc->private_data = dev;
	return 0;
}

static const struct file_operations beta_fops = {
	.mmap_prepare = beta_mmap_prepare,
};
"""

DELTA = """\
// SPDX-License-Identifier: GPL-2.0
#include <linux/fs.h>
#include <linux/mm.h>

static int delta_mmap(struct file *file, struct vm_area_struct *vma)
{
	if (!(vma->vm_flags & VM_SHARED))
		return -EPERM;
	vm_flags_clear(vma, VM_MAYWRITE);
	return 0;
}

static const struct file_operations delta_fops = {
	.mmap = delta_mmap,
};
"""

DELTA_CONVERTED = """\
// SPDX-License-Identifier: GPL-2.0
#include <linux/fs.h>
#include <linux/mm.h>

static int delta_mmap_prepare(struct vm_area_desc *desc)
{
	if (!(desc->vm_flags & VM_SHARED))
		return -EPERM;
	desc->vm_flags &= ~VM_MAYWRITE;
	return 0;
}

static const struct file_operations delta_fops = {
	.mmap_prepare = delta_mmap_prepare,
};
"""

FOOFS = """\
// SPDX-License-Identifier: GPL-2.0
#include <linux/fs.h>

const struct file_operations foofs_file_operations = {
	.llseek		= generic_file_llseek,
	.read_iter	= generic_file_read_iter,
	.mmap		= generic_file_mmap,
	.fsync		= generic_file_fsync,
};
"""

# a second file of foofs: one patch with file.c
FOOFS_DIR = FOOFS.replace('foofs_file_operations', 'foofs_dir_operations')
FOOFS_DIR_CONVERTED = FOOFS_DIR.replace('.mmap		= generic_file_mmap',
                                        '.mmap_prepare	= generic_file_mmap_prepare')

# fs/quxfs/ has no section: it goes to the maintainers of fs/
QUXFS = FOOFS.replace('foofs', 'quxfs')
QUXFS_CONVERTED = QUXFS.replace('.mmap		= generic_file_mmap',
                                '.mmap_prepare	= generic_file_mmap_prepare')

FOOFS_CONVERTED = FOOFS.replace('.mmap		= generic_file_mmap',
                                '.mmap_prepare	= generic_file_mmap_prepare')

BARFS = """\
// SPDX-License-Identifier: GPL-2.0
#include <linux/fs.h>
#include <linux/mm.h>

static int barfs_file_mmap(struct file *file, struct vm_area_struct *vma)
{
	if (vma->vm_pgoff)
		return -EINVAL;
	vma->vm_ops = &barfs_file_vm_ops;
	return 0;
}

const struct file_operations barfs_file_operations = {
	.mmap = barfs_file_mmap,
};
"""

BARFS_CONVERTED = """\
// SPDX-License-Identifier: GPL-2.0
#include <linux/fs.h>
#include <linux/mm.h>

static int barfs_file_mmap_prepare(struct vm_area_desc *desc)
{
	if (desc->pgoff)
		return -EINVAL;
	desc->vm_ops = &barfs_file_vm_ops;
	return 0;
}

const struct file_operations barfs_file_operations = {
	.mmap_prepare = barfs_file_mmap_prepare,
};
"""

# Populates page tables: the semantic patch for prepare alone leaves it,
# the hand conversion splits it into prepare and complete.
GADGET = """\
// SPDX-License-Identifier: GPL-2.0
#include <linux/fs.h>
#include <linux/mm.h>

static int gadget_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct gadget *g = file->private_data;
	unsigned long size = vma->vm_end - vma->vm_start;

	if (size > g->size)
		return -EINVAL;
	vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);
	if (remap_pfn_range(vma, vma->vm_start, g->pfn, size, vma->vm_page_prot))
		return -EAGAIN;
	return 0;
}

static const struct file_operations gadget_fops = {
	.mmap = gadget_mmap,
};
"""

GADGET_CONVERTED = """\
// SPDX-License-Identifier: GPL-2.0
#include <linux/fs.h>
#include <linux/mm.h>

static int gadget_mmap_prepare(struct vm_area_desc *desc)
{
	struct gadget *g = desc->file->private_data;

	if (vma_desc_size(desc) > g->size)
		return -EINVAL;
	desc->page_prot = pgprot_noncached(desc->page_prot);
	remap_pfn_range_prepare(desc, g->pfn);
	return 0;
}

static int gadget_mmap_complete(struct file *file, struct vm_area_struct *vma,
				const void *context)
{
	struct gadget *g = file->private_data;

	if (remap_pfn_range_complete(vma, vma->vm_start, g->pfn,
				     vma->vm_end - vma->vm_start,
				     vma->vm_page_prot))
		return -EAGAIN;
	return 0;
}

static const struct file_operations gadget_fops = {
	.mmap_prepare = gadget_mmap_prepare,
	.mmap_complete = gadget_mmap_complete,
};
"""

FILES = {
    'drivers/char/alpha.c': (ALPHA, ALPHA_CONVERTED),
    'drivers/misc/beta.c': (BETA, BETA_CONVERTED),
    'drivers/misc/delta.c': (DELTA, DELTA_CONVERTED),
    'fs/foofs/file.c': (FOOFS, FOOFS_CONVERTED),
    'fs/foofs/dir.c': (FOOFS_DIR, FOOFS_DIR_CONVERTED),
    'fs/barfs/file.c': (BARFS, BARFS_CONVERTED),
    'fs/quxfs/file.c': (QUXFS, QUXFS_CONVERTED),
    'drivers/gadget/gadget.c': (GADGET, GADGET_CONVERTED),
}

# Oldest first.  beta.c's usual prefix is 'misc: betadrv:', which its path
# would not give; the treewide commit must not count.
HISTORY = [
    ('drivers/misc/beta.c', '\n/* fixed */\n', 'misc: betadrv: fix the size check'),
    ('drivers/misc/beta.c', '/* again */\n', 'misc: betadrv: use pgprot_noncached'),
    ('drivers/misc/beta.c', '/* tree */\n', 'treewide: replace a header'),
]

NAME, EMAIL = 'Test Developer', 'dev@example.org'
BASE_DATE = '@1700000000 +0000'


def git(tree, *args, **kwargs):
    # CI has no global git identity: git am in a clone needs one
    env = dict(os.environ, GIT_AUTHOR_DATE=BASE_DATE, GIT_COMMITTER_DATE=BASE_DATE,
               GIT_CONFIG_NOSYSTEM='1', GIT_AUTHOR_NAME=NAME, GIT_AUTHOR_EMAIL=EMAIL,
               GIT_COMMITTER_NAME=NAME, GIT_COMMITTER_EMAIL=EMAIL)
    env.update(kwargs.pop('env', {}))
    return subprocess.run(['git'] + list(args), cwd=tree, env=env, check=True,
                          text=True, capture_output=True, **kwargs).stdout


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as out:
        out.write(text)


def build(tree, reftree=REFTREE):
    """Create the tree in folder tree (a git repository with history)."""
    for name in TOP_FILES:
        write(os.path.join(tree, name), '%s of a test tree\n' % name)
    for name in TOP_DIRS:
        write(os.path.join(tree, name, '.keep'), '')
    write(os.path.join(tree, 'MAINTAINERS'), MAINTAINERS)
    write(os.path.join(tree, 'include', 'linux', 'fs.h'), FS_H)
    os.makedirs(os.path.join(tree, 'scripts'), exist_ok=True)
    for name in SCRIPTS:
        shutil.copy2(os.path.join(reftree, 'scripts', name), os.path.join(tree, 'scripts', name))
    for path, (before, _) in FILES.items():
        write(os.path.join(tree, path), before)
    git(tree, 'init', '-q', '-b', 'master')
    git(tree, 'config', 'user.name', NAME)
    git(tree, 'config', 'user.email', EMAIL)
    git(tree, 'add', '-A')
    git(tree, 'commit', '-q', '-m', 'Linux 6.12-test')
    for n, (path, text, subject) in enumerate(HISTORY):
        with open(os.path.join(tree, path), 'a') as out:
            out.write(text)
        date = '@%d +0000' % (1700000000 + 60 * (n + 1))
        git(tree, 'commit', '-q', '-a', '-m', subject,
            env={'GIT_AUTHOR_DATE': date, 'GIT_COMMITTER_DATE': date})
    return git(tree, 'rev-parse', 'HEAD').strip()


def conversion_diff(tree, paths=None):
    """The hand conversions as one diff, made with the tree's own git; the
    work tree is left as it was."""
    for path, (_, after) in FILES.items():
        if paths is None or path in paths:
            with open(os.path.join(tree, path)) as src:
                current = src.read()
            before = FILES[path][0]
            # keep the history's appended lines
            write(os.path.join(tree, path), after + current[len(before):])
    diff = git(tree, 'diff')
    git(tree, 'checkout', '-q', '--', '.')
    return diff
