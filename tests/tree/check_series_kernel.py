#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""The series of a whole kernel tree (make check-series-kernel; slow).

1. convert.py series KDIR -o O/series-check exits 0: checkpatch.pl --strict
   finds no ERROR in any patch (warnings are listed in the index).
2. Every series applies with git am onto the base commit, in the order of
   the index, one after the other, in the worktree the command made.
3. Every mail has To:, the numbered subjects of a series count up to N,
   and no cover letter keeps a format-patch placeholder.
"""

import argparse
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))


def git(cwd, *args):
    return subprocess.run(['git'] + list(args), cwd=cwd, text=True, capture_output=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('kdir', metavar='KDIR')
    ap.add_argument('-O', dest='outdir', default=os.path.join(TOP, 'build'))
    ap.add_argument('-j', dest='jobs', default='2')
    ap.add_argument('--patch', help='use this conversion instead of running spatch')
    ap.add_argument('-v', '--verbose', action='store_true')
    args = ap.parse_args()
    out = os.path.join(os.path.abspath(args.outdir), 'series-check')
    cmd = [sys.executable, os.path.join(TOP, 'scripts', 'convert.py'), 'series', '-j',
           args.jobs, args.kdir, '-o', out] + (['--patch', args.patch] if args.patch else []) \
        + (['-v'] if args.verbose else [])
    proc = subprocess.run(cmd, text=True, stderr=subprocess.PIPE)
    sys.stderr.write(proc.stderr)
    failures = []
    if proc.returncode != 0:
        failures.append('convert.py series exited with %d' % proc.returncode)
    index = open(os.path.join(out, 'index.txt')).read()
    base = re.search(r'^base: ([0-9a-f]+)', index, re.M).group(1)
    names = re.findall(r'^(\S+)/  \(branch', index, re.M)
    wt = os.path.join(out, '.worktree')
    git(wt, 'checkout', '-q', '-f', '--detach', base)
    patches = 0
    recipients = {}
    for name in names:
        folder = os.path.join(out, name)
        mails = sorted(f for f in os.listdir(folder) if f.endswith('.patch'))
        body = [os.path.join(folder, f) for f in mails if not f.startswith('0000-')]
        patches += len(body)
        am = git(wt, 'am', '-q', *body)
        if am.returncode != 0:
            failures.append('%s does not apply with git am: %s' % (
                name, (am.stderr.strip().splitlines() or ['?'])[0]))
            git(wt, 'am', '--abort')
        who = set()
        for n, f in enumerate(body):
            text = open(f).read()
            head = text.split('\n\n', 1)[0]
            if not re.search(r'^To: \S', head, re.M):
                failures.append('%s/%s has no To:' % (name, os.path.basename(f)))
            # format-patch pads the number: [PATCH 01/11]
            if len(body) > 1 and not re.search(r'\[PATCH 0*%d/%d\]' % (n + 1, len(body)), head):
                failures.append('%s/%s is not numbered %d/%d' % (
                    name, os.path.basename(f), n + 1, len(body)))
            who |= {a.strip() for a in re.findall(r'^(?:To|Cc): (.*(?:\n .*)*)', head, re.M)
                    for a in a.replace('\n', ' ').split(',')}
        recipients[name] = len(who)
        if len(body) > 1 and re.search(r'\*\*\* (SUBJECT|BLURB) HERE',
                                       open(os.path.join(folder, mails[0])).read()):
            failures.append('%s: the cover letter keeps a placeholder' % name)
    applied = git(wt, 'rev-list', '--count', '%s..HEAD' % base).stdout.strip()
    git(wt, 'checkout', '-q', '-f', '--detach', base)
    if applied != str(patches):
        failures.append('%s of %d patches applied' % (applied, patches))
    warnings = len(re.findall(r'checkpatch: (WARNING|CHECK)', index))
    for name in names:
        print('  %-40s %2d patches, %2d recipients' % (
            name, len(re.findall(r'^(?:  |!!) \d{4}-', index.split('\n%s/' % name, 1)[1]
                                 .split('\n\n', 1)[0], re.M)), recipients[name]))
    print('check-series-kernel: %d series, %d patches applied in order with git am onto '
          '%s; checkpatch: %d warnings/checks, %s; %d failed' % (
              len(names), int(applied or 0), base[:12], warnings,
              'errors' if proc.returncode == 1 else 'no errors', len(failures)))
    for f in failures:
        print('FAIL: ' + f)
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
