#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""Whole-tree checks of the mainline target on the current kernel (make
check-mainline, on the tree make tree-mainline fetches).

1. The tree's headers choose the mainline target (desc->action, and
   vma_flags_t bits when the desc has them).
2. The whole-tree patch applies (git apply --check), touches only files
   with a converted handler, and adds none of the v1 API: no
   mmap_complete, mmap_abort, mmap_context, desc->vm_flags (on a bits
   tree) or *_prepare() populate helpers.
3. Every converted:action handler's prepare records one mmap_action and
   no longer populates; no converted function mentions the VMA.
4. A second run on the converted files changes nothing.
5. make coccicheck MODE=patch with no -D option (the semantic patch reads
   the target from the tree itself) gives the same diff as convert.py on
   M= folders; split_prefault.cocci changes nothing there.
"""

import os
import re
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(TOP, 'scripts'))
sys.path.insert(0, HERE)

from mmapconv import processes  # noqa: E402
from mmapconv import convert as conv  # noqa: E402
from mmapconv import spatch as sp  # noqa: E402
from mmapconv import target as tgt  # noqa: E402
import check_kernel  # noqa: E402
from check_kernel import POPULATE, function_body  # noqa: E402

PREPARE_COCCI = os.path.join(TOP, 'cocci', 'mmap_to_prepare.cocci')
SPLIT_COCCI = os.path.join(TOP, 'cocci', 'split_prefault.cocci')
# Folders with conversions of each kind on Linux 7.2: actions with and
# without error_override (ptp, xen), bit tests and flag lists (vhost).
COCCICHECK_FOLDERS = ['drivers/ptp', 'drivers/xen', 'drivers/vhost']
V1_API = re.compile(r'\b(mmap_complete|mmap_abort|mmap_context|'
                    r'(io_)?remap_pfn_range_(prepare|complete))\b')
ACTION = re.compile(r'\bmmap_action_\w+\s*\(\s*(?:desc|vma_desc)\b')


class Checker(check_kernel.Checker):
    def run(self):
        target = tgt.detect(self.kdir)
        self.check(target.name == 'mainline', 'the tree chooses the mainline target (%s)'
                   % target.why)
        handlers, diffs, errors, nfiles = conv.convert(self.kdir, jobs=self.jobs,
                                                       target=target)
        converted = [h for h in handlers if h.converted]
        actions = [h for h in converted if h.status == 'converted:action']
        print('check-mainline: %s: %d files, %d handlers, %d converted (%d with an '
              'action), %d files touched' % (target.describe(), nfiles, len(handlers),
                                             len(converted), len(actions), len(diffs)))
        self.check(actions, 'some populate calls become actions')
        text = ''.join(diffs[p] for p in sorted(diffs))
        proc = processes.run(['git', 'apply', '--check', '-'], cwd=self.kdir, input=text,
                         check=False)
        self.check(proc.returncode == 0, 'the whole patch applies %s' % proc.stderr[:200])
        added = ''.join(line[1:] for line in text.splitlines(True)
                        if line.startswith('+') and not line.startswith('+++'))
        found = sorted(set(m.group(0) for m in V1_API.finditer(added)))
        self.check(not found, 'the patch adds none of the v1 API %s' % found)
        if target.flags == 'bits':
            self.check('desc->vm_flags' not in added,
                       'the patch adds no desc->vm_flags on a vma_flags_t tree')
        touched = {h.file for h in converted}
        self.check(set(diffs) <= touched, 'every touched file has a converted handler %s'
                   % sorted(set(diffs) - touched)[:3])
        with tempfile.TemporaryDirectory(prefix='mmap-check-') as scratch:
            for path in diffs:
                os.makedirs(os.path.dirname(os.path.join(scratch, path)), exist_ok=True)
                shutil.copy(os.path.join(self.kdir, path), os.path.join(scratch, path))
            processes.run(['patch', '-p1', '-s'], cwd=scratch, input=text)
            self.check_converted(converted, diffs, scratch)
            self.check_second_run_for(scratch, sorted(diffs), target)
        compared = sum(self.check_mainline_coccicheck(folder, target)
                       for folder in COCCICHECK_FOLDERS)
        self.check(compared > 0, 'the coccicheck comparisons cover %d changed files' % compared)
        print('%d passed, %d failed' % (self.passed, len(self.failures)))
        return 1 if self.failures else 0

    def check_converted(self, converted, diffs, scratch):
        for h in converted:
            if h.status == 'converted:generic' or h.file not in diffs:
                continue
            with open(os.path.join(scratch, h.file), errors='replace') as src:
                after = src.read()
            _, body = function_body(after, h.handler + '_prepare')
            self.check(body is not None and not re.search(r'\bvma\b|\bvm_area_struct\b', body),
                       '%s: %s_prepare exists and never mentions the VMA' % (h.file, h.handler))
            if h.status != 'converted:action' or body is None:
                continue
            self.check(len(ACTION.findall(body)) == 1 and not POPULATE.search(body),
                       '%s: %s_prepare records one mmap_action and populates nothing'
                       % (h.file, h.handler))

    def check_second_run_for(self, scratch, paths, target):
        for cocci in conv.semantic_patches():
            result = sp.run_spatch(scratch, cocci, paths, ['patch'] + target.modes(),
                                   jobs=self.jobs, label='second run')
            again = sorted(conv.split_diff(result.diff))
            self.check(not again and not result.errors,
                       'a second run of %s on the converted files changes nothing %s'
                       % (os.path.basename(cocci), again[:3] or list(result.errors)[:3]))

    def check_mainline_coccicheck(self, folder, target):
        status, theirs = self.coccicheck(PREPARE_COCCI, folder)
        # convert.py adds comments and whitespace spatch cannot write
        theirs = conv.finish(self.kdir, theirs)
        _, diffs, _, _ = conv.convert(self.kdir, [folder], jobs=self.jobs, target=target)
        ours = conv.split_diff(''.join(diffs[p] for p in sorted(diffs)).splitlines(True))
        self.check(status == 0 and theirs == ours,
                   'make coccicheck MODE=patch COCCI=mmap_to_prepare.cocci M=%s, with no '
                   '-D option, equals convert.py (%d files)' % (folder, len(diffs)))
        status, split = self.coccicheck(SPLIT_COCCI, folder)
        self.check(status == 0 and not split,
                   'make coccicheck MODE=patch COCCI=split_prefault.cocci M=%s changes '
                   'nothing on a mainline tree %s' % (folder, sorted(split)[:3]))
        return len(diffs)


if __name__ == '__main__':
    sys.exit(check_kernel.main(Checker, __doc__, 'check_mainline.py', show_commands=True))
