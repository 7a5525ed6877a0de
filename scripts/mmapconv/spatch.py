"""Run the semantic patches over many files, several spatch processes at once.

One spatch process costs about a second before it reads any C file, so each
worker takes a share of the files (--file-groups, one file per group, so that
each file is matched on its own, as make coccicheck does).  Workers print the
diff and the report lines on stdout.  spatch runs --very-quiet (its verbose
modes cost a fifth more time), so progress is read from the report lines as
they arrive: each worker handles its share in order.
"""

import os
import re
import subprocess
import sys
import tempfile
import threading
import time

from . import tools

REPORT_LINE = re.compile(
    r'^(?P<file>[^\s:]+):(?P<line>\d+):(?P<col>\d+)-(?P<end>\d+): '
    r'(?P<handler>\w+) \((?P<fops>[^)]*)\): (?P<status>\S+): (?P<reason>.*)$')
TIMEOUT = re.compile(r'timeout \(we abort\)\s*:?\s*(?P<files>.*)')
EXCEPTION = re.compile(r'^EXN: .* in (?P<file>\S+)$')


def cocci_options(cocci):
    """The '// Options:' line of a semantic patch, as make coccicheck reads it."""
    with open(cocci) as src:
        for line in src:
            if line.startswith('// Options:'):
                return line.split(':', 1)[1].split()
    return []


class Result:
    def __init__(self):
        self.diff = []          # lines of the unified diff
        self.reports = []       # REPORT_LINE matches
        self.errors = {}        # file -> what went wrong


def balance(files, kdir, jobs):
    """Split files into jobs lists of similar total size."""
    buckets = [[0, []] for _ in range(max(1, min(jobs, len(files))))]
    sized = sorted(files, key=lambda f: -os.path.getsize(os.path.join(kdir, f)))
    for name in sized:
        bucket = min(buckets, key=lambda b: b[0])
        bucket[0] += os.path.getsize(os.path.join(kdir, name))
        bucket[1].append(name)
    return [sorted(b[1]) for b in buckets if b[1]]


class Progress:
    """'[done/total] file' on stderr when it is a terminal, else nothing."""

    def __init__(self, total, label):
        self.total, self.label = total, label
        self.tty = sys.stderr.isatty()
        self.shares = []        # (file names in order, output file)

    def watch(self, share, out_path):
        self.shares.append((share, out_path))

    def update(self):
        """Each worker has reached at least the last file it reported on."""
        if not self.tty:
            return
        done, last = 0, ''
        for share, out_path in self.shares:
            index = {name: i for i, name in enumerate(share)}
            reached = -1
            with open(out_path, errors='replace') as out:
                for line in out:
                    m = REPORT_LINE.match(line)
                    if m and m.group('file') in index:
                        reached = max(reached, index[m.group('file')])
                        last = m.group('file')
            done += reached + 1
        sys.stderr.write('\r\033[K%s [%d/%d] %s' % (self.label, done, self.total, last))
        sys.stderr.flush()

    def close(self):
        if self.tty:
            sys.stderr.write('\r\033[K')
            sys.stderr.flush()


def run_spatch(kdir, cocci, files, modes, jobs=2, timeout=120, spatch='spatch',
               label='spatch'):
    """Run COCCI with the given virtual modes over files (relative to kdir)."""
    result = Result()
    if not files:
        return result
    # --no-scanner: the kernel's .cocciconfig asks for --use-gitgrep, which
    # would grep the whole tree once per file of --file-groups.
    base = [spatch, '--sp-file', cocci, '--patch', '.', '--timeout', str(timeout),
            '--no-scanner', '--very-quiet']
    for mode in modes:
        base += ['-D', mode]
    base += cocci_options(cocci)
    progress = Progress(len(files), label)
    # report lines come from spatch's Python: unbuffered, they show progress
    env = dict(os.environ, PYTHONUNBUFFERED='1')
    workers = []
    with tempfile.TemporaryDirectory(prefix='mmap-convert-') as tmp:
        for i, share in enumerate(balance(files, kdir, jobs)):
            groups = os.path.join(tmp, 'groups.%d' % i)
            with open(groups, 'w') as out:
                out.write(''.join('%s\n\n' % name for name in share))
            out_path = os.path.join(tmp, 'out.%d' % i)
            out = open(out_path, 'w+')
            proc = tools.start(base + ['--file-groups', groups], cwd=kdir, env=env,
                               stdout=out, stderr=subprocess.PIPE)
            stderr_lines = []
            reader = threading.Thread(target=_read_stderr, args=(proc, stderr_lines))
            reader.start()
            progress.watch(share, out_path)
            workers.append((proc, out, reader, stderr_lines, share))
        while any(w[0].poll() is None for w in workers):
            progress.update()
            time.sleep(0.5)
        for proc, out, reader, stderr_lines, share in workers:
            reader.join()
            out.seek(0)
            _collect(out.read(), result)
            out.close()
            _errors(stderr_lines, share, proc.returncode, result)
    progress.close()
    return result


def _read_stderr(proc, lines):
    lines.extend(proc.stderr)


def _collect(text, result):
    for line in text.splitlines(keepends=True):
        m = REPORT_LINE.match(line.rstrip('\n')) if line[:1] not in ' +-@' else None
        if m and not line.startswith('diff '):
            result.reports.append(m)
        else:
            result.diff.append(line)


def _errors(lines, share, returncode, result):
    for line in lines:
        m = TIMEOUT.search(line)
        if m:
            for name in m.group('files').split():
                result.errors[os.path.normpath(name)] = 'spatch timed out'
        m = EXCEPTION.match(line.strip())
        if m:
            result.errors[os.path.normpath(m.group('file'))] = \
                'spatch failed: ' + line.strip()[:120]
    if returncode != 0 and not result.errors:
        tail = ''.join(lines[-3:]).strip().replace('\n', ' ')
        for name in share:
            result.errors.setdefault(name, 'spatch exited with %d: %s' % (returncode, tail))
