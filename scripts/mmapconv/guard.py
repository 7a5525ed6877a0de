"""What a run may read, write and remove: the user's files come first.

- Outputs (-o, --json, --md, --html, verify -O, series OUTDIR) are checked
  before any long work: they can be written, and none of them replaces a
  file of the kernel tree or puts a folder of ours inside it.
- spatch never sees the tree: it runs in a scratch folder on copies of the
  files (stage()), so it reads no .cocciconfig of the tree and writes
  nothing into it, and every name it is given is one that neither its
  option parser nor the shell that runs its internal diff can misread.
- --in-place replaces every file or none (write_all()), on errors and on
  SIGINT, SIGTERM and SIGHUP alike.
"""

import errno
import hashlib
import os
import re
import signal

from . import UserError

# A path spatch may see as it is: words of letters, digits and . , _ + -,
# none starting with a dash or a dot.
SAFE_PART = re.compile(r'[A-Za-z0-9_][A-Za-z0-9_.,+-]*')
RENAMED = 'mmap-convert-renamed'


def staged_name(path):
    """The name spatch sees for path: the path itself when it is safe, else
    a name made from its hash (the same on every run, so the spatch cache
    keeps working), with its .c or .h."""
    if all(SAFE_PART.fullmatch(part) for part in path.split('/')):
        return path
    digest = hashlib.sha256(path.encode('utf-8', 'surrogateescape')).hexdigest()[:20]
    return '%s/%s%s' % (RENAMED, digest, '.h' if path.endswith('.h') else '.c')


def stage(kdir, paths, folder):
    """Copy KDIR's paths to folder under their staged names; returns
    {staged name: path}."""
    names = {}
    for path in paths:
        name = staged_name(path)
        dst = os.path.join(folder, name)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        with open(os.path.join(kdir, path), 'rb') as src, open(dst, 'wb') as out:
            out.write(src.read())
        names[name] = path
    return names


QUOTED = {'"': '\\"', '\\': '\\\\', '\n': '\\n', '\t': '\\t', '\r': '\\r'}


def diff_name(name):
    """A/B name as a diff header writes it: C-quoted, as git does, when it
    holds a blank, a quote, a backslash or a control character (git apply
    and GNU patch read both forms)."""
    if not re.search(r'[\s"\\\x00-\x1f\x7f]', name):
        return name
    return '"%s"' % ''.join(QUOTED.get(c) or ('\\%03o' % ord(c) if ord(c) < 32 or ord(c) == 127
                                              else c) for c in name)


def unquote(text):
    """The name in a C-quoted diff header name."""
    if not (text.startswith('"') and text.endswith('"')):
        return text
    out = text[1:-1].encode('utf-8', 'surrogateescape')
    out = re.sub(rb'\\([0-7]{3}|.)', lambda m: bytes([int(m.group(1), 8)])
                 if len(m.group(1)) == 3 else {b'n': b'\n', b't': b'\t', b'r': b'\r'}
                 .get(m.group(1), m.group(1)), out)
    return out.decode('utf-8', 'surrogateescape')


def diff_header(path):
    """The three lines that open a file's diff in convert's output."""
    a, b = diff_name('a/' + path), diff_name('b/' + path)
    return 'diff -u -p %s %s\n--- %s\n+++ %s\n' % (a, b, a, b)


def retarget(text, path):
    """A file's diff (diff_header and hunks) with its header naming path."""
    lines = text.split('\n', 3)
    return diff_header(path) + (lines[3] if len(lines) > 3 else '')


# --- outputs -----------------------------------------------------------------

def inside(path, top):
    """Is path (resolved) top or below it?"""
    real, top = os.path.realpath(path), os.path.realpath(top)
    return real == top or real.startswith(top.rstrip(os.sep) + os.sep)


def check_writable_folder(path, what):
    """path, a folder that exists or can be made, is writable."""
    probe = os.path.abspath(path)
    while not os.path.exists(probe):
        probe = os.path.dirname(probe)
    if not os.path.isdir(probe):
        raise UserError('%s %s: %s is not a folder' % (what, path, probe))
    if not os.access(probe, os.W_OK | os.X_OK):
        raise UserError('%s %s: %s is not writable' % (what, path, probe))


def check_output(kdir, path, what, ours=None):
    """An output file named on the command line: it must be writable, and
    inside KDIR it may replace only an earlier output of ours (ours(head)
    says so from its first bytes), never a file of the tree."""
    if path is None:
        return
    if not path:
        raise UserError('%s: an empty file name' % what)
    if os.path.isdir(path):
        raise UserError('%s %s is a folder, not a file' % (what, path))
    if os.path.lexists(path):
        if kdir and inside(path, kdir):
            try:
                with open(path, 'rb') as src:
                    head = src.read(4096)
            except OSError:
                head = None
            if head is None or not (ours and ours(head)):
                raise UserError('%s %s would overwrite a file of the kernel tree %s; '
                                'write it elsewhere' % (what, path, kdir))
        if not os.access(path, os.W_OK):
            raise UserError('%s %s is not writable' % (what, path))
        return
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise UserError('%s %s: no such folder %s' % (what, path, folder))
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UserError('%s %s: the folder %s is not writable' % (what, path, folder))


def check_folder_outside(kdir, path, what):
    """An output folder (series OUTDIR, verify -O) is neither KDIR nor in it."""
    if not path:
        raise UserError('%s: an empty folder name' % what)
    if inside(path, kdir):
        raise UserError('%s %s is inside the kernel tree %s; give a folder outside it'
                        % (what, path, kdir))
    if os.path.exists(path) and not os.path.isdir(path):
        raise UserError('%s %s exists and is not a folder' % (what, path))
    check_writable_folder(path, what)


