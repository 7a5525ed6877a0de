"""The audit's list of code that tests or calls f_op->mmap itself."""

import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), 'scripts'))

from mmapconv import audit, consumers, audit_pages  # noqa: E402

STACKED = '''\
static int lowerfs_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct file *lower_file = to_lower(file);
	/* refuse what the lower file cannot map: ->f_op->mmap */
	if (!lower_file->f_op->mmap)
		return -ENODEV;
	return lower_file->f_op->mmap(lower_file, vma);
}

static int locked_down(const struct file_operations *real_fops)
{
	if (!real_fops->unlocked_ioctl &&
	    !real_fops->mmap)
		return 0;
	return -EPERM;
}

static int both(struct file *file)
{
	return file->f_op->mmap || file->f_op->mmap_ok;
}

static void show(struct vm_area_struct *vma)
{
	pr_alert("mmap:%ps\\n", vma->vm_file ? vma->vm_file->f_op->mmap : NULL);
}

static int pde_mmap(struct proc_dir_entry *pde, struct file *file,
		    struct vm_area_struct *vma)
{
	const auto mmap = pde->proc_ops->proc_mmap;
	if (mmap)
		return mmap(file, vma);
	return call_mmap(file, vma);
}
'''


class Scan(unittest.TestCase):
    def setUp(self):
        self.found = consumers.scan_text('fs/x.c', STACKED, direct_call_mmap=True)

    def rows(self):
        return [(c.line, c.function, c.kind, c.member, c.text) for c in self.found]

    def test_tests_calls_reads_through_any_expression(self):
        self.assertEqual(self.rows(), [
            (5, 'lowerfs_mmap', 'test', 'mmap', 'lower_file->f_op->mmap'),
            (7, 'lowerfs_mmap', 'call', 'mmap', 'lower_file->f_op->mmap'),
            (13, 'locked_down', 'test', 'mmap', 'real_fops->mmap'),
            (20, 'both', 'test', 'mmap', 'file->f_op->mmap'),
            (25, 'show', 'read', 'mmap', 'vma->vm_file->f_op->mmap'),
            (31, 'pde_mmap', 'read', 'proc_mmap', 'pde->proc_ops->proc_mmap'),
            (34, 'pde_mmap', 'call', 'mmap', 'call_mmap()'),
        ])

    def test_a_function_that_looks_at_mmap_prepare_too_is_marked(self):
        text = STACKED.replace('mmap_ok', 'mmap_prepare')
        found = consumers.scan_text('fs/x.c', text, direct_call_mmap=True)
        marked = {c.function: c.handles_prepare for c in found}
        self.assertEqual(marked['both'], 'function')
        # the rest of the file is marked too, less surely (mm/vma.c of 7.2)
        self.assertEqual(marked['lowerfs_mmap'], 'file')
        self.assertEqual({c.handles_prepare for c in self.found}, {''})

    def test_call_mmap_counts_only_when_it_calls_mmap_directly(self):
        found = consumers.scan_text('fs/x.c', STACKED, direct_call_mmap=False)
        self.assertNotIn('call_mmap()', [c.text for c in found])

    def test_comments_are_not_consumers(self):
        self.assertNotIn(4, [c.line for c in self.found])


class CallMmap(unittest.TestCase):
    def tree(self, body):
        top = tempfile.mkdtemp()
        os.makedirs(os.path.join(top, 'include', 'linux'))
        with open(os.path.join(top, 'include', 'linux', 'fs.h'), 'w') as out:
            out.write('static inline int call_mmap(struct file *file, '
                      'struct vm_area_struct *vma)\n{\n%s\n}\n' % body)
        return top

    def test_direct_body(self):
        self.assertTrue(consumers.call_mmap_is_direct(
            self.tree('\treturn file->f_op->mmap(file, vma);')))

    def test_body_that_reaches_mmap_prepare(self):
        self.assertFalse(consumers.call_mmap_is_direct(self.tree(
            '\tif (file->f_op->mmap_prepare)\n\t\treturn compat_vma_mmap(file, vma);\n'
            '\treturn file->f_op->mmap(file, vma);')))


