"""Which preprocessor branches of a file a conversion touches, and which of
them a build compiled.

A file that compiles in one configuration can still break in another: a
`#define NAME_mmap NULL` in the `#else` of a page-size test is never seen
by a build that takes the `#if`.  So verify lists, per file, the innermost
`#if`/`#ifdef`/`#ifndef`/`#elif`/`#else` branch of every line the
conversion adds, and reads kbuild's preprocessed output (`make FILE.i`)
to tell which of them each configuration compiled: the line markers say
which source lines came out.

A branch holding only directives (a `#define`) leaves nothing in the
output; it is judged from its siblings: a chain takes one branch, so a
sibling seen compiled rules it out, and an `#else` is taken when every
other branch of its chain is seen skipped.

Pure logic: text in, data out.
"""

import itertools
import re
from dataclasses import dataclass, field

DIRECTIVE = re.compile(r'^\s*#\s*(if|ifdef|ifndef|elif|else|endif)\b(.*)$')
MARKER = re.compile(r'^# (\d+) "((?:[^"\\]|\\.)*)"')
CONFIG_TEST = re.compile(
    r'(!\s*)?(?:\b(?:defined|IS_ENABLED|IS_BUILTIN|IS_MODULE|IS_REACHABLE)\s*\(\s*'
    r'(CONFIG_\w+)\s*\)|\bdefined\s+(CONFIG_\w+)|\b(CONFIG_\w+)\b)')


@dataclass
class Branch:
    start: int                  # line of its directive (1-based)
    end: int                    # last line before the next directive of its chain
    kind: str                   # if, ifdef, ifndef, elif, else
    text: str                   # the directive as written, continuations joined
    chain: int                  # index of its chain
    parent: int                 # index of the enclosing branch, -1 at top level
    content: list = field(default_factory=list)     # its own code lines
    conditions: list = field(default_factory=list)  # (kind, expression) of the chain so far

    def label(self):
        return '%d-%d %s' % (self.start, self.end, self.text)


def strip_comments(text):
    """C text with comments blanked out, line structure kept."""
    out = re.sub(r'/\*.*?\*/', lambda m: re.sub(r'[^\n]', ' ', m.group(0)), text, flags=re.S)
    return re.sub(r'//[^\n]*', '', out)


def branches(text):
    """The conditional branches of C text, in order."""
    lines = strip_comments(text).split('\n')
    out, stack, chains = [], [], 0
    i = 0
    while i < len(lines):
        line, first = lines[i], i
        while line.endswith('\\') and i + 1 < len(lines):
            i += 1
            line = line[:-1] + ' ' + lines[i]
        i += 1
        m = DIRECTIVE.match(line)
        if not m:
            if stack and line.strip() and not line.lstrip().startswith('#'):
                out[stack[-1]].content.append(first + 1)
            continue
        kind, rest = m.group(1), ' '.join(m.group(2).split())
        text_ = ('#%s %s' % (kind, rest)).strip()
        if kind in ('if', 'ifdef', 'ifndef'):
            parent = stack[-1] if stack else -1
            out.append(Branch(first + 1, first + 1, kind, text_, chains, parent,
                              conditions=[(kind, rest)]))
            chains += 1
            stack.append(len(out) - 1)
        elif kind in ('elif', 'else') and stack:
            prev = out[stack.pop()]
            prev.end = first
            out.append(Branch(first + 1, first + 1, kind, text_, prev.chain, prev.parent,
                              conditions=prev.conditions + [(kind, rest)]))
            stack.append(len(out) - 1)
        elif kind == 'endif' and stack:
            out[stack.pop()].end = first + 1
    return out


def innermost(bs, line):
    """Index of the innermost branch holding line, or -1."""
    best = -1
    for i, b in enumerate(bs):
        if b.start <= line <= b.end:
            best = i
    return best


def added_lines(diff):
    """{path: [line numbers in the new file]} of a unified diff with -U0:
    the lines it adds, and for a hunk that only deletes, the line after."""
    out, path, new = {}, None, 0
    for line in diff.splitlines():
        if line.startswith('+++ '):
            path = line[4:].split('\t')[0]
            path = path[2:] if path.startswith('b/') else path
            continue
        m = re.match(r'^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@', line)
        if m:
            new = int(m.group(1))
            if m.group(2) == '0':
                out.setdefault(path, []).append(new + 1)
            continue
        if path and line.startswith('+'):
            out.setdefault(path, []).append(new)
            new += 1
        elif path and line.startswith(' '):
            new += 1
    return out


