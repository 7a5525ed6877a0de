#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""make bench: convert.py against make coccicheck, and convert.py verify.

convert part: on the git-initialized reference tree, times `convert.py
convert` on the whole tree and `make coccicheck MODE=patch J=2` with
COCCI=cocci/mmap_to_prepare.cocci, then cocci/split_prefault.cocci, the two
runs it takes to get the same conversion (several runs each, medians), prints
the ratio (target: at most 1.0), then shows that convert.py also works on a
plain tarball tree, where coccicheck, through the tree's --use-gitgrep,
checks nothing.

verify part: `convert.py verify` of the whole-tree conversion in a fresh
build folder, on every architecture and configuration it needs (clone,
configurations, make prepare and cross compilers' installs included;
target: at most 20 minutes on 2 cores), then again with nothing changed
(target: at most 2 minutes).  --only picks one part: the verify part takes minutes.

audit part: a full audit (J=2) with an empty spatch cache (target: at
most 60 s) and a rerun on the unchanged tree with the cache full (target:
at most 10 s).
"""

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
COCCI = os.path.join(TOP, 'cocci', 'mmap_to_prepare.cocci')
SPLIT_COCCI = os.path.join(TOP, 'cocci', 'split_prefault.cocci')
CONVERT = [sys.executable, os.path.join(TOP, 'scripts', 'convert.py'), 'convert']
VERIFY = [sys.executable, os.path.join(TOP, 'scripts', 'convert.py'), 'verify']
VERIFY_FIRST_TARGET, VERIFY_RERUN_TARGET = 20 * 60, 2 * 60
AUDIT = [sys.executable, os.path.join(TOP, 'scripts', 'convert.py'), 'audit']
TARBALL = '/usr/src/linux-source-6.12.tar.xz'


def timed(cmd, cwd=None, ok=(0,)):
    start = time.monotonic()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    elapsed = time.monotonic() - start
    if proc.returncode not in ok:
        sys.exit('bench: %s failed:\n%s' % (' '.join(cmd), proc.stderr[-2000:]))
    return elapsed, proc


def diff_files(text):
    return sorted(line.split()[3][2:] for line in text.splitlines()
                  if line.startswith('diff -u -p '))


def bench_verify(args, kdir):
    """First run in a fresh build folder, then a rerun with nothing changed."""
    diff = os.path.join(args.outdir, 'bench-verify.diff')
    t, _ = timed(CONVERT + ['-j', str(args.jobs), kdir, '-o', diff])
    print('verify: the conversion to verify took %.1f s (convert.py convert)' % t)
    builddir = os.path.join(args.outdir, 'bench-verify')
    shutil.rmtree(builddir, ignore_errors=True)
    cmd = VERIFY + ['-j', str(args.jobs), '-O', builddir, kdir, '--patch', diff,
                    '--install-cross']
    times = []
    for what in ('first run (clone, configurations, prepare, build)', 'rerun, nothing changed'):
        load = os.getloadavg()
        t, proc = timed(cmd, ok=(0, 1))       # 1: a file fails; still a measurement
        times.append(t)
        with open(os.path.join(builddir, 'verify.json')) as src:
            result = json.load(src)
        steps = result['seconds']
        print('verify %s: %.0f s (%s); load average before %.1f, after %.1f; %s' % (
            what, t, ', '.join('%s %.0f s' % kv for kv in steps.items() if kv[0] != 'total'),
            load[0], os.getloadavg()[0], proc.stderr.strip().splitlines()[-1]))
        print('    %d configurations (%s), branches %d/%d' % (
            len(result['configs']), ', '.join(c['name'] for c in result['configs']),
            result['regions']['covered'], result['regions']['total']))
    print('verify: first run %.0f s (target: at most %d s), rerun %.0f s (target: at most '
          '%d s), -j %d; the machine is shared, so these are noisy' % (
              times[0], VERIFY_FIRST_TARGET, times[1], VERIFY_RERUN_TARGET, args.jobs))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('kdir', metavar='KDIR')
    ap.add_argument('-O', dest='outdir', default=os.path.join(TOP, 'build'))
    ap.add_argument('-n', '--runs', type=int, default=3)
    ap.add_argument('-j', dest='jobs', type=int, default=2)
    ap.add_argument('--only', choices=('all', 'convert', 'verify', 'audit'), default='all',
                    help='run one part (make bench BENCH=verify)')
    ap.add_argument('--audit-only', action='store_true', help='same as --only audit')
    args = ap.parse_args()
    if args.audit_only:
        args.only = 'audit'
    kdir = os.path.abspath(args.kdir)
    os.makedirs(args.outdir, exist_ok=True)
    if args.only in ('all', 'convert'):
        bench_convert(args, kdir)
    if args.only in ('all', 'audit'):
        bench_audit(args, kdir)
    if args.only in ('all', 'verify'):
        bench_verify(args, kdir)
    return 0


def bench_audit(args, kdir):
    """The audit with an empty cache, then rerun with it full."""
    load = os.getloadavg()[0]
    cache = tempfile.mkdtemp(prefix='mmap-bench-cache-')
    try:
        times, cpu = [], []
        for run in ('empty', 'full'):
            out = os.path.join(args.outdir, 'bench-audit-%s.json' % run)
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t, _ = timed(AUDIT + ['-j', '2', '--cache-dir', cache, kdir, '--json', out,
                                  '--md', out[:-5] + '.md', '--html', out[:-5] + '.html'])
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            times.append(t)
            # CPU time says what the wall time would be on a machine that
            # is not shared: at best CPU / 2 on 2 cores
            cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        same = open(os.path.join(args.outdir, 'bench-audit-empty.json')).read() == \
            open(os.path.join(args.outdir, 'bench-audit-full.json')).read()
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    print('load average before: %.1f (on %d cores)' % (load, os.cpu_count()))
    print('audit, empty cache: %.1f s, %.1f s of CPU (target: at most 60 s)'
          % (times[0], cpu[0]))
    print('audit rerun, unchanged tree: %.1f s, %.1f s of CPU (target: at most 10 s); '
          'same JSON: %s' % (times[1], cpu[1], 'yes' if same else 'NO'))


def bench_convert(args, kdir):
    out = os.path.join(args.outdir, 'bench.diff')

    ours, theirs = [], []
    for run in range(args.runs):
        t, _ = timed(CONVERT + ['-j', '2', '--no-cache', kdir, '-o', out])
        ours.append(t)
        # the same conversion with make coccicheck takes both semantic patches
        t, proc = timed(['make', 'coccicheck', 'MODE=patch', 'COCCI=' + COCCI, 'J=2'], cwd=kdir)
        t2, proc2 = timed(['make', 'coccicheck', 'MODE=patch', 'COCCI=' + SPLIT_COCCI, 'J=2'],
                          cwd=kdir)
        theirs.append(t + t2)
        print('run %d: convert.py %.1f s, make coccicheck %.1f s (%.1f s + %.1f s for the '
              'two semantic patches)' % (run + 1, ours[-1], t + t2, t, t2))
    with open(out) as src:
        our_files = diff_files(src.read())
    their_files = sorted(set(diff_files(proc.stdout)) | set(diff_files(proc2.stdout)))
    mo, mt = statistics.median(ours), statistics.median(theirs)
    print('median: convert.py %.1f s (%d files changed), make coccicheck %.1f s '
          '(%d files changed)' % (mo, len(our_files), mt, len(their_files)))
    print('ratio convert.py / coccicheck: %.2f (target: at most 1.0)' % (mo / mt))
    extra = sorted(set(their_files) - set(our_files))
    if extra:
        print('coccicheck also changes %s: convert.py leaves them alone because a '
              'non-static handler there is used from another file' % ', '.join(extra))

    # The same tree as a plain tarball, no git: convert.py still converts.
    plain = os.path.join(args.outdir, 'linux-6.12-tarball')
    if not os.path.isfile(os.path.join(plain, 'MAINTAINERS')) and os.path.exists(TARBALL):
        os.makedirs(plain, exist_ok=True)
        subprocess.run(['tar', '-xf', TARBALL, '-C', plain, '--strip-components=1'],
                       check=True)
    if os.path.isfile(os.path.join(plain, 'MAINTAINERS')):
        t, _ = timed(CONVERT + ['-j', '2', '--no-cache', plain, '-o', out + '.tarball'])
        with open(out + '.tarball') as src:
            files = diff_files(src.read())
        _, proc = timed(['make', 'coccicheck', 'MODE=patch', 'COCCI=' + COCCI, 'J=2'],
                        cwd=plain)
        print('tarball tree (no git): convert.py %.1f s, %d files changed (%s the git '
              'tree); make coccicheck changes %d files'
              % (t, len(files), 'same as' if files == our_files else 'NOT the same as',
                 len(diff_files(proc.stdout))))


if __name__ == '__main__':
    sys.exit(main())
