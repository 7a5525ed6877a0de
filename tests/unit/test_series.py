"""Pure logic of the series subcommand: prefixes, grouping, messages."""

import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), 'scripts'))

from mmapconv import UserError, verdicts, message  # noqa: E402
from mmapconv import series as ser  # noqa: E402


def handler(name, status='converted:prepare', path='drivers/misc/foo.c'):
    return verdicts.Handler(file=path, line=1, handler=name, fops=['foo_fops'],
                            status=status, reason='why')


class Prefixes(unittest.TestCase):
    def test_prefix_of_subject(self):
        self.assertEqual(message.prefix_of('misc: foo: fix the size check'), 'misc: foo:')
        self.assertEqual(message.prefix_of('KVM: PPC: Book3S HV: fix a leak'),
                         'KVM: PPC: Book3S HV:')
        self.assertEqual(message.prefix_of('drm/i915: use the helper'), 'drm/i915:')
        self.assertIsNone(message.prefix_of('Revert "misc: foo: fix"'))
        self.assertIsNone(message.prefix_of('treewide: rename a thing'))
        self.assertIsNone(message.prefix_of('Fix the build when the thing is off: now'))
        self.assertIsNone(message.prefix_of('base'))

    def test_most_common_recent_prefix(self):
        subjects = ['treewide: x', 'char: foo: a', 'misc: foo: b', 'misc: foo: c', 'char: foo: d']
        # a tie goes to the newest (first listed by git log)
        self.assertEqual(message.prefix_from_history(subjects), 'char: foo:')
        self.assertEqual(message.prefix_from_history(subjects + ['misc: foo: e']), 'misc: foo:')
        self.assertIsNone(message.prefix_from_history(['base', 'Merge tag x']))

    def test_prefix_from_path(self):
        cases = {
            'drivers/misc/foo.c': 'misc: foo:',
            'drivers/char/mem.c': 'char: mem:',
            'drivers/hsi/clients/cmt_speech.c': 'hsi: cmt_speech:',
            'drivers/xen/privcmd.c': 'xen: privcmd:',
            'fs/ext2/file.c': 'ext2:',
            'fs/read_write.c': 'fs:',
            'mm/shmem.c': 'mm/shmem:',
            'kernel/relay.c': 'relay:',
            'security/selinux/selinuxfs.c': 'selinux:',
            'block/fops.c': 'block:',
            'arch/x86/kernel/cpu/sgx/virt.c': 'x86/sgx:',
            'arch/powerpc/kvm/book3s_64_vio.c': 'KVM: PPC:',
            'virt/kvm/kvm_main.c': 'KVM:',
            'sound/core/init.c': 'ALSA: core:',
            'lib/test_hmm.c': 'lib/test_hmm:',
        }
        for path, prefix in cases.items():
            self.assertEqual(message.prefix_from_path(path, ['SOME SECTION', 'THE REST']),
                             prefix, path)
        self.assertEqual(message.prefix_from_path('fs/9p/vfs_file.c', [], lambda d: d == 'net/9p'),
                         'fs/9p:')
        self.assertEqual(message.prefix_from_path('fs/aio.c', ['AIO', 'FILESYSTEMS']), 'aio:')
        self.assertEqual(message.prefix_from_path('drivers/acpi/pfr_telemetry.c', ['ACPI']),
                         'ACPI: pfr_telemetry:')


PREPARE_DIFF = """\
diff -u -p a/drivers/misc/foo.c b/drivers/misc/foo.c
--- a/drivers/misc/foo.c
+++ b/drivers/misc/foo.c
@@ -1,3 +1,3 @@
-	.mmap = foo_mmap,
+	.mmap_prepare = foo_mmap_prepare,
-	.mmap		= generic_file_mmap,
+	.mmap_prepare = generic_file_mmap_prepare,
"""

SPLIT_SOURCE = """\
static int bar_mmap_prepare(struct vm_area_desc *desc)
{
	struct bar_ctx *ctx;

	if (vma_desc_size(desc) > BAR_SIZE)
		return -EINVAL;
	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	remap_pfn_range_prepare(desc, bar_pfn);
	desc->mmap_context = ctx;
	return 0;
}

static int bar_mmap_complete(struct file *file, struct vm_area_struct *vma,
			     const void *context)
{
	struct bar_ctx *ctx = (struct bar_ctx *)context;
	int ret = remap_pfn_range_complete(vma, vma->vm_start, ctx->pfn,
					   vma->vm_end - vma->vm_start, vma->vm_page_prot);

	kfree(ctx);
	return ret;
}

static void bar_mmap_abort(const struct file *file, const void *vm_private_data,
			   const void *context)
{
	kfree(context);
}
"""

