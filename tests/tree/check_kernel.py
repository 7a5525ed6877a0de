#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""Whole-tree checks of the conversion on a real kernel tree (make check-kernel).

1. The whole-tree patch applies (git apply --check).
2. Every touched file holds a converted handler, and the handlers left alone
   are byte for byte unchanged.
3. An independent text check of each converted handler's original body: no
   populate call, no DMA or stacked mapping, and every use of the VMA is one
   that docs/conversion.md translates, or goes to a helper the same patch
   converts.  After the patch, no converted function mentions the VMA.
   Split handlers (converted:complete, converted:abort): prepare populates
   nothing and never mentions the VMA; complete never assigns to a VMA field
   nor calls vm_flags_set/clear/mod; mmap_abort exists exactly for
   converted:abort.
4. Every handler whose body calls a populate primitive is converted or
   reported with a code of docs/statuses.md.
5. A second run of both semantic patches on the converted files changes
   nothing.
6. make coccicheck MODE=patch M=<folder> gives the same diff as convert.py on
   that folder, for each semantic patch on its own.
7. The audit shares the conversion's classification: the handlers it calls
   converted:* are exactly those whose initializers the diff rewrites, and
   every handler has the status convert gives it.  The first conversion
   runs spatch on every file into an empty cache; convert from that full
   cache writes the same diff, and two audits from it the same bytes.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(TOP, 'scripts'))

from mmapconv import UserError, statuses, processes  # noqa: E402
from mmapconv import comments, csource  # noqa: E402
from mmapconv import convert as conv  # noqa: E402
from mmapconv import spatch as sp  # noqa: E402

PREPARE_COCCI = os.path.join(TOP, 'cocci', 'mmap_to_prepare.cocci')
SPLIT_COCCI = os.path.join(TOP, 'cocci', 'split_prefault.cocci')
CONVERT = [sys.executable, os.path.join(TOP, 'scripts', 'convert.py')]
# (semantic patch, folder): drivers/char is the folder the issue names; the
# others have conversions by that patch alone, so that a comparison cannot
# pass on two empty diffs.
COCCICHECK_FOLDERS = [(PREPARE_COCCI, 'drivers/char'), (PREPARE_COCCI, 'fs/9p'),
                      (PREPARE_COCCI, 'arch/x86/kernel/cpu/sgx'),
                      (PREPARE_COCCI, 'drivers/vhost'),
                      (SPLIT_COCCI, 'drivers/soc/qcom'), (SPLIT_COCCI, 'drivers/xen/xenfs')]
# the status families of the vocabulary (docs/statuses.md) that a v1
# conversion with both semantic patches gives
VOCABULARY = set(statuses.STATUS) - {statuses.ACTION, statuses.NEEDS_COMPLETE}
POPULATE_ONLY = re.compile(r'\b(remap_pfn_range|io_remap_pfn_range|vm_iomap_memory|'
                           r'vm_insert_pages?|vm_map_pages(_zero)?|remap_vmalloc_range\w*|'
                           r'vmf_insert_\w+)\s*\(')
VMA_WRITE = re.compile(r'\b(\w+)->(vm_\w+)\s*([-+|&^]?=)(?!=)|'
                       r'\bvm_flags_(set|clear|mod|init|reset)\s*\(')
POPULATE = re.compile(r'\b(remap_pfn_range|io_remap_pfn_range|vm_iomap_memory|vm_insert_pages?'
                      r'|vm_map_pages(_zero)?|remap_vmalloc_range\w*|vmf_insert_\w+'
                      r'|dma_mmap_\w+|call_mmap|vfs_mmap|backing_file_mmap)\s*\(')


def function_body(source, name):
    """(parameter text, body text) of the first definition of name, or (None, None)."""
    d = csource.definition(source, name)
    return (d.params, d.body) if d else (None, None)


def allowed_uses(vma, helpers):
    v = re.escape(vma)
    forms = [
        r'%s->(vm_start|vm_end|vm_pgoff|vm_flags|vm_page_prot|vm_file)\b' % v,
        r'%s->(vm_ops|vm_private_data)\s*=(?!=)' % v,
        r'%s->vm_mm\s*[!=]=' % v, r'[!=]=\s*%s->vm_mm\b' % v,
        r'\bvm_flags_(set|clear|mod)\(\s*%s\s*,' % v,
        r'\bvma_pages\(\s*%s\s*\)' % v,
        r'\bgeneric_file_(readonly_)?mmap\(\s*\w+\s*,\s*%s\s*\)' % v,
        # a test of the pointer itself, which a desc takes as it is
        r'!\s*%s\b(?!\s*->)' % v, r'\b%s\s*[!=]=\s*NULL\b' % v, r'\bNULL\s*[!=]=\s*%s\b' % v,
        r'\bif\s*\(\s*%s\s*\)' % v, r'(&&|\|\|)\s*%s\s*(?=&&|\|\||\))' % v,
        r'\b%s\s*(&&|\|\|)' % v,
    ]
    if helpers:
        forms.append(r'\b(%s)\([^;]*\b%s\b' % ('|'.join(map(re.escape, helpers)), v))
    return [re.compile(f) for f in forms]


