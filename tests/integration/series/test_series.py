"""convert.py series on a small kernel-shaped tree (make check-series).

The tree (smalltree.py) is built once; most tests read the output of one
run with the hand-written conversion given as --patch, so that they do not
depend on spatch; one test runs the real conversion.
"""

import filecmp
import os
import re
import subprocess
import sys
import tempfile
import time
import unittest

from . import smalltree

sys.path.insert(0, os.path.join(smalltree.TOP, 'scripts'))
from mmapconv import convert as conv  # noqa: E402

CONVERT = [sys.executable, os.path.join(smalltree.TOP, 'scripts', 'convert.py')]
CHAR_MISC = 'char-and-misc-drivers'
HAVE_REFTREE = os.path.isfile(os.path.join(smalltree.REFTREE, 'scripts', 'checkpatch.pl'))
if os.environ.get('CI') and not HAVE_REFTREE:
    # make check-series makes the tree first: in CI a skip would hide a bug
    raise SystemExit('check-series: no reference tree in %s' % smalltree.REFTREE)


def series(*args, check=True):
    proc = subprocess.run(CONVERT + ['series', '-j', '2'] + list(args), text=True,
                          capture_output=True)
    if check and proc.returncode != 0:
        raise AssertionError('series %s failed (%d): %s' % (' '.join(args), proc.returncode,
                                                            proc.stderr))
    return proc


def mails(folder):
    return sorted(f for f in os.listdir(folder) if f.endswith('.patch'))


def read(*parts):
    with open(os.path.join(*parts)) as src:
        return src.read()


def header(mail, name):
    """A header's value, continuation lines joined."""
    head = mail.split('\n\n', 1)[0]
    m = re.search(r'^%s: (.*(?:\n[ \t].*)*)' % name, head, re.M)
    return ' '.join(m.group(1).split()) if m else None


def message(mail):
    """The commit message part of a mail: after the headers, up to '---'."""
    return mail.split('\n\n', 1)[1].split('\n---\n', 1)[0]


def series_dirs(out):
    """Series folders in the order index.txt lists them."""
    return re.findall(r'^(\S+)/  \(branch', read(out, 'index.txt'), re.M)