SPLIT_DIFF = """\
+	.mmap_prepare = bar_mmap_prepare,
+	.mmap_complete = bar_mmap_complete,
+	.mmap_abort = bar_mmap_abort,
-	.mmap = bar_mmap,
"""


class Messages(unittest.TestCase):
    def test_subject_follows_the_hooks(self):
        self.assertEqual(message.subject_summary(PREPARE_DIFF), 'convert mmap to mmap_prepare')
        self.assertEqual(message.subject_summary(SPLIT_DIFF.replace(
            '+\t.mmap_abort = bar_mmap_abort,\n', '')),
            'convert mmap to mmap_prepare and mmap_complete')
        self.assertEqual(message.subject_summary(SPLIT_DIFF),
                         'convert mmap to mmap_prepare, mmap_complete and mmap_abort')

    def test_statuses_from_the_diff(self):
        got = message.handlers_from_diff('drivers/misc/foo.c', PREPARE_DIFF, ser.from_diff_handler)
        self.assertEqual([(h.handler, h.status) for h in got],
                         [('foo_mmap', 'converted:prepare'),
                          ('generic_file_mmap', 'converted:generic')])
        got = message.handlers_from_diff('x.c', SPLIT_DIFF, ser.from_diff_handler)
        self.assertEqual([(h.handler, h.status) for h in got], [('bar_mmap', 'converted:abort')])

    def test_split_message_says_what_moved_where(self):
        text = message.commit_message(
            'misc: bar: convert mmap to mmap_prepare, mmap_complete and mmap_abort',
            'drivers/misc/bar.c', [handler('bar_mmap', 'converted:abort')], SPLIT_DIFF,
            SPLIT_SOURCE, ['cocci/mmap_to_prepare.cocci', 'cocci/split_prefault.cocci'],
            'A U Thor <a@example.org>', [handler('baz_mmap', 'blocked:dma')])
        flat = ' '.join(text.split())
        for words in [
                'bar_mmap() populates page tables with remap_pfn_range(), which needs the VMA',
                'bar_mmap_prepare() keeps its checks (-EINVAL, -ENOMEM) and calls '
                'remap_pfn_range_prepare(), which sets the flags the remap needs on the desc',
                'bar_mmap_complete() then calls remap_pfn_range_complete() on the finished VMA',
                'desc->mmap_context carries to complete what it needs and cannot recompute '
                'from the file and the VMA: ctx.',
                'bar_mmap_abort() gives back what prepare took (kfree())',
                'mmap_abort is not called when prepare itself fails',
                'baz_mmap() in the same file is left as it is (blocked:dma): why.',
                'semantic patches cocci/mmap_to_prepare.cocci and cocci/split_prefault.cocci']:
            self.assertIn(words, flat)
        self.assertNotIn('No functional change', flat)
        self.assertTrue(text.endswith('\n\nSigned-off-by: A U Thor <a@example.org>\n'))
        self.assertTrue(all(len(line) <= 72 for line in text.splitlines()[:-1]))

    def test_a_body_written_as_one_definition_per_branch_is_said(self):
        h = handler('bar_mmap', 'converted:abort')
        h.reason = ('its body, one #ifdef CONFIG_MMU (line 10) with an #else, becomes one '
                    'definition per branch: bar_mmap becomes bar_mmap_prepare')
        text = message.commit_message('misc: bar: convert', 'drivers/misc/bar.c', [h],
                                      SPLIT_DIFF, SPLIT_SOURCE, ['cocci/split_prefault.cocci'],
                                      'A <a@b>')
        self.assertIn('The whole body of bar_mmap() is one #ifdef CONFIG_MMU with an #else, '
                      'two handlers in one definition: it is written as one definition per '
                      'branch', ' '.join(text.split()))

    def test_alike_handlers_share_a_paragraph(self):
        source = ''.join('static int %s_mmap_prepare(struct vm_area_desc *desc)\n{\n'
                         '\tdesc->vm_flags |= VM_IO;\n\treturn 0;\n}\n' % n for n in 'abc')
        diff = ''.join('+\t.mmap_prepare = %s_mmap_prepare,\n' % n for n in 'abc')
        text = message.commit_message('x: convert', 'x.c', [handler(n + '_mmap') for n in 'abc'],
                                      diff, source, ['cocci/mmap_to_prepare.cocci'], 'A <a@b>')
        self.assertEqual(text.count('only check'), 1)
        self.assertIn('a_mmap(), b_mmap() and c_mmap() only check the request',
                      ' '.join(text.split()))


def patch(path, to, sections=('SECTION',), prefix=None):
    return ser.Patch(path=path, diff='', handlers=[], to=list(to), sections=list(sections),
                     prefix=prefix or path + ':')


