"""Run the semantic patches over many files.

One spatch process reads the semantic patch once and forks --jobs workers
that take the files one at a time (--file-groups, one file per group, so that
each file is matched on its own, as make coccicheck does): this balances the
load far better than splitting the list up front.  spatch runs --very-quiet
(its verbose modes cost a fifth more time), so progress is read from the
report lines as they arrive.
"""

import glob
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time

from . import COCCI_DIR, VERSION
from . import processes

# The macros spatch needs told (cleanup.h's guards), for every run.
MACRO_FILE = os.path.join(COCCI_DIR, 'macros.h')

REPORT_LINE = re.compile(
    r'^(?P<file>[^\s:]+):(?P<line>\d+):(?P<col>\d+)-(?P<end>\d+): '
    r'(?P<handler>\w+) \((?P<fops>[^)]*)\)(?: \[(?P<primitives>[\w,]*)\])?: '
    r'(?P<status>\S+): (?P<reason>.*)$')
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


class Progress:
    """'[done/total] file' on stderr when it is a terminal, else nothing."""

    def __init__(self, total, label, out_path, workers=None):
        self.total, self.label, self.out_path = total, label, out_path
        # with --jobs, the workers write to WORKERS*/stdout.N until the end
        self.workers = workers
        self.tty = sys.stderr.isatty()

    def outputs(self):
        return [self.out_path] + (sorted(glob.glob(glob.escape(self.workers) + '*/stdout.*'))
                                  if self.workers else [])

    def update(self):
        if not self.tty:
            return
        seen, last = set(), ''
        for path in self.outputs():
            try:
                with open(path, errors='replace') as out:
                    for line in out:
                        m = REPORT_LINE.match(line)
                        if m:
                            seen.add(m.group('file'))
                            last = m.group('file')
            except OSError:         # a worker's file, gone at its end
                continue
        sys.stderr.write('\r\033[K%s [%d/%d] %s' % (self.label, len(seen), self.total, last))
        sys.stderr.flush()

    def close(self):
        if self.tty:
            sys.stderr.write('\r\033[K')
            sys.stderr.flush()


def default_cache_dir():
    """$XDG_CACHE_HOME/mmap-convert, or ~/.cache/mmap-convert."""
    base = os.environ.get('XDG_CACHE_HOME') or os.path.join(os.path.expanduser('~'), '.cache')
    return os.path.join(base, 'mmap-convert')


class Cache:
    """spatch's results, one entry per file, on disk.

    A file's result depends only on its path and content (the semantic
    patches run with --no-includes), the semantic patch, the modes and
    options, spatch and this module, which turns spatch's output into
    entries: the key hashes all of them, so an entry is never stale, only
    unused.  Timeouts and crashes are not kept: they may not recur."""

    def __init__(self, folder, spatch_version):
        self.folder = folder
        digests = []
        for path in (os.path.abspath(__file__), MACRO_FILE):
            with open(path, 'rb') as src:
                digests.append(hashlib.sha256(src.read()).hexdigest())
        self.common = '\0'.join([VERSION, spatch_version] + digests)
        self.hits = self.misses = 0

    def key(self, kdir, cocci, modes, path):
        digest = hashlib.sha256(self.common.encode())
        with open(cocci, 'rb') as src:
            digest.update(src.read())
        digest.update('\0'.join(modes + [path, '']).encode())
        with open(os.path.join(kdir, path), 'rb') as src:
            digest.update(src.read())
        return digest.hexdigest()

    def _path(self, key):
        return os.path.join(self.folder, key[:2], key[2:] + '.json')

    def get(self, key):
        try:
            with open(self._path(key)) as src:
                entry = json.load(src)
        except (OSError, ValueError):
            entry = None
        if not valid_entry(entry):
            # a miss: the fresh result replaces it
            self.misses += 1
            return None
        self.hits += 1
        return entry

    def put(self, key, entry):
        path = self._path(key)
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with tempfile.NamedTemporaryFile('w', dir=os.path.dirname(path), delete=False,
                                             suffix='.tmp') as out:
                json.dump(entry, out)
            os.replace(out.name, path)
        except OSError as err:
            # a cache that cannot be written costs time, not results
            processes.log('spatch cache: cannot write %s: %s' % (path, err))


def valid_entry(entry):
    """Does a cache entry read back as _entries() writes it?"""
    if not isinstance(entry, dict) or set(entry) != {'reports', 'diff', 'errors'}:
        return False
    reports, diff, errors = entry['reports'], entry['diff'], entry['errors']
    return (isinstance(reports, list) and isinstance(diff, list) and isinstance(errors, dict)
            and all(isinstance(line, str) and REPORT_LINE.match(line) for line in reports)
            and all(isinstance(line, str) for line in diff)
            and all(isinstance(k, str) and isinstance(v, str) for k, v in errors.items()))