def check_folder_ours(path, marker, what, command):
    """An output folder that exists is empty, or was written by command,
    which leaves marker in it: a folder of the user's is not ours to fill
    or clean."""
    if os.path.isdir(path) and os.listdir(path) and \
       not os.path.lexists(os.path.join(path, marker)):
        shown = sorted(os.listdir(path))
        raise UserError('%s %s holds files %s did not write (%s); give a new or empty '
                        'folder' % (what, path, command, ', '.join(shown[:3]) +
                                    (', ...' if len(shown) > 3 else '')))


# --- --in-place ----------------------------------------------------------------

SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class Interrupted(KeyboardInterrupt):
    pass


class _Signals:
    """SIGINT, SIGTERM and SIGHUP raise Interrupted, or, while critical is
    set, wait until check() (so that a file made is always a file known)."""

    def __init__(self):
        self.critical = False
        self.pending = None
        self.old = {}

    def handle(self, signum, frame):
        if self.critical:
            self.pending = signum
        else:
            raise Interrupted()

    def check(self):
        if self.pending:
            raise Interrupted()

    def __enter__(self):
        try:
            for sig in SIGNALS:
                self.old[sig] = signal.signal(sig, self.handle)
        except ValueError:          # not the main thread: nothing to catch
            pass
        return self

    def __exit__(self, *exc):
        for sig, old in self.old.items():
            signal.signal(sig, old)


def _temp(path, kind):
    folder, name = os.path.split(path)
    return os.path.join(folder, '.%s.mmap-convert-%d.%s' % (name, os.getpid(), kind))


def write_all(kdir, contents, step=None):
    """Replace each KDIR/path by contents[path] (bytes), every file or none.

    Each new content goes to a temporary file beside its file, each
    original keeps a second name (a hard link, else a copy), and only then
    are the files renamed into place, with signals held back; any error or
    signal before the end puts every original back and removes every
    temporary file.  The error names the file that failed.  step(stage,
    path), when given, is called before each step (tests inject faults)."""
    step = step or (lambda stage, path: None)
    made, done = [], []          # temporary files; renamed files
    current = kdir
    with _Signals() as sigs:
        try:
            plan = []
            for current in sorted(contents):
                full = os.path.join(kdir, current)
                step('check', current)
                st = _check_target(full, current)
                new, orig = _temp(full, 'new'), _temp(full, 'orig')
                step('write', current)
                _made(sigs, made, new, lambda: os.open(new, os.O_WRONLY | os.O_CREAT |
                                                       os.O_EXCL, st.st_mode & 0o7777))
                with open(new, 'wb') as out:
                    out.write(contents[current])
                _chown(new, st)
                step('keep', current)
                _keep(sigs, made, full, orig)
                plan.append((current, full, new, orig))
            sigs.critical = True
            for current, full, new, orig in plan:
                step('rename', current)
                os.replace(new, full)
                made.remove(new)
                done.append((current, full, orig))
            sigs.check()
            for _, _, orig in done:
                _remove(orig)
        except BaseException as err:
            sigs.critical = True
            failed = _undo(done, made)
            if isinstance(err, KeyboardInterrupt):
                raise Interrupted('interrupted; %s is left unchanged%s' % (kdir, failed))
            if isinstance(err, UserError):
                raise UserError('%s; %s is left unchanged%s' % (err, kdir, failed))
            if isinstance(err, OSError):
                raise UserError('cannot write %s: %s; %s is left unchanged%s' % (
                    current, err.strerror or err, kdir, failed))
            raise
    if sigs.pending:                # after the last rename: too late to undo
        os.kill(os.getpid(), sigs.pending)


def _made(sigs, made, path, create):
    """Run create(), which makes path, and note path in made, with no
    signal in between; create() may return a descriptor to close."""
    sigs.critical = True
    try:
        fd = create()
        made.append(path)
        if isinstance(fd, int):
            os.close(fd)
    finally:
        sigs.critical = False
    sigs.check()


def _check_target(full, path):
    try:
        st = os.lstat(full)
    except OSError as err:
        raise UserError('cannot write %s: %s' % (path, err.strerror))
    if not os.path.isfile(full) or os.path.islink(full):
        raise UserError('cannot write %s: not a regular file' % path)
    if not os.access(full, os.W_OK) or not os.access(os.path.dirname(full), os.W_OK | os.X_OK):
        raise UserError('cannot write %s: %s' % (path, os.strerror(errno.EACCES)))
    return st


def _chown(path, st):
    try:
        os.chown(path, st.st_uid, st.st_gid)
    except OSError:
        pass


def _keep(sigs, made, full, orig):
    """orig, a second name for full's content, so that it can come back."""
    try:
        _made(sigs, made, orig, lambda: os.link(full, orig))
    except OSError:
        _made(sigs, made, orig, lambda: os.open(orig, os.O_WRONLY | os.O_CREAT | os.O_EXCL,
                                                0o600))
        with open(full, 'rb') as src, open(orig, 'wb') as out:
            out.write(src.read())


def _remove(path):
    try:
        os.unlink(path)
    except OSError:
        pass


def _undo(done, made):
    """Put back the renamed files and remove the temporary ones; '' or
    what could not be put back, for the message."""
    lost = []
    for path, full, orig in reversed(done):
        try:
            os.replace(orig, full)
        except OSError:
            lost.append('%s (its original is in %s)' % (path, orig))
    kept = {orig for _, _, orig in done}
    for tmp in made:
        if tmp not in kept:
            _remove(tmp)
    return '' if not lost else ' except %s' % ', '.join(lost)