class Grouping(unittest.TestCase):
    def test_same_maintainers_one_series_cut_in_parts(self):
        patches = [patch('drivers/misc/%s.c' % n, ['A <a@x>', 'B <b@x>'], ['CHAR and MISC'])
                   for n in 'abcde']
        patches.append(patch('fs/foo/file.c', ['C <c@x>'], ['FOO FS']))
        got = ser.group(patches, 'subsystem', max_patches=2)
        self.assertEqual([(s.name, len(s.patches), s.part, s.parts) for s in got],
                         [('char-and-misc-part1', 2, 1, 3), ('char-and-misc-part2', 2, 2, 3),
                          ('char-and-misc-part3', 1, 3, 3), ('foo-fs', 1, 0, 0)])
        self.assertEqual(len(ser.group(patches, 'driver')), 6)
        with self.assertRaises(UserError):
            ser.group(patches, 'subsystem', max_patches=0)

    def test_one_patch_per_prefix(self):
        a = patch('fs/ramfs/file-mmu.c', ['V'], ['FS'], 'ramfs:')
        b = patch('fs/ramfs/file-nommu.c', ['V'], ['FS'], 'ramfs:')
        c = patch('fs/minix/file.c', ['V'], ['FS'], 'minix:')
        a.diff = '+\t.mmap_prepare = a,\n'
        b.diff = '+\t.mmap_prepare = b,\n+\t.mmap_complete = c,\n'
        (s,) = ser.group([a, b, c])
        self.assertEqual([p.paths for p in s.patches],
                         [['fs/ramfs/file-mmu.c', 'fs/ramfs/file-nommu.c'], ['fs/minix/file.c']])
        self.assertEqual(s.patches[0].subject,
                         'ramfs: convert mmap to mmap_prepare and mmap_complete')
        self.assertEqual(len(ser.group([a, b, c], 'driver')), 3)

    def test_a_cross_file_handler_is_one_patch_even_with_other_maintainers(self):
        files = ['fs/lowfs/file.c', 'fs/lowfs/lowfs4.c', 'include/linux/lowfs.h']
        d = patch(files[0], ['L'], ['LOWFS'], 'lowfs:')
        u = patch(files[1], ['L'], ['LOWFS'], 'lowfs:')
        h = patch(files[2], ['H'], ['HEADERS'], 'lowfs.h:')
        o = patch('fs/other/file.c', ['L'], ['LOWFS'], 'other:')
        d.handlers = [handler('lowfs_mmap', path=files[0])]
        d.handlers[0].together = files
        u.handlers = [handler('lowfs_mmap', path=files[1])]
        for p in (d, u, h, o):
            p.diff = '+\t.mmap_prepare = x,\n'
        for how in ('subsystem', 'driver'):
            got = [p for s in ser.group([d, u, h, o], how) for p in s.patches]
            self.assertEqual(sorted(p.paths for p in got),
                             [files, ['fs/other/file.c']], how)
            (bundled,) = [p for p in got if len(p.paths) == 3]
            self.assertEqual([x.handler for x in bundled.handlers], ['lowfs_mmap'])
            self.assertEqual(sorted(bundled.to), ['H', 'L'])

    def test_series_named_after_the_shared_section(self):
        a = patch('a.c', ['A'], ['SPU FILE SYSTEM', 'LINUX FOR POWERPC (32-BIT AND 64-BIT)'])
        b = patch('b.c', ['A'], ['KVM FOR POWERPC', 'LINUX FOR POWERPC (32-BIT AND 64-BIT)'])
        (s,) = ser.group([a, b])
        self.assertEqual((s.name, s.section),
                         ('linux-for-powerpc', 'LINUX FOR POWERPC (32-BIT AND 64-BIT)'))

    def test_cover_prefix_from_the_shared_folder(self):
        self.assertEqual(ser.folder_prefix(['fs/adfs/file.c', 'fs/minix/file.c']), 'fs:')
        self.assertEqual(ser.folder_prefix(['drivers/char/a.c', 'drivers/misc/b.c']),
                         'char/misc:')
        self.assertEqual(ser.folder_prefix(['arch/powerpc/kvm/a.c',
                                            'arch/powerpc/platforms/cell/spufs/file.c']),
                         'powerpc:')
        self.assertEqual(ser.folder_prefix(['mm/shmem.c', 'fs/ext2/file.c']), '')

    def test_headers_and_notes(self):
        mail = 'From x\nSubject: [PATCH] y\n\nbody\n---\n stat\n'
        out = ser.add_headers(mail, ['A <a@x>'], ['l@x', 'm@x'])
        self.assertEqual(out, 'From x\nSubject: [PATCH] y\nTo: A <a@x>\nCc: l@x,\n    m@x'
                         '\n\nbody\n---\n stat\n')
        self.assertEqual(ser.below_cut(mail, 'note\n'),
                         'From x\nSubject: [PATCH] y\n\nbody\n---\nnote\n\n stat\n')