def run_spatch(kdir, cocci, files, modes, jobs=2, timeout=120, spatch='spatch',
               label='spatch', cache=None):
    """Run COCCI with the given virtual modes over files (relative to kdir);
    with a Cache, only over the files it has no entry for."""
    result = Result()
    keys, todo = {}, list(files)
    if cache is not None:
        todo = []
        for name in files:
            keys[name] = cache.key(kdir, cocci, modes, name)
            entry = cache.get(keys[name])
            if entry is None:
                todo.append(name)
            else:
                _replay(entry, result)
    if todo:
        fresh = _run_spatch(kdir, cocci, todo, modes, jobs, timeout, spatch, label)
        if cache is not None:
            for name, entry in _entries(fresh, todo).items():
                cache.put(keys[name], entry)
        result.reports += fresh.reports
        result.diff += fresh.diff
        result.errors.update(fresh.errors)
    return result


def _entries(result, files):
    """A fresh result cut into one cache entry per file; nothing when some
    output cannot be told apart by file."""
    entries = {name: {'reports': [], 'diff': [], 'errors': {}} for name in files}
    for m in result.reports:
        name = os.path.normpath(m.group('file'))
        if name not in entries:
            return {}
        entries[name]['reports'].append(m.group(0))
    current = None
    for line in result.diff:
        m = re.match(r'^diff -u -p a/(\S+) b/', line)
        if m:
            current = m.group(1)
            if current not in entries:
                return {}
        elif current is None:
            return {}
        entries[current]['diff'].append(line)
    for name, why in result.errors.items():
        if name not in entries:
            return {}
        if not why.startswith('spatch failed'):
            del entries[name]
            continue
        entries[name]['errors'][name] = why
    return entries


def _replay(entry, result):
    result.reports += [REPORT_LINE.match(line) for line in entry['reports']]
    result.diff += entry['diff']
    result.errors.update(entry['errors'])


def _run_spatch(kdir, cocci, files, modes, jobs, timeout, spatch, label):
    result = Result()
    if not files:
        return result
    # --no-scanner: the kernel's .cocciconfig asks for --use-gitgrep, which
    # would grep the whole tree once per file of --file-groups.
    cmd = [spatch, '--sp-file', cocci, '--timeout', str(timeout), '--no-scanner',
           '--very-quiet', '--macro-file', MACRO_FILE]
    for mode in modes:
        cmd += ['-D', mode]
    cmd += cocci_options(cocci)
    # report lines come from spatch's Python: unbuffered, they show progress
    env = dict(os.environ, PYTHONUNBUFFERED='1')
    with tempfile.TemporaryDirectory(prefix='mmap-convert-') as tmp:
        workers = None
        if jobs > 1:
            # the workers' output goes to a folder of ours, not to the cwd
            workers = os.path.join(tmp, 'workers')
            cmd += ['--jobs', str(jobs), '--chunksize', '1', '--tmp-dir', workers]
        groups = os.path.join(tmp, 'groups')
        with open(groups, 'w') as out:
            out.write(''.join('%s\n\n' % name for name in files))
        out_path = os.path.join(tmp, 'out')
        progress = Progress(len(files), label, out_path, workers)
        with open(out_path, 'w+') as out:
            proc = processes.start(cmd + ['--file-groups', groups], cwd=kdir, env=env,
                               stdout=out, stderr=subprocess.PIPE)
            stderr_lines = []
            reader = threading.Thread(target=_read_stderr, args=(proc, stderr_lines))
            reader.start()
            while proc.poll() is None:
                progress.update()
                time.sleep(0.5)
            reader.join()
            out.seek(0)
            _collect(out.read(), result)
        _errors(stderr_lines, files, proc.returncode, result)
    progress.close()
    return result


def _read_stderr(proc, lines):
    lines.extend(proc.stderr)


def _collect(text, result):
    """Split spatch's output into report lines and a diff with a/ b/ paths.

    spatch names the new file after its temporary copy
    (+++ /tmp/cocci-output-...); the diff is rewritten with the headers that
    git apply and patch -p1 expect, the ones make coccicheck prints."""
    lines = text.splitlines(keepends=True)
    i = 0
    while i < len(lines):
        line = lines[i]
        m = REPORT_LINE.match(line.rstrip('\n')) if line[:1] not in ' +-@' else None
        if m:
            result.reports.append(m)
        elif (line.startswith('--- ') and i + 1 < len(lines)
              and lines[i + 1].startswith('+++ ')):
            path = line[4:].strip()
            if path.startswith('a/'):
                path = path[2:]
            result.diff += ['diff -u -p a/%s b/%s\n' % (path, path),
                            '--- a/%s\n' % path, '+++ b/%s\n' % path]
            i += 1
        elif not line.startswith('diff -u -p '):
            result.diff.append(line)
        i += 1


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
