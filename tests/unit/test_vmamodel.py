"""What run.py finds in a fixture and generates around it (tests/vmamodel)."""

import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                'vmamodel'))

import run  # noqa: E402

FIXTURE = '''
static const struct vm_operations_struct foo_vm_ops = {
	.fault = foo_fault,
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
        found = [(s, n, a) for s, n, a, _ in run.initializers(FIXTURE)]
        self.assertEqual(found, [('vm_operations_struct', 'foo_vm_ops', False),
                                 ('file_operations', 'foo_fops', True),
                                 ('proc_ops', 'foo_proc_ops', False)])

    def test_undefined_is_only_what_nothing_declares(self):
        self.assertTrue(run.undefined('foo_fault', FIXTURE, ''))
        self.assertTrue(run.undefined('foo_open', FIXTURE, ''))
        self.assertFalse(run.undefined('foo_close', FIXTURE, ''))
        self.assertFalse(run.undefined('generic_file_llseek', FIXTURE,
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


if __name__ == '__main__':
    unittest.main()
