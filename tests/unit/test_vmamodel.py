"""What run.py finds in a fixture and generates around it (tests/model/vmamodel)."""

import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                'model', 'vmamodel'))

import run  # noqa: E402
from vmamodel import units  # noqa: E402

FIXTURE = '''
static const struct vm_operations_struct foo_vm_ops = {
	.fault = foo_fault,
	.mapped = foo_mapped,
	.close = foo_close,
};

static void foo_close(struct vm_area_struct *vma)
{
}

static const struct file_operations foo_fops[] = {
	{ .open = foo_open, .mmap = foo_mmap, .llseek = generic_file_llseek },
	{ .mmap = foo_mmap },
};

static const struct proc_ops foo_proc_ops = {
	.proc_mmap = foo_mmap,
};
'''


class Generate(unittest.TestCase):
    def test_initializers_find_arrays_proc_ops_and_vm_ops(self):
        found = [(s, n, a) for s, n, a, _ in units.initializers(FIXTURE)]
        self.assertEqual(found, [('vm_operations_struct', 'foo_vm_ops', False),
                                 ('file_operations', 'foo_fops', True),
                                 ('proc_ops', 'foo_proc_ops', False)])

    def test_undefined_is_only_what_nothing_declares(self):
        self.assertTrue(units.undefined('foo_fault', FIXTURE, ''))
        self.assertTrue(units.undefined('foo_open', FIXTURE, ''))
        self.assertFalse(units.undefined('foo_close', FIXTURE, ''))
        self.assertFalse(units.undefined('generic_file_llseek', FIXTURE,
                                       'loff_t generic_file_llseek(struct file *);'))

    def test_generated_unit_stubs_and_exports(self):
        import tempfile
        with tempfile.NamedTemporaryFile('w', suffix='.c') as src:
            src.write(FIXTURE)
            src.flush()
            unit = run.generate(src.name, None, ['CONFIG_FOO'])
        self.assertIn('#define CONFIG_FOO 1', unit)
        # the member's signature: a vm_operations_struct .fault, a fops .open
        self.assertIn('vm_fault_t foo_fault(struct vm_fault *vmf) { return 0; }', unit)
        self.assertIn('int foo_open(struct inode *inode, struct file *file)', unit)
        self.assertNotIn('foo_close(struct vm_area_struct *vma) {', unit)
        self.assertNotIn(' generic_file_llseek(', unit)
        self.assertIn('{ "foo_fops", .fops = foo_fops, .count = ARRAY_SIZE(foo_fops) },',
                      unit)
        self.assertIn('{ "foo_proc_ops", .pops = &foo_proc_ops, .count = 1 },', unit)
        self.assertIn('{ "foo_vm_ops", &foo_vm_ops },', unit)
        # the stubs come before the fixture, the exports after it
        self.assertLess(unit.index('foo_fault'), unit.index('#include "%s"' % src.name))
        self.assertLess(unit.index('#include "%s"' % src.name), unit.index('vmm_hooks[]'))
        self.assertIn('.mainline = false,', unit)
        self.assertNotIn('VMM_MAINLINE', unit)

    def test_mainline_unit_is_built_for_the_mainline_desc(self):
        import tempfile
        with tempfile.NamedTemporaryFile('w', suffix='.c') as src:
            src.write(FIXTURE)
            src.flush()
            unit = run.generate(src.name, None, [], mainline=True)
        # before vmamodel.h, so that vma_internal.h picks the target
        self.assertLess(unit.index('#define VMM_MAINLINE 1'),
                        unit.index('#include "vmamodel.h"'))
        self.assertIn('.mainline = true,', unit)
        self.assertIn('int foo_mapped(unsigned long start, unsigned long end, '
                      'pgoff_t pgoff, const struct file *file, '
                      'void **vm_private_data) { return 0; }', unit)


class Cases(unittest.TestCase):
    def folder(self, names):
        import tempfile
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        for name in names:
            open(os.path.join(tmp.name, name), 'w').close()
        return tmp.name

    def test_fixture_with_both_conversions_makes_two_cases(self):
        folder = self.folder(['a.c', 'a.res', 'a.mainline.res', 'b.c',
                              'b.mainline.res', 'c.mainline.res'])
        cases, skipped = run.fixture_cases(folder, [], {'b.mainline': 'why'})
        self.assertEqual([(c.name, c.mainline, os.path.basename(c.legacy))
                          for c in cases],
                         [('a.mainline', True, 'a.c'), ('a', False, 'a.c')])
        self.assertEqual(skipped, [('b.mainline', 'why')])
        cases, _ = run.fixture_cases(folder, ['a.mainline'], {})
        self.assertEqual([c.name for c in cases], ['a.mainline'])

    def test_mutant_names(self):
        folder = self.folder(['m.c', 'm.res', 'm.mainline.res', 'm.x.res',
                              'm.y.mainline.res'])
        for f in ('m.x.res', 'm.y.mainline.res'):
            with open(os.path.join(folder, f), 'w') as dst:
                dst.write('// expect: rc\n')
        old, run.MUTANTS = run.MUTANTS, folder
        try:
            cases = run.mutant_cases()
        finally:
            run.MUTANTS = old
        self.assertEqual([(c.name, c.mainline, c.expect,
                           os.path.basename(c.legacy)) for c in cases],
                         [('mutants/m.mainline', True, None, 'm.c'),
                          ('mutants/m', False, None, 'm.c'),
                          ('mutants/m.x', False, 'rc', 'm.c'),
                          ('mutants/m.y.mainline', True, 'rc', 'm.c')])


def make_variables(path):
    """NAME -> list of words, for each plain assignment of a Makefile."""
    with open(path) as src:
        text = src.read().replace('\\\n', ' ')
    found = {}
    for line in text.splitlines():
        name, op, value = line.partition('=')
        if op and name.strip().rstrip('?').strip().isidentifier() \
                and not line.startswith(('\t', '$')):
            found[name.strip().rstrip('?').strip()] = value.split()
    return found


class Makefile(unittest.TestCase):
    def test_makefile_builds_with_the_flags_of_run_py(self):
        # The Makefile is for rebuilding one unit by hand: it must build
        # what run.py builds, so that a failure reproduces under gdb
        made = make_variables(os.path.join(run.HERE, 'Makefile'))
        local = {run.HERE: '.', run.INCLUDE: 'include'}
        self.assertEqual(made['CFLAGS'], [local.get(f, f) for f in run.CFLAGS])
        self.assertEqual(made['UNIT_CFLAGS'], run.UNIT_CFLAGS)
        self.assertEqual(made['VARIANT_CFLAGS'], run.VARIANT_CFLAGS)
        self.assertEqual(made['SANITIZE'], run.SANITIZE)


if __name__ == '__main__':
    unittest.main()