def unexplained_vma_uses(params, body, helpers):
    """Uses of the VMA parameter that no allowed form covers."""
    m = re.search(r'struct\s+vm_area_struct\s*\*\s*(\w+)', params or '')
    if not m:
        return ['no VMA parameter']
    vma = m.group(1)
    covered = set()
    for form in allowed_uses(vma, helpers):
        for hit in form.finditer(body):
            for use in re.finditer(r'\b%s\b' % re.escape(vma), hit.group(0)):
                covered.add(hit.start() + use.start())
    return ['%s at offset %d: ...%s...' % (vma, u.start(), body[max(0, u.start() - 30):u.end() + 30])
            for u in re.finditer(r'\b%s\b' % re.escape(vma), body) if u.start() not in covered]


class Checker:
    def __init__(self, kdir, jobs, verbose):
        self.kdir, self.jobs, self.verbose = kdir, jobs, verbose
        self.failures = []
        self.passed = 0

    def check(self, ok, what):
        if ok:
            self.passed += 1
            if self.verbose:
                print('ok   %s' % what)
        else:
            self.failures.append(what)
            print('FAIL %s' % what)

    def run(self):
        # the one conversion that runs spatch on the whole tree fills a
        # scratch cache; the audit and the second convert read it
        with tempfile.TemporaryDirectory(prefix='mmap-cache-') as cache:
            return self.run_cached(cache)

    def run_cached(self, cache):
        handlers, diffs, errors, nfiles = conv.convert(self.kdir, jobs=self.jobs,
                                                       cache_dir=cache)
        converted = [h for h in handlers if h.converted]
        print('check-kernel: %d files, %d handlers, %d converted, %d files touched'
              % (nfiles, len(handlers), len(converted), len(diffs)))
        self.check(len(converted) > 0, 'the conversion converts something')
        text = ''.join(diffs[p] for p in sorted(diffs))
        self.check_applies(text)
        with tempfile.TemporaryDirectory(prefix='mmap-check-') as scratch:
            for path in diffs:
                os.makedirs(os.path.dirname(os.path.join(scratch, path)), exist_ok=True)
                shutil.copy(os.path.join(self.kdir, path), os.path.join(scratch, path))
            processes.run(['patch', '-p1', '-s'], cwd=scratch, input=text)
            self.check_touched(handlers, diffs, scratch)
            self.check_second_run(scratch, sorted(diffs))
        self.check_populating(handlers)
        split = [h for h in converted if h.status in ('converted:complete', 'converted:abort')]
        self.check(len(split) > 0, 'the conversion splits %d handlers' % len(split))
        self.check_audit(handlers, text, cache)
        compared = sum(self.check_coccicheck(cocci, folder)
                       for (cocci, folder) in COCCICHECK_FOLDERS)
        self.check(compared > 0, 'the coccicheck comparisons cover %d changed files' % compared)
        print('%d passed, %d failed' % (self.passed, len(self.failures)))
        return 1 if self.failures else 0

    def check_applies(self, text):
        if processes.is_git_tree(self.kdir):
            proc = processes.run(['git', 'apply', '--check', '-'], cwd=self.kdir, input=text,
                             check=False)
        else:
            proc = processes.run(['patch', '-p1', '--dry-run', '-s'], cwd=self.kdir, input=text,
                             check=False)
        self.check(proc.returncode == 0, 'the whole-tree patch applies: %s' % proc.stderr[:300])

    def check_touched(self, handlers, diffs, scratch):
        by_file = {}
        for h in handlers:
            by_file.setdefault(h.file, []).append(h)
        # files converted with a handler defined elsewhere (crossfile)
        with_other = {}
        for h in handlers:
            for other in h.together if h.converted else ():
                with_other.setdefault(other, set()).add(h.handler + '_prepare')
        for path, diff in sorted(diffs.items()):
            mine = by_file.get(path, [])
            self.check(any(h.converted for h in mine) or path in with_other,
                       '%s: touched, and holds a converted handler or names one '
                       'converted with it' % path)
            with open(os.path.join(self.kdir, path), errors='replace') as src:
                before = src.read()
            with open(os.path.join(scratch, path), errors='replace') as src:
                after = src.read()
            # helpers the patch converts: functions whose VMA parameter became a desc
            # (by their old names: a helper is renamed for the desc)
            helpers = [r.old for r in comments.renames(diff)]
            # and helpers that kept their VMA form as a wrapper of a new
            # __NAME() core of the fields, which prepare calls instead
            helpers += re.findall(r'^\+static\b[^(\n]*\b__(\w+)\(', diff, re.M)
            for h in mine:
                if h.status == 'converted:generic':
                    continue
                params, body = function_body(before, h.handler)
                if not h.converted:
                    self.check(body is None or function_body(after, h.handler)[1] == body,
                               '%s: %s (%s) is left unchanged' % (path, h.handler, h.status))
                    continue
                if h.status in ('converted:complete', 'converted:abort'):
                    self.check_split(path, h, after)
                    continue
                self.check(body is not None and not POPULATE.search(body),
                           '%s: %s populates or maps nothing itself' % (path, h.handler))
                # a helper of another file converted with the handler (crossfile)
                group = [r.old for p in h.together if p != path and p in diffs
                         for r in comments.renames(diffs[p])]
                extra = unexplained_vma_uses(params, body or '', helpers + group)
                self.check(not extra, '%s: every VMA use of %s has a desc translation %s'
                           % (path, h.handler, extra[:2]))
                _, new_body = function_body(after, h.handler + '_prepare')
                self.check(new_body is not None and
                           not re.search(r'\bvm_area_struct\b|\bvma\b', new_body),
                           '%s: %s_prepare exists and no longer mentions the VMA'
                           % (path, h.handler))
            for name in re.findall(r'\.(?:proc_)?mmap_prepare\s*=\s*(\w+)', after):
                elsewhere = name in with_other.get(path, ())
                self.check(name.startswith('generic_file_') or elsewhere or
                           function_body(after, name)[1] is not None,
                           '%s: initializer points at %s, defined in the file or '
                           'converted with it' % (path, name))

    def check_audit(self, handlers, text, cache):
        """The audit and a convert run from the cache the first conversion
        filled (cold) agree with it byte for byte."""
        with tempfile.TemporaryDirectory(prefix='mmap-audit-') as tmp:
            cached = ['--cache-dir', cache, '-j', str(self.jobs)]
            outputs = []
            for name in ('first.json', 'second.json'):
                path = os.path.join(tmp, name)
                processes.run(CONVERT + ['audit', self.kdir, '--json', path] + cached)
                with open(path) as src:
                    outputs.append(src.read())
            diff = os.path.join(tmp, 'cached.diff')
            processes.run(CONVERT + ['convert', self.kdir, '-o', diff] + cached)
            with open(diff) as src:
                cached_diff = src.read()
        self.check(outputs[0] == outputs[1], 'two audits write the same bytes')
        self.check(cached_diff == text,
                   'convert from the full cache writes the diff of the run that filled it')
        audit = json.loads(outputs[0])
        said = {(h['file'], h['handler']) for h in audit['handlers']
                if h['status'].startswith('converted:')}
        # an initializer in a file converted with a handler defined elsewhere
        # counts for the handler's own file
        defined_in = {(path, h['handler']): h['file'] for h in audit['handlers']
                      for path in h.get('together', [])}
        rewritten = set()
        for path, diff in conv.split_diff(text.splitlines(True)).items():
            for name in re.findall(r'^-\s*\.(?:proc_)?mmap\s*=\s*(\w+)', diff, re.M):
                rewritten.add((defined_in.get((path, name), path), name))
        self.check(said == rewritten and said,
                   'the audit calls converted exactly the %d handlers whose initializers '
                   'the diff rewrites (audit only: %s; diff only: %s)'
                   % (len(rewritten), sorted(said - rewritten)[:3],
                      sorted(rewritten - said)[:3]))
        statuses = {(h['file'], h['handler']): h['status'] for h in audit['handlers']}
        differ = [(h.file, h.handler, h.status, statuses.get((h.file, h.handler)))
                  for h in handlers if statuses.get((h.file, h.handler)) != h.status]
        self.check(not differ, 'every handler has the status convert gives it %s' % differ[:3])
        census = audit['census']
        self.check(sum(census['accounts'].values()) == census['members'],
                   'the census accounts for each of its %d members' % census['members'])

    def check_second_run(self, scratch, paths):
        """Converting the converted files again changes nothing."""
        for cocci in conv.semantic_patches():
            result = sp.run_spatch(scratch, cocci, paths, ['patch'], jobs=self.jobs,
                                   label='second run')
            again = sorted(conv.split_diff(result.diff))
            self.check(not again and not result.errors,
                       'a second run of %s on the converted files changes nothing %s'
                       % (os.path.basename(cocci), again[:3] or list(result.errors)[:3]))

    def check_split(self, path, h, after):
        name = h.handler
        _, prepare = function_body(after, name + '_prepare')
        # code only: a comment may name what the split replaced
        prepare = prepare if prepare is None else comments.COMMENT.sub(' ', prepare)
        self.check(prepare is not None and not POPULATE.search(prepare) and
                   not re.search(r'\bvm_area_struct\b|\bvma\b', prepare),
                   '%s: %s_prepare exists, populates nothing and never mentions the VMA'
                   % (path, name))
        params, complete = function_body(after, name + '_complete')
        m = re.search(r'struct\s+vm_area_struct\s*\*\s*(\w+)', params or '')
        writes = [w.group(0) for w in VMA_WRITE.finditer(complete or '')
                  if w.group(1) is None or (m and w.group(1) == m.group(1))]
        self.check(complete is not None and not writes,
                   '%s: %s_complete exists and modifies no VMA field %s'
                   % (path, name, writes[:2]))
        self.check(complete is not None and (POPULATE_ONLY.search(complete) or
                                             'remap_pfn_range_complete(' in complete),
                   '%s: %s_complete populates' % (path, name))
        has_abort = function_body(after, name + '_abort')[1] is not None
        self.check(has_abort == (h.status == 'converted:abort'),
                   '%s: %s has an mmap_abort exactly when %s' % (path, name, h.status))

    def check_populating(self, handlers):
        """Every handler that populates page tables itself is converted or
        reported with a code of the vocabulary."""
        sources = {}
        for h in handlers:
            if h.file not in sources:
                with open(os.path.join(self.kdir, h.file), errors='replace') as src:
                    sources[h.file] = src.read()
            _, body = function_body(sources[h.file], h.handler)
            if body is None or not POPULATE_ONLY.search(body):
                continue
            self.check(h.family in VOCABULARY,
                       '%s: %s populates page tables and is %s, a code of the vocabulary'
                       % (h.file, h.handler, h.status))

    def coccicheck(self, cocci, folder):
        """(exit status, {path: diff}) of make coccicheck MODE=patch."""
        proc = processes.run(['make', '-s', 'coccicheck', 'MODE=patch', 'COCCI=' + cocci,
                              'SPFLAGS=--macro-file ' + sp.MACRO_FILE,
                              'M=' + folder, 'J=%d' % self.jobs], cwd=self.kdir, check=False)
        out = proc.stdout
        theirs = out[out.find('diff -u -p'):] if 'diff -u -p' in out else ''
        return proc.returncode, conv.split_diff(theirs.splitlines(True))

    def check_coccicheck(self, cocci, folder):
        if not processes.is_git_tree(self.kdir):
            print('skip coccicheck M=%s: %s is not a git tree, and make coccicheck '
                  'checks nothing there' % (folder, self.kdir))
            return 0
        status, theirs = self.coccicheck(cocci, folder)
        # convert.py adds comments and whitespace spatch cannot write
        theirs = conv.finish(self.kdir, theirs)
        handlers, diffs, _, _ = conv.convert(self.kdir, [folder], jobs=self.jobs)
        # the files whose conversion is this semantic patch's alone
        split = {h.file for h in handlers if h.status in (statuses.COMPLETE, statuses.ABORT)}
        mine = {p for p in diffs if (p in split) == (cocci == SPLIT_COCCI)}
        ours = ''.join(diffs[p] for p in sorted(mine))
        self.check(status == 0 and set(theirs) <= set(diffs) and
                   {p: d for p, d in theirs.items() if p in mine} ==
                   conv.split_diff(ours.splitlines(True)),
                   'make coccicheck MODE=patch COCCI=%s M=%s equals convert.py (%d files)'
                   % (os.path.basename(cocci), folder, len(mine)))
        return len(mine)


def main(checker=None, doc=__doc__, name='check_kernel.py', show_commands=False):
    """The command line of a whole-tree check: KDIR, -j, -O, -v (which also
    shows the commands run when show_commands)."""
    ap = argparse.ArgumentParser(description=doc.split('\n')[0])
    ap.add_argument('kdir', metavar='KDIR')
    ap.add_argument('-j', '--jobs', type=int, default=os.cpu_count() or 2)
    ap.add_argument('-O', dest='outdir', help='unused; accepted for make')
    ap.add_argument('-v', '--verbose', action='store_true')
    args = ap.parse_args()
    processes.VERBOSE = args.verbose and show_commands
    try:
        return (checker or Checker)(args.kdir, args.jobs, args.verbose).run()
    except UserError as err:
        print('%s: error: %s' % (name, err), file=sys.stderr)
        return 2


if __name__ == '__main__':
    sys.exit(main())
