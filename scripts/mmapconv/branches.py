"""Handlers whose whole body is one #if, #else, #endif.

drivers/mtd/mtdchar.c of Linux 6.12 has two handlers in one definition:

    static int mtdchar_mmap(struct file *file, struct vm_area_struct *vma)
    {
    #ifdef CONFIG_MMU
            ...
    #else
            return vma->vm_flags & VM_SHARED ? 0 : -EACCES;
    #endif
    }

spatch keeps the preprocessor lines of a body where they stand (no rule
can match or move one), so the lines of a split would end up in the
middle of its hooks; split_prefault.cocci refuses such a handler,
blocked:order(preprocessor), and says to write each branch as a
definition of its own.  convert.py does that itself: the file is run
again with the function written so,

    #ifdef CONFIG_MMU
    static int mtdchar_mmap(struct file *file, struct vm_area_struct *vma)
    {
            ...
    }
    #else
    static int mtdchar_mmap(struct file *file, struct vm_area_struct *vma)
    {
            return vma->vm_flags & VM_SHARED ? 0 : -EACCES;
    }
    #endif

and the semantic patches convert the two as they convert any #ifdef
variants of a handler: the one that populates is split, the other becomes
a plain prepare that defines NULL the hooks it lacks.  The diff is taken
against the file as it was, so it holds both steps.  When the handler is
not converted that way either, what the semantic patches say of it
written so is its reason, the reason of its code (mtdchar's MMU branch
maps with vm_iomap_memory() inside an if), and the file stays as it was.
Line numbers in what they say are those of the file as it is.
"""

import os
import re
import tempfile

from . import guard
from .crossfile import code_text, function_spans

ORDER = 'blocked:order('
# what the reason of a handler converted so starts with
CONVERTED = 'its body, one %s (line %d) with an #else, becomes one definition per branch: '
READ = 'its body, one %s (line %d) with an #else, read as one definition per branch: '


def condition_of(reason):
    """'#ifdef CONFIG_MMU' when reason is that of a handler converted as
    one definition per branch, else None."""
    m = re.match(re.escape(CONVERTED).replace(re.escape('%s'), '(.+?)')
                 .replace(re.escape('%d'), r'\d+'), reason or '')
    return m.group(1) if m else None


class Rewrite:
    """The definition of handler at [start, end) of a file, written as one
    definition per branch of the conditional that is its whole body."""

    def __init__(self, handler, start, end, pieces, condition, line):
        self.handler = handler
        self.start, self.end = start, end
        self.pieces = pieces            # [(text, origin)]: see written()
        self.condition = condition      # '#ifdef CONFIG_MMU'
        self.line = line                # the line of that condition


def directive_lines(directives, text, lbrace, rbrace):
    """[(start, end of line, first word)] of the preprocessor lines between
    the braces (end past the newline)."""
    out = []
    for start, end in directives:
        if lbrace < start < rbrace:
            word = re.match(r'[ \t]*#[ \t]*(\w*)', text[start:])
            out.append((start, min(end + 1, len(text)), word.group(1)))
    return out


def whole_body(text, handler, line):
    """A Rewrite of the definition of handler whose name is on line, when
    its body is one #if/#ifdef/#ifndef with one #else and nothing else
    around it; else None."""
    code, directives = code_text(text)
    for start, end, _, _ in function_spans(code, handler):
        at_name = re.compile(r'\b%s\s*\(' % re.escape(handler)).search(code, start).start()
        if text.count('\n', 0, at_name) + 1 != line:
            continue
        lbrace, rbrace = code.index('{', at_name), end - 1
        lines = directive_lines(directives, text, lbrace, rbrace)
        if len(lines) < 3 or lines[0][2] not in ('if', 'ifdef', 'ifndef') or \
                lines[-1][2] != 'endif' or text[lbrace + 1:lines[0][0]].strip() or \
                text[lines[-1][1]:rbrace].strip():
            return None
        depth, outer = 0, []
        for d in lines:
            if d[2] in ('if', 'ifdef', 'ifndef'):
                depth += 1
            if depth == 1 and d[2] in ('else', 'elif', 'endif'):
                outer.append(d)
            if d[2] == 'endif':
                depth -= 1
                if depth == 0 and d is not lines[-1]:
                    return None
        if [d[2] for d in outer] != ['else', 'endif']:
            return None
        cond, other, endif = lines[0], outer[0], outer[1]
        header = text[start:lbrace + 1] + '\n'

        def at(offset):
            return text.count('\n', 0, offset) + 1
        pieces = [
            (text[cond[0]:cond[1]], at(cond[0])),
            (header, at(start)),
            (text[cond[1]:other[0]], at(cond[1])),
            ('}\n', at(other[0])),
            (text[other[0]:other[1]], at(other[0])),
            # the second definition stands where the #else was
            (header, [at(other[0])]),
            (text[other[1]:endif[0]], at(other[1])),
            ('}\n', at(endif[0])),
            (text[endif[0]:endif[1]].rstrip('\n'), at(endif[0])),
        ]
        return Rewrite(handler, start, end, pieces, ' '.join(text[cond[0]:cond[1]].split()),
                       at(cond[0]))
    return None


