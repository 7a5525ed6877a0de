"""A small made-up audit, built without spatch or a kernel tree: the unit
tests and the browser test render and check it.

Eight handlers in six subsystems, one file spatch timed out on, and a census
with a member of every kind the accounting knows.
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), 'scripts'))

from mmapconv import audit, comments, verdicts, maintainers  # noqa: E402

MAINTAINERS = '''\
Descriptions of section entries and preferred order
	F: *Files* and directories wildcard patterns.

Maintainers List
----------------

CHAR and MISC DRIVERS
S:	Supported
F:	drivers/char/
F:	drivers/misc/
X:	drivers/misc/excluded.c

MEDIA INPUT INFRASTRUCTURE (V4L/DVB)
S:	Maintained
F:	drivers/media/

VIVID VIRTUAL VIDEO TEST DRIVER
S:	Maintained
F:	drivers/media/test-drivers/vivid/*

FOO FILESYSTEM
S:	Maintained
F:	fs/foo/

SOUND
S:	Maintained
F:	sound/

QCOM THINGS
S:	Maintained
N:	qcom

THE REST
S:	Buried alive in reporters
F:	*
F:	*/
'''

SOURCES = {
    'drivers/char/foo.c': '''
static const struct file_operations foo_fops = {
	.owner = THIS_MODULE,
	.mmap = foo_mmap,
};
static const struct file_operations foo_ro_fops = {
	.mmap = foo_mmap,	/* the same handler twice: one handler */
};
static const struct file_operations nommu_fops = {
	.mmap = NULL,
};
''',
    'drivers/char/bar.c': '''
static const struct proc_ops bar_proc_ops = {
	.proc_mmap	= bar_mmap,
};
''',
    'drivers/media/test-drivers/vivid/vivid-core.c': '''
static const struct v4l2_file_operations vivid_fops = {
	.mmap = vb2_fop_mmap,		/* not f_op->mmap */
};
static const struct file_operations vivid_radio_fops = {
	.mmap = vivid_radio_mmap,
};
''',
    'drivers/media/y.c': '''
static const struct file_operations y_fops = { .mmap = y_mmap };
''',
    'drivers/gpu/z.c': '''
static struct file_operations z_fops[] = {
	{
		.mmap = z_mmap,
	},
};
''',
    'fs/foo/file.c': '''
const struct file_operations foo_file_operations = {
	.mmap		= generic_file_mmap,
};
void foo_setup(struct file_operations *fops)
{
	fops->mmap = foo_mmap;		/* not a designated member */
	ops.mmap = foo_mmap;
}
''',
    'sound/a.c': '''
static const struct file_operations a_fops = {
	.mmap = a_mmap,
};
''',
    'drivers/misc/qcom_c.c': '''
static const struct file_operations c_fops = {
	.mmap = c_mmap,
};
''',
    'drivers/misc/broken.c': '''
static const struct file_operations broken_fops = {
	.mmap = broken_mmap,
};
''',
    'include/drm/drm_x.h': '''
#define DRM_X_FOPS \\
	.owner = THIS_MODULE, \\
	.mmap = drm_gem_mmap
''',
}


def handler(path, line, name, fops, status, primitives=(), reason='why'):
    return verdicts.Handler(file=path, line=line, handler=name, fops=list(fops),
                            status=status, reason=reason, primitives=list(primitives))


HANDLERS = [
    handler('drivers/char/foo.c', 10, 'foo_mmap', ['foo_fops', 'foo_ro_fops'],
            'converted:prepare', reason='foo_mmap becomes foo_mmap_prepare'),
    handler('drivers/char/bar.c', 20, 'bar_mmap', ['bar_proc_ops'],
            'needs-complete(remap_pfn_range)', ['remap_pfn_range']),
    handler('drivers/media/test-drivers/vivid/vivid-core.c', 30, 'vivid_radio_mmap',
            ['vivid_radio_fops'], 'blocked:delegates(vb2_mmap)'),
    handler('drivers/media/y.c', 40, 'y_mmap', ['y_fops'], 'blocked:delegates(vb2_mmap)'),
    handler('drivers/gpu/z.c', 50, 'z_mmap', ['z_fops'], 'blocked:dma',
            ['dma_mmap_coherent']),
    handler('fs/foo/file.c', 60, 'generic_file_mmap', ['foo_file_operations'],
            'converted:generic'),
    handler('sound/a.c', 70, 'a_mmap', ['a_fops'], 'blocked:needs-abort(kref_get)',
            ['vm_insert_page']),
    handler('drivers/misc/qcom_c.c', 80, 'c_mmap', ['c_fops'], 'converted:complete',
            ['io_remap_pfn_range', 'remap_pfn_range']),
]

ERRORS = {'drivers/misc/broken.c': 'spatch timed out'}
TOOL = {'toolkit': '0.0.0', 'spatch': '1.1.1', 'semantic_patches': {'x.cocci': '0123'}}


def members():
    out = []
    for path, text in sorted(SOURCES.items()):
        out += audit.scan_text(path, comments.blank_comments(text))
    return out


def sample(verify=None, handlers=HANDLERS):
    """The audit dict of the sample (a fresh one each call)."""
    subsystem = maintainers.Maintainers(MAINTAINERS).subsystem
    entries = [audit.entry(h) for h in handlers]
    return audit.assemble('6.12.0', [], TOOL, len(SOURCES), dict(ERRORS), entries,
                          members(), subsystem, verify)
