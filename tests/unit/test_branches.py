"""Handlers whose whole body is one #if with an #else, written as one
definition per branch (branches.py)."""

import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), 'scripts'))

from mmapconv import branches, verdicts  # noqa: E402

HEADER = 'static int foo_mmap(struct file *file, struct vm_area_struct *vma)\n'
TEXT = ('#include <linux/mm.h>\n'
        '\n'
        '/* map it */\n' +
        HEADER +
        '{\n'
        '#ifdef CONFIG_MMU\n'
        '\tif (vma->vm_pgoff)\n'
        '\t\treturn -EINVAL;\n'
        '\treturn remap_pfn_range(vma, vma->vm_start, 1, PAGE_SIZE, vma->vm_page_prot);\n'
        '#else /* !CONFIG_MMU */\n'
        '\treturn -ENOSYS;\n'
        '#endif\n'
        '}\n'
        '\n'
        'static const struct file_operations foo_fops = {\n'
        '\t.mmap = foo_mmap,\n'
        '};\n')


class WholeBody(unittest.TestCase):
    def test_two_definitions_under_the_same_lines(self):
        rw = branches.whole_body(TEXT, 'foo_mmap', 4)
        self.assertEqual(rw.condition, '#ifdef CONFIG_MMU')
        self.assertEqual(rw.line, 6)
        text, origins = branches.written(TEXT, [rw])
        self.assertEqual(text, (
            '#include <linux/mm.h>\n'
            '\n'
            '/* map it */\n'
            '#ifdef CONFIG_MMU\n' +
            HEADER +
            '{\n'
            '\tif (vma->vm_pgoff)\n'
            '\t\treturn -EINVAL;\n'
            '\treturn remap_pfn_range(vma, vma->vm_start, 1, PAGE_SIZE, vma->vm_page_prot);\n'
            '}\n'
            '#else /* !CONFIG_MMU */\n' +
            HEADER +
            '{\n'
            '\treturn -ENOSYS;\n'
            '}\n'
            '#endif\n'
            '\n'
            'static const struct file_operations foo_fops = {\n'
            '\t.mmap = foo_mmap,\n'
            '};\n'))
        # each line of it comes from a line of the file: the first header
        # from the header, the second from the #else, the branches from
        # themselves
        self.assertEqual(len(origins), text.count('\n'))
        # (the #endif ends the line of the closing brace)
        self.assertEqual(origins, [1, 2, 3, 6, 4, 5, 7, 8, 9, 10, 10, 10, 10, 11, 12, 12,
                                   14, 15, 16, 17])

    def test_other_shapes_are_left_alone(self):
        shapes = {
            'code before the #if': TEXT.replace('{\n#ifdef', '{\n\tint x;\n#ifdef'),
            'code after the #endif': TEXT.replace('#endif\n}', '#endif\n\treturn 0;\n}'),
            'no #else': TEXT.replace('#else /* !CONFIG_MMU */\n\treturn -ENOSYS;\n', ''),
            'an #elif': TEXT.replace('#else /* !CONFIG_MMU */',
                                     '#elif defined(CONFIG_FOO)\n\treturn -EIO;\n#else'),
            'two conditionals': TEXT.replace('#else /* !CONFIG_MMU */\n\treturn -ENOSYS;\n',
                                             '#endif\n#ifndef CONFIG_MMU\n\treturn -ENOSYS;\n'),
        }
        for what, text in shapes.items():
            self.assertIsNone(branches.whole_body(text, 'foo_mmap', 4), what)

    def test_a_nested_conditional_stays_in_its_branch(self):
        text = TEXT.replace('\t\treturn -EINVAL;\n',
                            '#ifdef CONFIG_FOO\n\t\treturn -EINVAL;\n#else\n\t\treturn -EIO;\n'
                            '#endif\n')
        rw = branches.whole_body(text, 'foo_mmap', 4)
        new, _ = branches.written(text, [rw])
        self.assertIn('#ifdef CONFIG_FOO\n\t\treturn -EINVAL;\n#else\n\t\treturn -EIO;\n'
                      '#endif\n\treturn remap_pfn_range', new)
        self.assertEqual(new.count('#else'), 2)

    def test_another_line_is_not_the_definition(self):
        self.assertIsNone(branches.whole_body(TEXT, 'foo_mmap', 5))