def touched(text, lines):
    """[branch index] of the innermost branches holding the lines (a line at
    top level needs no more than the file being compiled)."""
    bs = branches(text)
    return bs, sorted({i for i in (innermost(bs, n) for n in lines) if i >= 0})


def emitted(preprocessed, source):
    """Source lines of the main file that carry code in preprocessed output
    (gcc -E with line markers).  source: a suffix of the main file's name."""
    out = set()
    main, cur, line = None, None, 0
    for text in preprocessed.split('\n'):
        m = MARKER.match(text)
        if m:
            cur, line = m.group(2), int(m.group(1))
            if main is None:
                main = cur
            continue
        if cur is not None and cur == main and text.strip():
            out.add(line)
        line += 1
    return out


def compiled(bs, seen):
    """{branch index: True (compiled), False (skipped) or None (cannot tell)}
    given the emitted source lines of a build that compiled the file."""
    state = {}
    for i, b in enumerate(bs):
        if b.content:
            state[i] = any(n in seen for n in b.content)
    # a nested branch compiled means its parents were
    for i, b in enumerate(bs):
        if state.get(i):
            p = b.parent
            while p >= 0:
                state[p] = True
                p = bs[p].parent
    # branches without code of their own: from their chain
    for _ in range(3):
        for i, b in enumerate(bs):
            if state.get(i) is not None:
                continue
            parent_on = b.parent < 0 or state.get(b.parent)
            if parent_on is False:
                state[i] = False
                continue
            chain = [j for j, c in enumerate(bs) if c.chain == b.chain]
            if any(state.get(j) for j in chain if j != i):
                state[i] = False
            elif parent_on and bs[chain[-1]].kind == 'else' and \
                    all(state.get(j) is False for j in chain if j != i) and \
                    (i == chain[-1]):
                state[i] = True
    return {i: state.get(i) for i in range(len(bs))}


# -- what configuration would take a branch ---------------------------------

def _python(expr):
    """A C conditional on CONFIG symbols as Python over CONFIG names, and
    the names; None when it needs anything else (a macro, a value)."""
    names = []

    def sub(m):
        name = m.group(2) or m.group(3) or m.group(4)
        names.append(name)
        return ('not ' if m.group(1) else '') + 'v[%r]' % name
    py = CONFIG_TEST.sub(sub, expr)
    py = py.replace('&&', ' and ').replace('||', ' or ')
    py = re.sub(r'!(?!=)', ' not ', py)
    rest = re.sub(r"v\['CONFIG_\w+'\]|\b(and|or|not)\b|[()\s]|\b[01]\b", '', py)
    if rest:
        return None, names
    return py, names


def condition(b, bs):
    """Python text of what b and its parents need, and its CONFIG names;
    (None, names) when the condition is not on CONFIG symbols alone."""
    parts, names = [], []
    chain = [b]
    p = b.parent
    while p >= 0:
        chain.append(bs[p])
        p = bs[p].parent
    for br in chain:
        conds = br.conditions
        for n, (kind, expr) in enumerate(conds):
            last = n == len(conds) - 1
            if kind == 'else':
                continue
            if kind in ('ifdef', 'ifndef'):
                if not re.match(r'^CONFIG_\w+$', expr.strip()):
                    return None, names
                py, ns = "v[%r]" % expr.strip(), [expr.strip()]
                if kind == 'ifndef':
                    py = 'not ' + py
            else:
                py, ns = _python(expr)
                if py is None:
                    return None, names + ns
            names += ns
            parts.append('(%s)' % py if last else '(not (%s))' % py)
    return ' and '.join(parts) or 'True', sorted(set(names))


def wanted(b, bs, config, limit=5):
    """{CONFIG_X: True/False} that makes the branch's condition hold with
    the fewest changes to config ({CONFIG_X: value}); None when the
    condition is not on CONFIG symbols alone or cannot hold."""
    py, names = condition(b, bs)
    if py is None or len(names) > limit:
        return None
    best = None
    for values in itertools.product((False, True), repeat=len(names)):
        v = dict(zip(names, values))
        try:
            ok = eval(py, {'__builtins__': {}}, {'v': v})   # built from our own text
        except Exception:
            return None
        if not ok:
            continue
        changes = {n: x for n, x in v.items() if bool(config.get(n)) != x}
        if best is None or len(changes) < len(best):
            best = changes
    return best
