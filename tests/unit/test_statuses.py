"""One status vocabulary: the table of the semantic patches (the shared
part of cocci/mmap_to_prepare.cocci), scripts/mmapconv/statuses.py, the
statuses the code writes and docs/statuses.md agree."""

import glob
import os
import re
import sys
import unittest

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(TOP, 'cocci', 'src'))
sys.path.insert(0, os.path.join(TOP, 'scripts'))

import split_prefault  # noqa: E402
from mmapconv import statuses  # noqa: E402

COCCI = os.path.join(TOP, 'cocci', 'mmap_to_prepare.cocci')
LITERAL = re.compile(r"""['"]((?:converted|blocked|error):[\w-]+|needs-complete|already)\b""")
ORDER_CALL = re.compile(r"""\border\('([\w-]+)'\)""")


def shared():
    names = {}
    exec(split_prefault.shared_python(COCCI), names)
    return names


def read(path):
    with open(path) as src:
        return src.read()


class Vocabulary(unittest.TestCase):
    def test_semantic_patch_and_driver_tables_agree(self):
        names = shared()
        self.assertEqual(names['STATUS'], statuses.STATUS)
        self.assertEqual(names['ORDER_PROBLEMS'], statuses.ORDER_PROBLEMS)

    def test_priority_lists_known_families(self):
        for family in shared()['PRIORITY']:
            self.assertIn(family, statuses.STATUS)

    def test_every_status_written_is_in_the_table(self):
        sources = [COCCI] + glob.glob(os.path.join(TOP, 'cocci', 'src', '*')) + \
            glob.glob(os.path.join(TOP, 'scripts', 'mmapconv', '*.py'))
        for path in sources:
            text = read(path)
            for m in LITERAL.finditer(text):
                self.assertTrue(statuses.known(m.group(1)),
                                '%s: %s is not in the vocabulary' % (path, m.group(1)))
            for m in ORDER_CALL.finditer(text):
                self.assertIn(m.group(1), statuses.ORDER_PROBLEMS,
                              '%s: order(%s) is not in ORDER_PROBLEMS' % (path, m.group(1)))

    def test_every_order_problem_is_written_somewhere(self):
        text = read(COCCI) + read(os.path.join(TOP, 'cocci', 'src', 'split_prefault.py'))
        written = set(ORDER_CALL.findall(text))
        self.assertEqual(written, set(statuses.ORDER_PROBLEMS))

    def test_docs_name_every_status(self):
        doc = read(os.path.join(TOP, 'docs', 'statuses.md'))
        for family in statuses.STATUS:
            self.assertIn('`%s' % family, doc)
        for problem in statuses.ORDER_PROBLEMS:
            self.assertIn('`blocked:order(%s)`' % problem, doc)

    def test_argument_and_family(self):
        self.assertEqual(statuses.family('blocked:order(lock-spans)'), 'blocked:order')
        self.assertEqual(statuses.argument('blocked:delegates(vb2_mmap)'), 'vb2_mmap')
        self.assertIsNone(statuses.argument('converted:prepare'))
        self.assertTrue(statuses.known('blocked:order(goto)'))
        self.assertFalse(statuses.known('blocked:order(nonsense)'))
        self.assertFalse(statuses.known('needs-abort'))


if __name__ == '__main__':
    unittest.main()