class SmallTree(unittest.TestCase):
    """The small tree in a scratch folder, and its hand conversion as a diff."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix='mmap-series-')
        cls.tree = os.path.join(cls.tmp.name, 'linux')
        cls.base = smalltree.build(cls.tree)
        cls.diff = os.path.join(cls.tmp.name, 'conversion.diff')
        with open(cls.diff, 'w') as out:
            out.write(smalltree.conversion_diff(cls.tree))

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()


@unittest.skipUnless(HAVE_REFTREE, 'needs the reference tree (make tree) for '
                     'checkpatch.pl and get_maintainer.pl')
class Series(SmallTree):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # something uncommitted in the user's work tree, which must survive
        with open(os.path.join(cls.tree, 'README'), 'a') as out:
            out.write('local change\n')
        cls.out = os.path.join(cls.tmp.name, 'out')
        cls.proc = series(cls.tree, '-o', cls.out, '--patch', cls.diff)

    def series_mails(self, name, out=None):
        folder = os.path.join(out or self.out, name)
        return {f: read(folder, f) for f in mails(folder)}

    maxDiff = None

    def test_grouped_by_maintainers(self):
        # char/ and misc/ share a section; barfs and foofs are two sections
        # with the same maintainer, so one series; gadget is on its own
        found = {name: [re.sub(r'^\d+-', '', f) for f in mails(os.path.join(self.out, name))]
                 for name in series_dirs(self.out)}
        self.assertEqual(found, {
            CHAR_MISC: ['cover-letter.patch',
                        'char-alpha-convert-mmap-to-mmap_prepare.patch',
                        'misc-betadrv-convert-mmap-to-mmap_prepare.patch',
                        'misc-delta-convert-mmap-to-mmap_prepare.patch'],
            'barfs-file-system': ['cover-letter.patch',
                                  'barfs-convert-mmap-to-mmap_prepare.patch',
                                  'foofs-convert-mmap-to-mmap_prepare.patch'],
            'filesystems': ['quxfs-convert-mmap-to-mmap_prepare.patch'],
            'gadget-driver': ['gadget-convert-mmap-to-mmap_prepare-and-mmap_complet.patch'],
        })

    def test_numbered_subjects_and_recipients(self):
        m = self.series_mails(CHAR_MISC)
        alpha = m['0001-char-alpha-convert-mmap-to-mmap_prepare.patch']
        self.assertEqual(header(alpha, 'Subject'), '[PATCH 1/3] char: alpha: convert mmap '
                         'to mmap_prepare')
        self.assertEqual(header(alpha, 'To'), 'Arnd Bergmann <arnd@example.org>, '
                         'Greg Kroah-Hartman <gregkh@example.org>')
        self.assertEqual(header(alpha, 'Cc'), 'linux-kernel@vger.kernel.org')
        barfs = self.series_mails('barfs-file-system')
        cover = barfs['0000-cover-letter.patch']
        self.assertEqual(header(cover, 'To'), 'Jan Filer <jan@example.org>')
        # reviewers and lists of both sections, once each
        self.assertEqual(header(cover, 'Cc'), 'Rita Reviewer <rita@example.org>, '
                         'linux-barfs@example.org, linux-kernel@vger.kernel.org, '
                         'linux-foofs@example.org')
        foofs = barfs['0002-foofs-convert-mmap-to-mmap_prepare.patch']
        self.assertEqual(header(foofs, 'Cc'), 'linux-foofs@example.org, '
                         'linux-kernel@vger.kernel.org')

    def test_one_patch_for_the_files_of_one_driver(self):
        foofs = self.series_mails('barfs-file-system')['0002-foofs-convert-mmap-to-mmap_prepare.patch']
        self.assertEqual(re.findall(r'^diff --git a/(\S+)', foofs, re.M),
                         ['fs/foofs/dir.c', 'fs/foofs/file.c'])
        self.assertIn('foofs_dir_operations and foofs_file_operations use generic_file_mmap()',
                      ' '.join(message(foofs).split()))

    def test_no_section_goes_to_the_folder_above(self):
        (mail,) = self.series_mails('filesystems').values()
        self.assertEqual(header(mail, 'To'), 'Vic Virtual <vic@example.org>')
        self.assertEqual(header(mail, 'Cc'), 'linux-kernel@vger.kernel.org, '
                         'linux-fsdevel@example.org')
        self.assertIn('fs/quxfs/file.c; prefix from MAINTAINERS and path; recipients '
                      'from fs/', read(self.out, 'index.txt'))
        self.assertIn('fs/quxfs/ has no maintainer of its own in MAINTAINERS, so it goes '
                      'to the maintainers of fs/.', ' '.join(mail.split('\n---\n')[1].split()))

    def test_prefix_from_history(self):
        beta = self.series_mails(CHAR_MISC)['0002-misc-betadrv-convert-mmap-to-mmap_prepare.patch']
        self.assertIn('Subject: [PATCH 2/3] misc: betadrv: convert mmap to mmap_prepare', beta)
        self.assertIn('misc-betadrv-', read(self.out, 'index.txt'))
        self.assertRegex(read(self.out, 'index.txt'),
                         r'drivers/misc/beta.c; prefix from history')

    def test_complete_subject_and_message(self):
        (name, mail), = self.series_mails('gadget-driver').items()
        self.assertEqual(header(mail, 'Subject'),
                         '[PATCH] gadget: convert mmap to mmap_prepare and mmap_complete')
        text = ' '.join(message(mail).split())
        for words in ['gadget_mmap() populates page tables with remap_pfn_range()',
                      'gadget_mmap_prepare() keeps its checks (-EINVAL)',
                      'calls remap_pfn_range_prepare()',
                      'gadget_mmap_complete() then calls remap_pfn_range_complete()',
                      'f_op->mmap_complete']:
            self.assertIn(words, text)
        # a single patch has no cover letter: its notes go below the cut
        below = mail.split('\n---\n', 1)[1].split('\ndiff --git', 1)[0]
        self.assertIn('should go through Linus Torvalds\' tree', ' '.join(below.split()))

    def test_commit_message(self):
        alpha = self.series_mails(CHAR_MISC)['0001-char-alpha-convert-mmap-to-mmap_prepare.patch']
        text = message(alpha)
        flat = ' '.join(text.split())
        self.assertIn('f_op->mmap is deprecated', flat)
        self.assertIn('alpha_mmap() only checks the request and configures the mapping, so '
                      'all of it becomes alpha_mmap_prepare(): its checks (-EINVAL) run as '
                      'before; it sets VM_DONTEXPAND | VM_DONTDUMP and installs alpha_vm_ops '
                      'on the desc instead of the VMA.', flat)
        self.assertIn('cocci/mmap_to_prepare.cocci', flat)
        self.assertTrue(text.rstrip().endswith('Signed-off-by: %s <%s>' % (
            smalltree.NAME, smalltree.EMAIL)))
        for line in text.splitlines():
            if not line.startswith('Signed-off-by:'):
                self.assertLessEqual(len(line), 72, line)
        self.assertNotRegex(alpha, r'\*\*\*|BLURB|SUBJECT HERE')

    def test_cover_letter(self):
        cover = self.series_mails(CHAR_MISC)['0000-cover-letter.patch']
        self.assertEqual(header(cover, 'Subject'),
                         '[PATCH 0/3] char/misc: convert mmap handlers to mmap_prepare')
        flat = ' '.join(cover.split())
        self.assertIn('1/3 drivers/char/alpha.c alpha_mmap: mmap_prepare', flat)
        barfs = self.series_mails('barfs-file-system')['0000-cover-letter.patch']
        self.assertIn('2/2 fs/foofs/dir.c, fs/foofs/file.c foofs_dir_operations: '
                      'generic_file_mmap_prepare; foofs_file_operations: '
                      'generic_file_mmap_prepare', ' '.join(barfs.split()))
        self.assertIn('3/3 drivers/misc/delta.c delta_mmap: mmap_prepare', flat)
        self.assertIn('The patches are independent of each other', flat)
        self.assertIn('go through git://git.example.org/char-misc.git '
                      '(MAINTAINERS: CHAR and MISC DRIVERS)', flat)
        self.assertIn('base commit %s' % self.base[:12], flat)
        self.assertIn('base-commit: %s' % self.base, cover)
        self.assertNotRegex(cover, r'\*\*\* (SUBJECT|BLURB) HERE')

    def test_send_script_and_index(self):
        send = read(self.out, CHAR_MISC, 'send.sh')
        self.assertIn('git send-email', send)
        for name in mails(os.path.join(self.out, CHAR_MISC)):
            self.assertIn(name, send)
        self.assertTrue(os.access(os.path.join(self.out, CHAR_MISC, 'send.sh'), os.X_OK))
        self.assertIn('4 series, 7 patches', read(self.out, 'index.txt'))

    def test_dates_from_the_base_commit(self):
        alpha = self.series_mails(CHAR_MISC)['0001-char-alpha-convert-mmap-to-mmap_prepare.patch']
        stamp = int(smalltree.git(self.tree, 'log', '-1', '--format=%ct', self.base))
        self.assertEqual(header(alpha, 'Date'), time.strftime(
            '%a, %d %b %Y %H:%M:%S +0000', time.gmtime(stamp + 1)).replace(', 0', ', '))
        self.assertNotIn('Message-Id', alpha)

    def test_user_checkout_untouched(self):
        self.assertEqual(smalltree.git(self.tree, 'rev-parse', 'HEAD').strip(), self.base)
        self.assertEqual(smalltree.git(self.tree, 'symbolic-ref', 'HEAD').strip(),
                         'refs/heads/master')
        self.assertEqual(smalltree.git(self.tree, 'status', '--porcelain').strip(), 'M README')
        self.assertIn('.mmap = alpha_mmap', read(self.tree, 'drivers/char/alpha.c'))
        branches = smalltree.git(self.tree, 'branch', '--format=%(refname:short)').split()
        self.assertIn('mmap-prepare/' + CHAR_MISC, branches)

    def test_series_apply_with_git_am_in_order(self):
        with tempfile.TemporaryDirectory() as tmp:
            clone = os.path.join(tmp, 'clone')
            smalltree.git(tmp, 'clone', '-q', self.tree, clone)
            smalltree.git(clone, 'checkout', '-q', '--detach', self.base)
            for name in series_dirs(self.out):
                folder = os.path.join(self.out, name)
                patches = [os.path.join(folder, f) for f in mails(folder)
                           if not f.startswith('0000-')]
                smalltree.git(clone, 'am', '-q', *patches)
            for path, (_, after) in smalltree.FILES.items():
                self.assertTrue(read(clone, path).startswith(after), path)
            count = smalltree.git(clone, 'rev-list', '--count', '%s..HEAD' % self.base)
            self.assertEqual(count.strip(), '7')

    def test_rerun_is_byte_identical(self):
        # a second run into the same folder (reusing the worktree and the
        # branches), and one into a new folder with its own worktree
        series(self.tree, '-o', self.out, '--patch', self.diff)
        other = os.path.join(self.tmp.name, 'again')
        series(self.tree, '-o', other, '--patch', self.diff)
        for name in series_dirs(self.out) + ['.']:
            cmp = filecmp.dircmp(os.path.join(self.out, name), os.path.join(other, name),
                                 ignore=['.worktree'])
            self.assertEqual(cmp.left_only + cmp.right_only, [], name)
            same, diff, errors = filecmp.cmpfiles(os.path.join(self.out, name),
                                                  os.path.join(other, name), cmp.common_files,
                                                  shallow=False)
            self.assertEqual(diff + errors, [], name)
            self.assertTrue(same)

    def test_parts(self):
        out = os.path.join(self.tmp.name, 'parts')
        series(self.tree, '-o', out, '--patch', self.diff, '--max-patches', '2',
               '--date', '2025-09-01 12:00:00 UTC')
        names = series_dirs(out)
        self.assertEqual(names[:2], [CHAR_MISC + '-part1', CHAR_MISC + '-part2'])
        first = self.series_mails(CHAR_MISC + '-part1', out)
        self.assertEqual(header(first['0000-cover-letter.patch'], 'Subject'),
                         '[PATCH 0/2] char/misc: convert mmap handlers to mmap_prepare '
                         '(part 1 of 2)')
        # --date moves every date: the cover letter's, and the patches' after it
        self.assertEqual(header(first['0000-cover-letter.patch'], 'Date'),
                         'Mon, 1 Sep 2025 12:00:00 +0000')
        self.assertEqual(header(first['0001-char-alpha-convert-mmap-to-mmap_prepare.patch'],
                                'Date'), 'Mon, 1 Sep 2025 12:00:01 +0000')
        second = self.series_mails(CHAR_MISC + '-part2', out)
        self.assertEqual(list(second), ['0001-misc-delta-convert-mmap-to-mmap_prepare.patch'])

    def test_group_driver(self):
        out = os.path.join(self.tmp.name, 'drivers')
        series(self.tree, '-o', out, '--patch', self.diff, '--group', 'driver')
        names = series_dirs(out)
        self.assertEqual(len(names), 8)
        for name in names:
            (mail,) = self.series_mails(name, out).values()
            self.assertRegex(header(mail, 'Subject'), r'^\[PATCH\] ')

    def test_checkpatch_errors_fail_but_index_is_written(self):
        bad = os.path.join(self.tmp.name, 'bad.diff')
        with open(self.diff) as src, open(bad, 'w') as out:
            # trailing whitespace on an added line: a checkpatch ERROR
            out.write(src.read().replace('+\tdesc->vm_flags &= ~VM_MAYWRITE;',
                                         '+\tdesc->vm_flags &= ~VM_MAYWRITE; '))
        out = os.path.join(self.tmp.name, 'bad')
        proc = series(self.tree, '-o', out, '--patch', bad, check=False)
        self.assertEqual(proc.returncode, 1)
        self.assertRegex(proc.stderr.strip().splitlines()[-1],
                         r'^convert.py: error: checkpatch.pl --strict found errors in '
                         r'0003-misc-delta-\S+; see \S+/index.txt$')
        index = read(out, 'index.txt')
        self.assertRegex(index, r'!! 0003-misc-delta-.*\n.*\n.*ERROR:TRAILING_WHITESPACE')

    def test_refusals(self):
        with tempfile.TemporaryDirectory() as tmp:
            plain = os.path.join(tmp, 'plain')
            smalltree.write(os.path.join(plain, 'Makefile'), '')
            smalltree.write(os.path.join(plain, 'MAINTAINERS'), '')
            smalltree.write(os.path.join(plain, 'include/linux/fs.h'), '')
            proc = series(plain, '-o', os.path.join(tmp, 'o'), '--patch', self.diff,
                          check=False)
            self.assertEqual(proc.returncode, 2)
            self.assertEqual(proc.stderr.count('\n'), 1, proc.stderr)
            self.assertIn('is not a git repository', proc.stderr)
            smalltree.git(plain, 'init', '-q')
            proc = series(plain, '-o', os.path.join(tmp, 'o'), '--patch', self.diff,
                          check=False)
            self.assertEqual(proc.returncode, 2)
            self.assertIn('HEAD of %s does not resolve' % plain, proc.stderr)
            # no identity anywhere: no Signed-off-by can be written
            smalltree.git(plain, 'add', '-A')
            smalltree.git(plain, 'commit', '-q', '-m', 'base', env={
                'GIT_AUTHOR_NAME': 'x', 'GIT_AUTHOR_EMAIL': 'x@x', 'GIT_COMMITTER_NAME': 'x',
                'GIT_COMMITTER_EMAIL': 'x@x'})
            proc = subprocess.run(CONVERT + ['series', plain, '-o', os.path.join(tmp, 'o'),
                                             '--patch', self.diff], text=True,
                                  capture_output=True,
                                  env=dict(os.environ, HOME=tmp, XDG_CONFIG_HOME=tmp,
                                           GIT_CONFIG_NOSYSTEM='1'))
            self.assertEqual(proc.returncode, 2)
            self.assertIn('user.name is not set in the git config of %s' % plain, proc.stderr)


@unittest.skipUnless(HAVE_REFTREE, 'needs the reference tree (make tree) for '
                     'checkpatch.pl and get_maintainer.pl')
class Outdir(SmallTree):
    """series removes or replaces only what an earlier run of it wrote."""

    def tracked(self):
        return smalltree.git(self.tree, 'ls-files').splitlines()

    def refused(self, out, *extra, words):
        proc = series(self.tree, '-o', out, '--patch', self.diff, *extra, check=False)
        self.assertEqual(proc.returncode, 2, proc.stderr)
        self.assertEqual(proc.stderr.count('\n'), 1, proc.stderr)
        self.assertIn(words, proc.stderr)

    def test_the_tree_and_folders_in_it_are_refused(self):
        files = self.tracked()
        for out in (self.tree, os.path.join(self.tree, 'drivers'),
                    os.path.join(self.tree, 'new-folder')):
            self.refused(out, words='is inside the kernel tree')
        self.assertEqual(smalltree.git(self.tree, 'status', '--porcelain'), '')
        self.assertEqual(self.tracked(), files)
        self.assertFalse(os.path.exists(os.path.join(self.tree, 'new-folder')))

    def test_a_folder_of_the_user_is_refused(self):
        out = os.path.join(self.tmp.name, 'user')
        smalltree.write(os.path.join(out, 'project', 'send.sh'), '#!/bin/sh\n')
        smalltree.write(os.path.join(out, CHAR_MISC, 'main.c'), 'int main;\n')
        self.refused(out, words='holds files series did not write (%s, project)' % CHAR_MISC)
        self.assertEqual(read(out, CHAR_MISC, 'main.c'), 'int main;\n')
        self.assertEqual(read(out, 'project', 'send.sh'), '#!/bin/sh\n')

    def test_an_outdir_that_cannot_be_written(self):
        self.refused('/etc/passwd/series', words='is not a folder')

    def test_a_worktree_of_the_user_is_refused(self):
        out = os.path.join(self.tmp.name, 'wt')
        self.refused(out, '--worktree', self.tree, words='is inside the kernel tree')
        mine = os.path.join(self.tmp.name, 'mine')
        smalltree.git(self.tree, 'worktree', 'add', '-q', '--detach', mine)
        smalltree.write(os.path.join(mine, 'work.c'), 'uncommitted\n')
        self.refused(out, '--worktree', mine, words='is not a worktree series made')
        self.assertEqual(read(mine, 'work.c'), 'uncommitted\n')

    def test_a_branch_with_work_of_the_user_is_refused(self):
        series(self.tree, '-o', os.path.join(self.tmp.name, 'first'), '--patch', self.diff)
        branch = smalltree.git(self.tree, 'branch', '--list', 'mmap-prepare/*').split()[-1]
        # another run, into another folder, may reset a branch series made
        series(self.tree, '-o', os.path.join(self.tmp.name, 'second'), '--patch', self.diff)
        mine = os.path.join(self.tmp.name, 'mine')
        smalltree.git(self.tree, 'worktree', 'add', '-q', mine, branch)
        # the tree serves the other tests of the class: leave it as found
        self.addCleanup(smalltree.git, self.tree, 'branch', '-D', '-q', branch)
        self.addCleanup(smalltree.git, self.tree, 'worktree', 'remove', '--force', mine)
        smalltree.write(os.path.join(mine, 'work.c'), 'my work\n')
        smalltree.git(mine, 'add', 'work.c')
        smalltree.git(mine, '-c', 'user.name=Me', '-c', 'user.email=me@example.org',
                      'commit', '-q', '-m', 'my work on the branch')
        head = smalltree.git(self.tree, 'rev-parse', branch).strip()
        self.refused(os.path.join(self.tmp.name, 'third'),
                     words='has commits series did not write (my work on the branch)')
        self.assertEqual(smalltree.git(self.tree, 'rev-parse', branch).strip(), head)

    def test_a_rerun_removes_only_what_it_wrote(self):
        out = os.path.join(self.tmp.name, 'rerun')
        series(self.tree, '-o', out, '--patch', self.diff, '--group', 'driver')
        drivers = series_dirs(out)
        smalltree.write(os.path.join(out, 'notes.txt'), 'mine\n')
        smalltree.write(os.path.join(out, drivers[0], 'review.txt'), 'mine\n')
        series(self.tree, '-o', out, '--patch', self.diff)
        now = series_dirs(out)
        left = sorted(set(os.listdir(out)) - set(now))
        # the driver series are gone, but for the folder with the user's file
        self.assertEqual(left, sorted(['.mmap-convert-series', '.worktree', 'index.txt',
                                       'notes.txt', drivers[0]]))
        self.assertEqual(os.listdir(os.path.join(out, drivers[0])), ['review.txt'])
        self.assertEqual(read(out, 'notes.txt'), 'mine\n')


@unittest.skipUnless(HAVE_REFTREE, 'needs the reference tree (make tree)')
class RealConversion(unittest.TestCase):
    """The same tree converted by the semantic patch itself."""

    def test_spatch_conversion(self):
        with tempfile.TemporaryDirectory(prefix='mmap-series-') as tmp:
            tree = os.path.join(tmp, 'linux')
            base = smalltree.build(tree)
            out = os.path.join(tmp, 'out')
            series(tree, '-o', out)
            index = read(out, 'index.txt')
            self.assertIn('classification: the semantic patches\' report', index)
            # gadget populates page tables: converted only once convert.py
            # runs split_prefault.cocci too
            split = 'split_prefault.cocci' in conv.SEMANTIC_PATCHES
            self.assertEqual(series_dirs(out), [CHAR_MISC] + (['gadget-driver'] if split else [])
                             + ['barfs-file-system', 'filesystems'])
            self.assertIn('%d patches' % (7 if split else 6), index)
            if split:
                (gadget,) = [read(out, 'gadget-driver', f)
                             for f in mails(os.path.join(out, 'gadget-driver'))]
                self.assertEqual(header(gadget, 'Subject'), '[PATCH] gadget: convert mmap to '
                                 'mmap_prepare and mmap_complete')
                flat = ' '.join(message(gadget).split())
                self.assertIn('gadget_mmap_complete() then calls remap_pfn_range_complete()',
                              flat)
                self.assertIn('cocci/mmap_to_prepare.cocci and cocci/split_prefault.cocci',
                              flat)
            alpha = read(out, CHAR_MISC, '0001-char-alpha-convert-mmap-to-mmap_prepare.patch')
            self.assertIn('+static int alpha_mmap_prepare(struct vm_area_desc *desc)', alpha)
            foofs = read(out, 'barfs-file-system',
                         '0002-foofs-convert-mmap-to-mmap_prepare.patch')
            self.assertIn('foofs_dir_operations and foofs_file_operations use '
                          'generic_file_mmap(), which becomes generic_file_mmap_prepare()',
                          ' '.join(message(foofs).split()))
            clone = os.path.join(tmp, 'clone')
            smalltree.git(tmp, 'clone', '-q', tree, clone)
            smalltree.git(clone, 'checkout', '-q', '--detach', base)
            for name in series_dirs(out):
                folder = os.path.join(out, name)
                smalltree.git(clone, 'am', '-q', *[os.path.join(folder, f) for f in mails(folder)
                                                   if not f.startswith('0000-')])
            self.assertIn('.mmap_prepare = alpha_mmap_prepare', read(clone, 'drivers/char/alpha.c'))


if __name__ == '__main__':
    unittest.main()
