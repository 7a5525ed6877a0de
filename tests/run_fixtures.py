#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""Run the semantic patches over tests/fixtures and compare with expectations.

For each NAME.c: the converted file must equal NAME.res (no NAME.res: the file
must stay unchanged), and when NAME.stdout exists, the report lines must be
exactly its lines; when NAME.org exists, it holds what MODE=org prints for
the original file, each semantic patch in turn.  That is the v1 target; a
fixture with NAME.mainline.res or NAME.mainline.stdout is also converted for
the mainline target (docs/api.md) and checked against those, as
NAME.mainline; a fixture with only
NAME.mainline.* files is about the mainline target alone.  Both semantic patches must give the same result in either
order, and a second run must change nothing.  EXPECTED_FAILURES names the
fixtures that document a known gap, as Coccinelle's own tests do; such a
fixture that starts passing is an error too, so that the list stays true.
A folder under fixtures/trees/ is a fixture of several files, a small
kernel tree converted as convert.py converts a tree (run_tree).
The converted file is what convert.py writes: spatch's output finished as
conv.finish() does (comments, initializer columns).
The last line is 'N passed, N failed'.
"""

import argparse
import difflib
import os
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), 'scripts'))

from mmapconv import UserError, verdicts, processes  # noqa: E402
from mmapconv import convert as conv  # noqa: E402
from mmapconv import target as tgt  # noqa: E402
from mmapconv import spatch as sp  # noqa: E402

FIXTURES = os.path.join(HERE, 'fixtures')

# (suffix of the expected files, spatch -D options of the target)
TARGETS = [('', ['v1']), ('.mainline', ['mainline'])]


def read_reasons(path):
    """{NAME: why} from a file of 'NAME: why' lines ('#' comments); {}
    when there is no such file."""
    marked = {}
    if os.path.exists(path):
        for line in open(path):
            line = line.split('#', 1)[0].strip()
            if line:
                name, _, why = line.partition(':')
                marked[name.strip()] = why.strip()
    return marked


def expected_failures():
    return read_reasons(os.path.join(FIXTURES, 'EXPECTED_FAILURES'))


def read(path):
    with open(path) as src:
        return src.read()


def converted_copies(names, work, jobs, modes, order=None):
    """Copy the fixtures to work/, run every semantic patch one after the
    other on all of them, as convert.py does, applying each diff before the
    next patch runs; return the report lines per fixture, one per handler
    (the status convert.py would give it)."""
    files = [name + '.c' for name in names]
    for f in files:
        shutil.copy(os.path.join(FIXTURES, f), os.path.join(work, f))
    errors = {name: [] for name in names}
    reports, lines = [], {}
    for cocci in order or conv.semantic_patches():
        result = sp.run_spatch(work, cocci, files, ['patch', 'report'] + modes, jobs=jobs,
                               label='fixtures')
        for path, why in result.errors.items():
            errors[path[:-2]].append('ERROR: ' + why)
        report = []
        for m in result.reports:
            h = verdicts.from_report(m)
            lines[id(h)] = m.group(0)
            report.append(h)
        reports.append(report)
        for path, text in conv.split_diff(result.diff).items():
            proc = processes.run(['patch', '-p1', '-s'], cwd=work, input=text, check=False)
            if proc.returncode:
                errors[path[:-2]].append('ERROR: the diff does not apply: ' + proc.stdout)
    finish(names, work)
    out = errors
    for h in verdicts.combine(reports):
        out[h.file[:-2]].append(lines[id(h)])
    return out


def finish(names, work):
    """What convert.py adds to spatch's output (conv.finish): comments that
    follow the renames, initializer columns."""
    for name in names:
        path = name + '.c'
        diff = conv.file_diff(FIXTURES, work, path)
        if '\n@@' not in diff:
            continue
        finished = conv.finish(FIXTURES, {path: diff})[path]
        with open(os.path.join(work, path), 'wb') as out:
            out.write(conv.new_contents(FIXTURES, finished)[path])


def second_run_changes(work, names, jobs, modes):
    """Fixtures that the semantic patches change again once converted:
    running convert twice must change nothing the second time."""
    changed = set()
    for cocci in conv.semantic_patches():
        result = sp.run_spatch(work, cocci, [n + '.c' for n in names], ['patch'] + modes,
                               jobs=jobs, label='fixtures')
        changed |= {path[:-2] for path in conv.split_diff(result.diff)}
    return changed


def order_differences(work, names, jobs, modes):
    """Fixtures whose conversion differs when split_prefault.cocci runs
    before mmap_to_prepare.cocci."""
    with tempfile.TemporaryDirectory(prefix='mmap-fixtures-') as other:
        converted_copies(names, other, jobs, modes, order=conv.semantic_patches()[::-1])
        return {n for n in names if read(os.path.join(work, n + '.c')) !=
                read(os.path.join(other, n + '.c'))}


def org_output(name, jobs, modes):
    """What MODE=org prints for the original fixture, each semantic patch
    in turn: org links are where a message with [brackets] would break."""
    lines = []
    with tempfile.TemporaryDirectory(prefix='mmap-fixtures-') as work:
        shutil.copy(os.path.join(FIXTURES, name + '.c'), work)
        for cocci in conv.semantic_patches():
            result = sp.run_spatch(work, cocci, [name + '.c'], ['org'] + modes, jobs=jobs,
                                   label='fixtures')
            lines += result.diff
    return ''.join(lines)


def has_expectations(name, suffix):
    return any(os.path.exists(os.path.join(FIXTURES, name + suffix + ext))
               for ext in ('.res', '.stdout'))


def compare(name, work, reports, suffix=''):
    """Problems found with one fixture, as text; '' when it behaves."""
    problems = []
    got = read(os.path.join(work, name + '.c'))
    res = os.path.join(FIXTURES, name + suffix + '.res')
    want = read(res) if os.path.exists(res) else read(os.path.join(FIXTURES, name + '.c'))
    if got != want:
        problems.append(''.join(difflib.unified_diff(
            want.splitlines(True), got.splitlines(True),
            name + (suffix + '.res' if os.path.exists(res) else '.c (unchanged)'),
            'converted')))
    out = os.path.join(FIXTURES, name + suffix + '.stdout')
    lines = sorted(reports[name])
    if os.path.exists(out):
        wanted = sorted(l for l in read(out).splitlines() if l.strip())
        if lines != wanted:
            problems.append(''.join(difflib.unified_diff(
                [l + '\n' for l in wanted], [l + '\n' for l in lines],
                name + '.stdout', 'report')))
    else:
        problems += [l + '\n' for l in lines if l.startswith('ERROR')]
    org = os.path.join(FIXTURES, name + suffix + '.org')
    if os.path.exists(org):
        got = org_output(name, 1, [m for s, m in TARGETS if s == suffix][0])
        if got != read(org):
            problems.append(''.join(difflib.unified_diff(
                read(org).splitlines(True), got.splitlines(True), name + suffix + '.org',
                'MODE=org')))
    return ''.join(problems)


TREES = os.path.join(FIXTURES, 'trees')


def tree_fixtures():
    return sorted(d for d in os.listdir(TREES) if os.path.isdir(os.path.join(TREES, d)))


def run_tree(name, suffix, forced, jobs):
    """A fixture of several files (trees/NAME/before, a small kernel tree):
    convert.py's conversion of it, which sees the whole tree, against
    after[SUFFIX]/ (the files that change) and report[SUFFIX] (FILE:
    HANDLER: STATUS lines).  Problems as text."""
    top = os.path.join(TREES, name)
    before, after = os.path.join(top, 'before'), os.path.join(top, 'after' + suffix)
    target = tgt.detect(before, forced)
    handlers, diffs, errors, _ = conv.convert(before, jobs=jobs, target=target)
    problems = ['ERROR: %s: %s\n' % kv for kv in sorted(errors.items())]
    new = {path: text.decode('utf-8', 'surrogateescape')
           for path, text in conv.new_contents(before, ''.join(diffs.values())).items()} \
        if diffs else {}
    expected = {}
    for folder, _, files in os.walk(after):
        for f in files:
            path = os.path.relpath(os.path.join(folder, f), after)
            expected[path] = read(os.path.join(folder, f))
    for path in sorted(set(new) | set(expected)):
        want = expected.get(path, read(os.path.join(before, path)))
        got = new.get(path, read(os.path.join(before, path)))
        if got != want:
            problems.append(''.join(difflib.unified_diff(
                want.splitlines(True), got.splitlines(True), 'after%s/%s' % (suffix, path),
                'converted')))
    lines = sorted('%s: %s: %s' % (h.file, h.handler, h.status) for h in handlers)
    wanted = sorted(l for l in read(os.path.join(top, 'report' + suffix)).splitlines()
                    if l.strip())
    if lines != wanted:
        problems.append(''.join(difflib.unified_diff(
            [l + '\n' for l in wanted], [l + '\n' for l in lines],
            'report' + suffix, 'convert')))
    return ''.join(problems)


def verdict(label, problems, xfail, verbose):
    """Print what became of one fixture; True when it counts as passed (an
    expected failure that still fails does)."""
    if label in xfail and problems:
        print('XFAIL %s: %s' % (label, xfail[label]))
        return True
    if label in xfail:
        print('XPASS %s: listed in EXPECTED_FAILURES but passes; '
              'remove it from the list' % label)
        return False
    if problems:
        print('FAIL %s\n%s' % (label, problems))
        return False
    if verbose:
        print('PASS %s' % label)
    return True


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('names', nargs='*', help='fixtures to run (default: all)')
    ap.add_argument('-j', '--jobs', type=int, default=os.cpu_count() or 2)
    ap.add_argument('-v', '--verbose', action='store_true')
    args = ap.parse_args()
    processes.VERBOSE = args.verbose
    names = sorted(f[:-2] for f in os.listdir(FIXTURES) if f.endswith('.c'))
    if args.names:
        names = [n for n in names if n in args.names]
    xfail = expected_failures()
    passed = failed = 0
    try:
        processes.spatch_version()
        for suffix, modes in TARGETS:
            chosen = [n for n in names if has_expectations(n, suffix) or
                      not suffix and not any(has_expectations(n, other)
                                             for other, _ in TARGETS)]
            if not chosen:
                continue
            with tempfile.TemporaryDirectory(prefix='mmap-fixtures-') as work:
                reports = converted_copies(chosen, work, args.jobs, modes)
                reordered = order_differences(work, chosen, args.jobs, modes)
                again = second_run_changes(work, chosen, args.jobs, modes)
                for name in chosen:
                    label = name + suffix
                    problems = compare(name, work, reports, suffix)
                    if name in reordered:
                        problems += ('the result differs when split_prefault.cocci runs '
                                     'before mmap_to_prepare.cocci\n')
                    if name in again:
                        problems += 'a second run of the semantic patches changes it again\n'
                    ok = verdict(label, problems, xfail, args.verbose)
                    passed, failed = passed + ok, failed + (not ok)
        for name in [n for n in tree_fixtures() if not args.names or n in args.names]:
            for suffix, forced in (('', 'v1'), ('.mainline', 'mainline')):
                if not os.path.exists(os.path.join(TREES, name, 'report' + suffix)):
                    continue
                label = 'trees/%s%s' % (name, suffix)
                ok = verdict(label, run_tree(name, suffix, forced, args.jobs), xfail,
                             args.verbose)
                passed, failed = passed + ok, failed + (not ok)
    except UserError as err:
        print('run_fixtures.py: error: %s' % err, file=sys.stderr)
        return 2
    print('%d passed, %d failed' % (passed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