def written(text, rewrites):
    """text with each Rewrite applied, and the line of text each of its
    lines comes from (origins[n - 1] for line n)."""
    out, origins = [], []
    pos = 0
    at_line_start = True

    def add(piece, origin):
        nonlocal at_line_start
        parts = piece.split('\n')
        for k, part in enumerate(parts):
            if k == len(parts) - 1 and part == '':
                break
            if k > 0 or at_line_start:
                # a fixed origin ([line]) for every line, or counted on
                origins.append(origin[0] if isinstance(origin, list) else origin + k)
        out.append(piece)
        at_line_start = piece.endswith('\n') if piece else at_line_start

    for rw in sorted(rewrites, key=lambda r: r.start):
        add(text[pos:rw.start], text.count('\n', 0, pos) + 1)
        for piece, origin in rw.pieces:
            add(piece, origin)
        pos = rw.end
    add(text[pos:], text.count('\n', 0, pos) + 1)
    return ''.join(out), origins


def map_lines(reason, origin):
    """The line numbers of a reason, from the rewritten file to the file."""
    def one(m):
        return m.group(1) + re.sub(r'\d+', lambda n: str(origin(int(n.group()))), m.group(2))
    return re.sub(r'\b(lines? )(\d+(?:(?:, | and )\d+)*)', one, reason)


def candidates(kdir, handlers, busy):
    """{path: [Rewrite]} for the handlers left alone for the order of their
    steps whose body is one conditional with an #else: read as one body,
    its branches are in the way of each other (v1: the preprocessor lines
    of a split; mainline: the population of one branch is not the last
    step, the branches populate twice)."""
    found = {}
    texts = {}
    for h in handlers:
        if not h.status.startswith(ORDER) or h.file in busy:
            continue
        if h.file not in texts:
            with open(os.path.join(kdir, h.file), encoding='utf-8',
                      errors='surrogateescape') as src:
                texts[h.file] = src.read()
        rw = whole_body(texts[h.file], h.handler, h.line)
        if rw:
            found.setdefault(h.file, []).append(rw)
    return found, texts


def run_rewritten(path, text, rewrites, run):
    """run(folder, files) on the file written with rewrites: (handlers,
    the new text or None, errors, origins)."""
    from . import convert as conv
    new, origins = written(text, rewrites)
    name = guard.staged_name(path)
    with tempfile.TemporaryDirectory(prefix='mmap-convert-') as scratch:
        os.makedirs(os.path.dirname(os.path.join(scratch, name)), exist_ok=True)
        with open(os.path.join(scratch, name), 'w', encoding='utf-8',
                  errors='surrogateescape') as out:
            out.write(new)
        handlers, diffs, errors = run(scratch, [name])
        result = None
        if name in diffs:
            result = conv.new_contents(scratch, diffs[name])[name].decode(
                'utf-8', 'surrogateescape')
    for h in handlers:
        h.file = path
    return handlers, result, errors, origins


def convert_all(kdir, handlers, diffs, run, text_diff, busy=()):
    """Convert each handler whose whole body is one conditional with an
    #else as one definition per branch, where the semantic patches then
    convert it; otherwise report what they say of it so written.  handlers
    and diffs are updated in place; text_diff(path, text) is the diff of
    KDIR/path to text; busy: files converted with other files, left as
    they are."""
    found, texts = candidates(kdir, handlers, busy)
    for path, rewrites in sorted(found.items()):
        said = {}
        todo = list(rewrites)
        while todo:
            ran, result, errors, origins = run_rewritten(path, texts[path], todo, run)

            def origin(n, origins=origins):
                return origins[n - 1] if 0 < n <= len(origins) else n
            for h in ran:
                h.line = origin(h.line)
                h.reason = map_lines(h.reason, origin)
            if errors:
                # spatch could not read it so: the handlers keep their verdicts
                break
            verdict = {h.handler: h for h in ran}
            converts = [rw for rw in todo if rw.handler in verdict and
                        verdict[rw.handler].converted and result is not None]
            for rw in todo:
                if rw not in converts and rw.handler in verdict:
                    said[rw.handler] = (rw, verdict[rw.handler])
            if len(converts) < len(todo):
                # again, with only those the branches convert
                todo = converts
                continue
            for rw in todo:
                h = verdict[rw.handler]
                h.reason = CONVERTED % (rw.condition, rw.line) + h.reason
            handlers[:] = [h for h in handlers if h.file != path] + ran
            diffs[path] = text_diff(path, result)
            break
        for h in handlers:
            if h.file == path and h.status.startswith(ORDER) and h.handler in said:
                rw, v = said[h.handler]
                h.status, h.primitives = v.status, v.primitives or h.primitives
                h.reason = READ % (rw.condition, rw.line) + v.reason
    handlers.sort(key=lambda h: (h.file, h.line, h.handler))
