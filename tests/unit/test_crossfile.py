"""Handlers converted with the files that name them (crossfile.py)."""

import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), 'scripts'))

from mmapconv import verdicts, crossfile, statuses  # noqa: E402


def external(name, path):
    return verdicts.Handler(file=path, line=3, handler=name, fops=[path[:-2] + '_fops'],
                            status=statuses.EXTERNAL,
                            reason='%s is defined in another file; convert it there' % name)


class Definitions(unittest.TestCase):
    def tree(self, files):
        top = tempfile.mkdtemp()
        for path, text in files.items():
            os.makedirs(os.path.dirname(os.path.join(top, path)), exist_ok=True)
            with open(os.path.join(top, path), 'w') as out:
                out.write(text)
        return top

    def test_return_type_on_the_line_above_and_static_ones(self):
        top = self.tree({
            'fs/a/file.c': 'int\nfoo_mmap(struct file *file, struct vm_area_struct *vma)\n{\n}\n',
            'fs/a/other.c': 'static int\nfoo_mmap(struct file *f, struct vm_area_struct *v)\n{\n}\n',
            'fs/a/proto.c': 'int foo_mmap(struct file *, struct vm_area_struct *);\n',
        })
        self.assertEqual(crossfile.definitions(top, 'foo_mmap'), ['fs/a/file.c'])

    def test_a_static_namesake_in_a_user_file_stops_the_group(self):
        top = self.tree({
            'fs/a/file.c': 'int foo_mmap(struct file *file, struct vm_area_struct *vma)\n'
                           '{\n}\n',
            'fs/a/ops.c': 'const struct file_operations a_fops = { .mmap = foo_mmap };\n',
            'fs/a/other.c': 'static int foo_mmap(struct file *f, struct vm_area_struct *v)\n'
                            '{\n}\n',
        })
        self.assertEqual(crossfile.definitions(top, 'foo_mmap', 'static'), ['fs/a/other.c'])
        g = crossfile.Group('foo_mmap', [external('foo_mmap', 'fs/a/ops.c')])
        self.assertFalse(crossfile.plan(top, g))
        self.assertEqual(g.entries[0].status, statuses.EXTERNAL)
        self.assertIn('fs/a/other.c has a static function of the same name',
                      g.entries[0].reason)

    def test_user_space_programs_under_tools_are_not_users(self):
        top = self.tree({
            'fs/a/file.c': 'int foo_mmap(struct file *file, struct vm_area_struct *vma)\n'
                           '{\n}\n',
            'fs/a/ops.c': 'const struct file_operations a_fops = { .mmap = foo_mmap };\n',
            'tools/include/a.h': 'static int foo_mmap(int fd)\n{\n}\n',
        })
        g = crossfile.Group('foo_mmap', [external('foo_mmap', 'fs/a/ops.c')])
        self.assertTrue(crossfile.plan(top, g))
        self.assertEqual((g.definition, g.users), ('fs/a/file.c', ['fs/a/ops.c']))

    def test_a_helper_installed_from_many_folders_is_a_delegate(self):
        g = crossfile.Group('gem_mmap', [external('gem_mmap', 'drivers/gpu/%s/drv.c' % d)
                                         for d in 'abc'])
        self.assertFalse(crossfile.plan('/nonexistent', g))
        self.assertEqual({e.status for e in g.entries},
                         {'%s(gem_mmap)' % statuses.DELEGATES})


class StandIns(unittest.TestCase):
    def test_cut_leaves_the_file_as_it_was(self):
        text = 'int x;\n'
        for stand_in in (crossfile.stand_in_initializer('foo_mmap', 'mmap'),
                         crossfile.stand_in_definition('foo_mmap', 'proc_mmap')):
            self.assertEqual(crossfile.cut_stand_ins(text + stand_in), text)
        self.assertIn('.proc_mmap = foo_mmap',
                      crossfile.stand_in_definition('foo_mmap', 'proc_mmap'))

    def test_groups_sharing_a_file_convert_in_one_run(self):
        a = crossfile.Group('a_mmap', [])
        a.definition, a.users = 'fs/x/file.c', ['fs/x/x.h']
        b = crossfile.Group('b_mmap', [])
        b.definition, b.users = 'fs/x/dir.c', ['fs/x/x.h']
        c = crossfile.Group('c_mmap', [])
        c.definition, c.users = 'fs/y/file.c', ['fs/y/y.h']
        got = sorted(sorted(g.name for g in cluster) for cluster in crossfile.clusters([a, b, c]))
        self.assertEqual(got, [['a_mmap', 'b_mmap'], ['c_mmap']])


class BrokenGroups(unittest.TestCase):
    def handler(self, name, path, together=(), status=statuses.PREPARE):
        return verdicts.Handler(file=path, line=1, handler=name, fops=['f_fops'],
                                status=status, reason='', together=list(together))

    def test_a_group_that_lost_a_file_goes_whole(self):
        from mmapconv import convert as conv
        grouped = [self.handler('a_mmap', 'fs/a.c', ['fs/a.c', 'include/h.h']),
                   self.handler('b_mmap', 'fs/b.c', ['fs/b.c', 'include/h.h'])]
        sibling = self.handler('c_mmap', 'fs/b.c')
        alone = self.handler('d_mmap', 'fs/d.c')
        diffs = {'fs/a.c': 'A', 'include/h.h': 'H', 'fs/d.c': 'D'}    # fs/b.c lost
        conv.drop_broken_groups(grouped + [sibling, alone], diffs)
        self.assertEqual(diffs, {'fs/d.c': 'D'})
        self.assertEqual([h.status for h in grouped + [sibling]],
                         [statuses.CALLED_ELSEWHERE] * 3)
        self.assertIn('fs/b.c is left alone', grouped[1].reason)
        self.assertEqual(alone.status, statuses.PREPARE)

    def test_a_whole_group_stays(self):
        from mmapconv import convert as conv
        h = self.handler('a_mmap', 'fs/a.c', ['fs/a.c', 'include/h.h'])
        diffs = {'fs/a.c': 'A', 'include/h.h': 'H'}
        conv.drop_broken_groups([h], diffs)
        self.assertEqual((len(diffs), h.status), (2, statuses.PREPARE))


if __name__ == '__main__':
    unittest.main()