class Reasons(unittest.TestCase):
    def test_lines_are_mapped_back(self):
        origins = [1, 2, 3, 6, 4, 5, 7, 8, 9, 10, 10, 10, 10, 11]
        reason = ('foo_mmap has 2 definitions that populate (lines 5, 12); its variant at '
                  'line 11 does; line 30 is past the end; 2 calls')
        self.assertEqual(branches.map_lines(reason, lambda n: origins[n - 1]
                                            if n <= len(origins) else n),
                         'foo_mmap has 2 definitions that populate (lines 4, 10); its variant '
                         'at line 10 does; line 30 is past the end; 2 calls')


class ConvertAll(unittest.TestCase):
    """convert_all() with a stand-in for the semantic patches."""

    def tree(self):
        import tempfile
        top = tempfile.mkdtemp()
        with open(os.path.join(top, 'foo.c'), 'w') as out:
            out.write(TEXT)
        return top

    def handler(self, status, reason='why', line=4):
        return verdicts.Handler('foo.c', line, 'foo_mmap', ['foo_fops'], status, reason)

    def test_converted_as_variants(self):
        seen = []

        def run(folder, names):
            with open(os.path.join(folder, names[0])) as src:
                seen.append(src.read())
            # line 5: the first header of the rewritten file; 12: the second
            h = self.handler('converted:complete', 'its variant at line 12 does not populate',
                             line=5)
            h.file = names[0]
            return [h], {}, {}
        original = branches.run_rewritten

        def run_rewritten(path, text, rewrites, run):
            # as if the semantic patches had changed the file so
            handlers, _, errors, origins = original(path, text, rewrites, run)
            return handlers, 'converted TEXT', errors, origins
        handlers = [self.handler('blocked:order(preprocessor)')]
        diffs = {}
        branches.run_rewritten = run_rewritten
        try:
            branches.convert_all(self.tree(), handlers, diffs, run,
                                 lambda path, text: 'diff of %s to %s' % (path, text))
        finally:
            branches.run_rewritten = original
        self.assertEqual(handlers[0].status, 'converted:complete')
        self.assertEqual(handlers[0].line, 4)
        self.assertEqual(handlers[0].reason,
                         'its body, one #ifdef CONFIG_MMU (line 6) with an #else, becomes one '
                         'definition per branch: its variant at line 10 does not populate')
        self.assertEqual(diffs, {'foo.c': 'diff of foo.c to converted TEXT'})
        self.assertIn('/* map it */\n#ifdef CONFIG_MMU\n' + HEADER, seen[0])

    def test_what_stops_a_branch_is_the_reason(self):
        def run(folder, names):
            h = self.handler('blocked:order(not-last)', 'remap at line 9 is not last', line=5)
            h.file = names[0]
            return [h], {}, {}
        handlers = [self.handler('blocked:order(not-last)', 'remap is not last')]
        diffs = {}
        branches.convert_all(self.tree(), handlers, diffs, run, None)
        self.assertEqual(handlers[0].status, 'blocked:order(not-last)')
        self.assertEqual(handlers[0].reason,
                         'its body, one #ifdef CONFIG_MMU (line 6) with an #else, read as one '
                         'definition per branch: remap at line 9 is not last')
        self.assertEqual(diffs, {})

    def test_a_file_spatch_cannot_read_so_keeps_its_verdicts(self):
        def run(folder, names):
            return [], {}, {names[0]: 'timeout'}
        handlers = [self.handler('blocked:order(preprocessor)', 'the whole body')]
        branches.convert_all(self.tree(), handlers, {}, run, None)
        self.assertEqual((handlers[0].status, handlers[0].reason),
                         ('blocked:order(preprocessor)', 'the whole body'))

    def test_other_statuses_are_not_looked_at(self):
        def run(folder, names):
            raise AssertionError('run for %s' % names)
        handlers = [self.handler('blocked:dma')]
        branches.convert_all(self.tree(), handlers, {}, run, None)
        self.assertEqual(handlers[0].status, 'blocked:dma')



if __name__ == '__main__':
    unittest.main()
