#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""Build the mmap model and run every conversion through it.

Each tests/fixtures/NAME.c that has a NAME.res (the conversion for the v1
target of docs/api.md) or a NAME.mainline.res (for the mainline target, as
Linux 7.2 has it), each C file that a tree fixture with a support/TREE.h
converts (trees/TREE/before/PATH.c, and after/PATH.c or
after.mainline/PATH.c), and each pair under tests/model/vmamodel/mutants/,
is compiled twice into shared objects (the legacy file and its
conversion), each in its own
translation unit that includes the fixture unchanged and exports the
file_operations and proc_ops objects the fixture defines; a mainline
conversion is built with VMM_MAINLINE, against the other desc.  vmamodel
(runner.c, model.c, and mainline.c built with VMM_MAINLINE) loads both and
runs them both ways for every request.

What a fixture uses but does not define comes from the stub headers in
include/, from tests/model/vmamodel/support/NAME.h when the fixture needs
something specific (a device structure, a constant), or, for the functions
and vm_operations_struct objects that an initializer names and nothing
defines, from stubs generated here; support/NAME.setup.h, included after
the fixture, may define VMM_SETUP (the device behind the file) with the
fixture's own types.  A fixture listed in SKIP is not built;
the runner prints it with the reason.  The last line is 'N passed, N failed'.
"""

import argparse
import concurrent.futures
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
sys.path.insert(0, os.path.join(TOP, 'scripts'))

from mmapconv import UserError, processes  # noqa: E402

sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, os.path.join(TOP, 'tests'))
from run_fixtures import read_reasons  # noqa: E402
from vmamodel import units  # noqa: E402
from vmamodel.units import CONFIG, initializers  # noqa: E402

FIXTURES = os.path.join(TOP, 'tests', 'fixtures')
MUTANTS = os.path.join(HERE, 'mutants')
SUPPORT = os.path.join(HERE, 'support')
INCLUDE = os.path.join(HERE, 'include')

SANITIZE = ['-fsanitize=address,undefined', '-fno-sanitize-recover=all',
            '-fno-omit-frame-pointer']
CFLAGS = ['-std=gnu11', '-g', '-O1', '-Wall', '-Wextra', '-Werror',
          '-I', HERE, '-I', INCLUDE]
# Fixtures are kernel code: the warnings of the kernel's W=1 build
UNIT_CFLAGS = ['-Wno-unused-parameter', '-Wno-sign-compare',
               '-Wno-missing-field-initializers', '-fPIC', '-shared',
               '-fvisibility=hidden']
# A configuration variant may leave a handler unused, as a kernel would
VARIANT_CFLAGS = ['-Wno-unused-function']

# Signatures of the initializer members that a generated stub may fill in
STUBS = {
    'file_operations': {
        'open': 'int %s(struct inode *inode, struct file *file)',
        'release': 'int %s(struct inode *inode, struct file *file)',
        'read': 'ssize_t %s(struct file *file, char __user *buf, size_t n, loff_t *pos)',
        'write': 'ssize_t %s(struct file *file, const char __user *buf, size_t n, loff_t *pos)',
        'llseek': 'loff_t %s(struct file *file, loff_t off, int whence)',
        'read_iter': 'ssize_t %s(struct kiocb *iocb, struct iov_iter *to)',
        'write_iter': 'ssize_t %s(struct kiocb *iocb, struct iov_iter *from)',
        'poll': '__poll_t %s(struct file *file, struct poll_table_struct *wait)',
        'unlocked_ioctl': 'long %s(struct file *file, unsigned int cmd, unsigned long arg)',
        'compat_ioctl': 'long %s(struct file *file, unsigned int cmd, unsigned long arg)',
        'fsync': 'int %s(struct file *file, loff_t start, loff_t end, int datasync)',
        'fasync': 'int %s(int fd, struct file *file, int on)',
        'flush': 'int %s(struct file *file, fl_owner_t id)',
        'get_unmapped_area': 'unsigned long %s(struct file *file, unsigned long addr, '
                             'unsigned long len, unsigned long pgoff, unsigned long flags)',
    },
    'proc_ops': {
        'proc_open': 'int %s(struct inode *inode, struct file *file)',
        'proc_release': 'int %s(struct inode *inode, struct file *file)',
        'proc_read': 'ssize_t %s(struct file *file, char __user *buf, size_t n, loff_t *pos)',
        'proc_write': 'ssize_t %s(struct file *file, const char __user *buf, size_t n, loff_t *pos)',
        'proc_lseek': 'loff_t %s(struct file *file, loff_t off, int whence)',
        'proc_ioctl': 'long %s(struct file *file, unsigned int cmd, unsigned long arg)',
        'proc_poll': '__poll_t %s(struct file *file, struct poll_table_struct *wait)',
    },
    'vm_operations_struct': {
        'open': 'void %s(struct vm_area_struct *vma)',
        'close': 'void %s(struct vm_area_struct *vma)',
        'fault': 'vm_fault_t %s(struct vm_fault *vmf)',
        'page_mkwrite': 'vm_fault_t %s(struct vm_fault *vmf)',
        'pfn_mkwrite': 'vm_fault_t %s(struct vm_fault *vmf)',
        'access': 'int %s(struct vm_area_struct *vma, unsigned long addr, void *buf, '
                  'int len, int write)',
        'mapped': 'int %s(unsigned long start, unsigned long end, pgoff_t pgoff, '
                  'const struct file *file, void **vm_private_data)',
    },
}

# What a file for the mainline target is called: NAME[.MUTATION].mainline.res
MAINLINE = '.mainline'
# What the stub headers define, so that no generated stub defines it again
HEADERS = [os.path.join(INCLUDE, h) for h in
           ('mirrored.h', 'stubbed.h', 'modelled.h', 'target_v1.h',
            'target_mainline.h', 'mirrored_vma.h')]


def read(path):
    with open(path) as src:
        return src.read()


def generate(fixture, support, defines, mainline=False):
    """The translation unit that compiles fixture and exports its hooks."""
    text = read(fixture)
    known = ''.join(read(h) for h in HEADERS)
    out = ['/* Generated by tests/model/vmamodel/run.py: do not edit. */']
    out += ['#define %s 1' % d for d in defines]
    out += ['#define VMM_UNIT 1']
    if mainline:
        out += ['#define VMM_MAINLINE 1']
    out += ['#include "vmamodel.h"']
    before, after = support or (None, None)
    if before:
        out += ['#include "%s"' % before]
    known += ''.join(read(p) for p in (before, after) if p)
    lines, vm_ops = units.stubs(text, known, STUBS)
    out += lines
    out.append('#include "%s"' % fixture)
    if after:
        out.append('#include "%s"' % after)
    out.append('static const struct vmm_hook vmm_hooks[] = {')
    for struct, name, array, _ in initializers(text):
        field = {'file_operations': 'fops', 'proc_ops': 'pops'}.get(struct)
        if field:
            out.append('\t{ "%s", .%s = %s%s, .count = %s },' % (
                name, field, '' if array else '&', name,
                'ARRAY_SIZE(%s)' % name if array else '1'))
    out.append('\t{ NULL } };')
    out.append('static const struct vmm_named vmm_objects[] = {')
    out += ['\t{ "%s", &%s },' % (n, n) for n in vm_ops]
    out += ['#ifdef VMM_OBJECTS', '\tVMM_OBJECTS', '#endif', '\t{ NULL } };']
    out += ['#ifndef VMM_SETUP', '#define VMM_SETUP NULL', '#endif',
            '#ifndef VMM_DEV_SIZE', '#define VMM_DEV_SIZE (4 * PAGE_SIZE)', '#endif',
            '__attribute__((visibility("default")))',
            'const struct vmm_unit vmm_unit = {',
            '\t.file = "%s",' % fixture,
            '\t.hooks = vmm_hooks,',
            '\t.objects = vmm_objects,',
            '\t.setup = VMM_SETUP,',
            '\t.dev_size = VMM_DEV_SIZE,',
            '\t.mainline = %s,' % ('true' if mainline else 'false'),
            '\t.hooks_of = vmm_hooks_of,',
            '};']
    return '\n'.join(out) + '\n'


class Case:
    """A legacy file and a converted one (a mutant when expect is set),
    converted for the mainline target when mainline is set."""

    def __init__(self, name, legacy, converted, support, defines=(), expect=None,
                 variant=False, mainline=False):
        self.name, self.legacy, self.converted = name, legacy, converted
        self.support, self.defines, self.expect = support, list(defines), expect
        self.mainline = mainline
        # A configuration variant may have no hook to compare, and may
        # leave a handler unused, as the same configuration of a kernel would
        self.variant = variant
        self.error = None


def support_files(folder, name):
    """NAME.h, included before the fixture (what it uses and does not
    declare), and NAME.setup.h, included after it (code that needs the
    fixture's own types, such as a VMM_SETUP function); None if absent."""
    paths = [os.path.join(folder, name + ext) for ext in ('.h', '.setup.h')]
    paths = [p if os.path.exists(p) else None for p in paths]
    return tuple(paths) if any(paths) else None


def fixture_cases(fixtures, names, skips):
    cases, skipped = [], []
    if fixtures == FIXTURES and not names:
        # support/ stays true: each file serves a fixture that is run
        for f in sorted(os.listdir(SUPPORT)):
            name = f.split('.')[0]
            if not any(os.path.exists(os.path.join(fixtures, name + ext))
                       for ext in ('.res', MAINLINE + '.res')) and \
                    not os.path.isdir(os.path.join(fixtures, 'trees', name)):
                case = Case(name, None, None, None)
                case.error = 'support/%s is left over: there is no %s.res' % (f, name)
                case.log = ''
                cases.append(case)
    cases += tree_cases(fixtures, names, skips, skipped)
    for f in sorted(os.listdir(fixtures)):
        if not f.endswith('.res'):
            continue
        # NAME.res for section 1, NAME.mainline.res for section 2
        name = f[:-4]
        base = name[:-len(MAINLINE)] if name.endswith(MAINLINE) else name
        legacy, converted = os.path.join(fixtures, base + '.c'), os.path.join(fixtures, f)
        if not os.path.exists(legacy) or (names and base not in names and name not in names):
            continue
        if name in skips:
            skipped.append((name, skips[name]))
            continue
        support = support_files(SUPPORT, base)
        configs = sorted(set(CONFIG.findall(read(legacy) + read(converted))))
        mainline = name != base
        # Every #ifdef branch: all options on, then all off
        cases.append(Case(name, legacy, converted, support, configs, mainline=mainline))
        if configs:
            cases.append(Case(name + '[!CONFIG]', legacy, converted, support,
                              variant=True, mainline=mainline))
    return cases, skipped


def tree_cases(fixtures, names, skips, skipped):
    """trees/NAME/before/PATH.c and its conversion after/PATH.c (v1) or
    after.mainline/PATH.c, for each C file convert.py changes in the tree
    fixture NAME, as trees/NAME/PATH[.mainline], when support/NAME.h says
    what the files of the tree use (the files of a tree may also include
    its own headers, which the model does not build: crossfile)."""
    cases = []
    trees = os.path.join(fixtures, 'trees')
    for tree in sorted(os.listdir(trees)) if os.path.isdir(trees) else []:
        if names and tree not in names or not support_files(SUPPORT, tree):
            continue
        for suffix in ('', MAINLINE):
            after = os.path.join(trees, tree, 'after' + suffix)
            for folder, _, files in sorted(os.walk(after)):
                for f in sorted(files):
                    path = os.path.relpath(os.path.join(folder, f), after)
                    legacy = os.path.join(trees, tree, 'before', path)
                    if not f.endswith('.c') or not os.path.exists(legacy):
                        continue
                    name = 'trees/%s/%s%s' % (tree, path, suffix)
                    if name in skips:
                        skipped.append((name, skips[name]))
                        continue
                    converted = os.path.join(folder, f)
                    support = support_files(SUPPORT, tree)
                    configs = sorted(set(CONFIG.findall(read(legacy) + read(converted))))
                    cases.append(Case(name, legacy, converted, support, configs,
                                      mainline=bool(suffix)))
                    if configs:
                        cases.append(Case(name + '[!CONFIG]', legacy, converted, support,
                                          variant=True, mainline=bool(suffix)))
    return cases


def mutant_cases():
    """mutants/NAME.c, its faithful conversion NAME.res (a pair), and
    NAME.MUTATION.res, each naming with '// expect: FIELD' the field in
    which the runner must see the mutation; NAME.mainline.res and
    NAME.MUTATION.mainline.res likewise for the mainline target."""
    cases = []
    if not os.path.isdir(MUTANTS):
        return cases
    for f in sorted(os.listdir(MUTANTS)):
        if not f.endswith('.res'):
            continue
        stem = f[:-4]
        mainline = stem.endswith(MAINLINE)
        parts = (stem[:-len(MAINLINE)] if mainline else stem).split('.')
        base, mutant = parts[0], len(parts) > 1
        legacy = os.path.join(MUTANTS, base + '.c')
        path = os.path.join(MUTANTS, f)
        m = re.search(r'^// expect: (.+)$', read(path), re.M)
        if mutant and not m:
            raise UserError('%s: a mutant needs an "// expect: FIELD" line' % path)
        support = support_files(MUTANTS, base)
        cases.append(Case('mutants/' + stem, legacy, path, support, (),
                          m.group(1).strip() if mutant else None,
                          mainline=mainline))
    return cases


def compile_unit(cc, source, out, case, sanitize, mainline=False):
    gen = out + '.gen.c'
    with open(gen, 'w') as dst:
        dst.write(generate(source, case.support, case.defines, mainline))
    extra = VARIANT_CFLAGS if case.variant else []
    proc = processes.run([cc] + CFLAGS + UNIT_CFLAGS + extra + sanitize + ['-o', out, gen],
                     check=False)
    if proc.returncode:
        errors = [l for l in proc.stderr.splitlines() if 'error' in l]
        return '%s does not compile: %s' % (os.path.basename(source),
                                             (errors or ['?'])[0]), proc.stderr
    return None, ''


def build(cases, cc, outdir, jobs, sanitize):
    """Compile the runner and every unit; note compile errors on the cases."""
    runner = os.path.join(outdir, 'vmamodel')
    # mainline.c sees the mainline desc, the rest section 1's
    mainline = os.path.join(outdir, 'mainline.o')
    processes.run([cc] + CFLAGS + sanitize + ['-DVMM_MAINLINE', '-c', '-o', mainline,
              os.path.join(HERE, 'mainline.c')])
    processes.run([cc] + CFLAGS + sanitize + ['-rdynamic', '-o', runner,
              os.path.join(HERE, 'runner.c'), os.path.join(HERE, 'model.c'),
              mainline, '-ldl'])

    def one(case):
        if case.error:
            return
        stem = os.path.join(outdir, re.sub(r'[^\w.-]', '_', case.name))
        case.paths = (stem + '.legacy.so', stem + '.converted.so')
        for src, so, mainline in zip((case.legacy, case.converted), case.paths,
                                     (False, case.mainline)):
            error, log = compile_unit(cc, src, so, case, sanitize, mainline)
            if error:
                case.error, case.log = error, log
                return
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        list(pool.map(one, cases))
    return runner


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('names', nargs='*', help='fixtures to run (default: all, and the mutants)')
    ap.add_argument('--fixtures', default=FIXTURES, metavar='DIR',
                    help='where NAME.c and NAME.res are (default: tests/fixtures)')
    ap.add_argument('-v', '--verbose', action='store_true',
                    help='show the commands, the requests and the fixtures covered')
    ap.add_argument('-j', '--jobs', type=int, default=os.cpu_count() or 2)
    ap.add_argument('-O', '--output', default=os.path.join(TOP, 'build', 'vmamodel'),
                    help='where the objects go (default: build/vmamodel)')
    ap.add_argument('--cc', default=os.environ.get('CC') or 'gcc',
                    help='the compiler (gcc or clang)')
    ap.add_argument('--no-sanitize', action='store_true',
                    help='build without AddressSanitizer and UBSan')
    args = ap.parse_args()
    processes.VERBOSE = args.verbose
    sanitize = [] if args.no_sanitize else SANITIZE
    try:
        os.makedirs(args.output, exist_ok=True)
        cases, skipped = fixture_cases(args.fixtures, args.names,
                                       read_reasons(os.path.join(HERE, 'SKIP')))
        if not args.names:
            cases += mutant_cases()
        runner = build(cases, args.cc, args.output, args.jobs, sanitize)
    except UserError as err:
        print('run.py: error: %s' % err, file=sys.stderr)
        return 2
    manifest = os.path.join(args.output, 'manifest')
    with open(manifest, 'w') as dst:
        for name, why in skipped:
            dst.write('skip\t%s\t%s\n' % (name, why))
        for case in cases:
            if case.error:
                sys.stdout.write(case.log)
                dst.write('broken\t%s\t%s\n' % (case.name, case.error))
            elif case.expect:
                dst.write('mutant\t%s\t%s\t%s\t%s\n' % ((case.name,) + case.paths
                                                      + (case.expect,)))
            else:
                dst.write('%s\t%s\t%s\t%s\n' % (('variant' if case.variant else 'pair',
                                                  case.name) + case.paths))
    sys.stdout.flush()
    cmd = [runner] + (['-v'] if args.verbose else []) + [manifest]
    processes.show(cmd)
    env = dict(os.environ, ASAN_OPTIONS='abort_on_error=0:detect_leaks=1',
               UBSAN_OPTIONS='print_stacktrace=1')
    return os.spawnve(os.P_WAIT, runner, cmd, env)


if __name__ == '__main__':
    sys.exit(main())