DIFF = '''\
--- a/fs/x.c
+++ b/fs/x.c
@@ -3,5 +3,5 @@
 	struct file *lower_file = to_lower(file);
 	/* refuse what the lower file cannot map: ->f_op->mmap */
-	if (!lower_file->f_op->mmap)
+	if (!can_mmap_file(lower_file))
 		return -ENODEV;
'''

OVERLAY = '''\
diff --git a/fs/proc/inode.c b/fs/proc/inode.c
--- a/fs/proc/inode.c
+++ b/fs/proc/inode.c
diff --git a/include/linux/fs.h b/include/linux/fs.h
+static inline int call_mmap(struct file *file, struct vm_area_struct *vma)
'''


class Settle(unittest.TestCase):
    def entries(self):
        return [audit.Entry(file='drivers/a.c', line=1, handler='a_mmap', fops=['a_fops'],
                            status='converted:prepare', subsystem=None, primitives=[],
                            blocker=None, reason=''),
                audit.Entry(file='drivers/p.c', line=1, handler='p_mmap', fops=['p_ops'],
                            status='converted:complete', subsystem=None, primitives=[],
                            blocker=None, reason=''),
                audit.Entry(file='drivers/b.c', line=1, handler='b_mmap', fops=['b_fops'],
                            status='blocked:dma', subsystem=None, primitives=[],
                            blocker=None, reason='')]

    def members(self):
        return [audit.Member(file='drivers/a.c', line=9, value='a_mmap',
                             struct='file_operations', account='handler', detail='a_mmap'),
                audit.Member(file='drivers/p.c', line=9, value='p_mmap',
                             struct='proc_ops', account='handler', detail='p_mmap')]

    def settled(self, overlay):
        found = consumers.scan_text('fs/x.c', STACKED, direct_call_mmap=True)
        found += consumers.scan_text('fs/proc/inode.c', STACKED, direct_call_mmap=False)
        return consumers.settle(found, self.entries(), self.members(),
                                {'fs/x.c': DIFF}, overlay)

    def test_reach_counts_converted_handlers_of_the_member(self):
        reach = {(c.file, c.member): c.reach for c in self.settled(None)}
        self.assertEqual(reach[('fs/x.c', 'mmap')], 1)
        self.assertEqual(reach[('fs/x.c', 'proc_mmap')], 1)

    def test_rewritten_tests_and_overlay_mends(self):
        state = {(c.file, c.line, c.kind): c.fixed_by for c in self.settled(OVERLAY)}
        self.assertEqual(state[('fs/x.c', 5, 'test')], 'conversion')
        self.assertIsNone(state[('fs/x.c', 7, 'call')])
        self.assertEqual(state[('fs/x.c', 34, 'call')], 'overlay')
        self.assertEqual(state[('fs/proc/inode.c', 31, 'read')], 'overlay')

    def test_without_overlay_nothing_is_mended_by_it(self):
        self.assertNotIn('overlay', {c.fixed_by for c in self.settled(None)})

    def test_report_names_what_is_open(self):
        data = {'consumers': [c.to_json() for c in self.settled(None)]}
        states = [audit_pages.consumer_state(c) for c in data['consumers']]
        self.assertIn('rewritten by the conversion', states)
        self.assertIn('OPEN: fails for a converted file', states)
        self.assertNotIn('its function looks at mmap_prepare too: review', states)


class ChangedLines(unittest.TestCase):
    def test_old_numbers_of_removed_lines(self):
        removed, added = consumers.changed_lines(DIFF)
        self.assertEqual(removed, {5})
        self.assertIn('can_mmap_file(lower_file)', added)

    def test_a_removed_line_that_starts_with_two_dashes(self):
        removed, _ = consumers.changed_lines('--- a/x\n+++ b/x\n@@ -1,2 +1,1 @@\n x\n---i;\n')
        self.assertEqual(removed, {2})


if __name__ == '__main__':
    unittest.main()
