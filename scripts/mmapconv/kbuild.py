"""Which kbuild goal builds a source file, and which Kconfig symbol decides.

verify must never count a file that was not compiled as verified, and must
say why a file is not built.  kbuild itself is of no help there: a single
target (`make fs/foo/bar.o`) compiles any .c file it is given, enabled or
not, with whatever flags the nearest descended folder has.  So this module
reads the kbuild files the way kbuild does, with just enough of make:
assignments (`:=`, `=`, `+=`, `?=`), `$(VAR)` and a few functions,
`include`, and `ifeq`/`ifneq`/`ifdef`/`ifndef` against the .config.  Then a
file is built when its object is in `obj-y`/`obj-m`/`lib-y` of its folder,
directly or through a composite object (`foo-y`, `foo-objs`), and every
folder above it is too, up to the top-level Kbuild.

Pure logic: the tree is read through a `read(path)` callable, so tests can
give it a dict.
"""

import os
import posixpath
import re
from dataclasses import dataclass, field

CONFIG_REF = re.compile(r'CONFIG_\w+')
ASSIGN = re.compile(r'^\s*(override\s+|export\s+)?([^:+?=#\s][^:+?=#]*?)\s*(::=|:=|\+=|\?=|=)\s?(.*)$')
KBUILD_LIST = re.compile(r'^(obj|lib)-(y|m)$')


def read_config(text):
    """.config text -> {CONFIG_X: value} of the symbols that are set."""
    config = {}
    for line in text.splitlines():
        m = re.match(r'^(CONFIG_\w+)=(.*)$', line)
        if m:
            config[m.group(1)] = m.group(2).strip('"')
    return config


def logical_lines(text):
    """Makefile text -> lines, continuations joined and comments dropped."""
    out, cur = [], ''
    for raw in text.splitlines():
        if raw.startswith('\t') and not cur:
            continue                    # recipe lines say nothing about objects
        line = raw.split('#', 1)[0] if '#' in raw and '\\#' not in raw else raw
        if line.endswith('\\'):
            cur += line[:-1] + ' '
            continue
        out.append(cur + line)
        cur = ''
    if cur:
        out.append(cur)
    return out


def split_args(text):
    """Top-level comma split of a function's arguments."""
    args, depth, cur = [], 0, ''
    for ch in text:
        if ch in '({':
            depth += 1
        elif ch in ')}':
            depth -= 1
        if ch == ',' and depth == 0:
            args.append(cur)
            cur = ''
        else:
            cur += ch
    args.append(cur)
    return args


def pattern_sub(pattern, repl, word):
    if '%' not in pattern:
        return repl if word == pattern else word
    pre, post = pattern.split('%', 1)
    if word.startswith(pre) and word.endswith(post) and len(word) >= len(pre) + len(post):
        stem = word[len(pre):len(word) - len(post)]
        return repl.replace('%', stem, 1) if '%' in repl else repl
    return word


def pattern_match(pattern, word):
    return pattern_sub(pattern, '\0', word) == '\0' if '%' in pattern else word == pattern


@dataclass
class Assignment:
    var: str            # expanded name, e.g. obj-y, obj-, foo-objs
    raw: str            # as written, e.g. obj-$(CONFIG_FOO)
    words: list         # expanded value
    symbols: list       # CONFIG symbols of the name and of the enclosing conditions
    taken: bool         # False inside a conditional that is false
    cond: list = field(default_factory=list)    # symbols of the conditions alone


@dataclass
class Makefile:
    """One folder's kbuild file, evaluated."""
    folder: str
    vars: dict = field(default_factory=dict)
    assignments: list = field(default_factory=list)


class Evaluator:
    def __init__(self, read, config, srcarch='x86'):
        self.read = read
        self.config = config
        self.srcarch = srcarch
        self.arch = None

    def arch_folders(self):
        """ARCH_CORE, ARCH_LIB and ARCH_DRIVERS, which the top-level Kbuild
        descends into: the top Makefile's libs-y (lib/) and the
        architecture Makefile's core-y, libs-y and drivers-y."""
        if self.arch is None:
            self.arch = {}
            env = {}
            self.run(self.read('arch/%s/Makefile' % self.srcarch) or '', env,
                     Makefile('arch/' + self.srcarch), [], 0)

            def folders(name):
                val, simple = env.get(name, ('', True))
                return [w for w in (val if simple else self.expand(val, env)).split()
                        if w.endswith('/')]
            self.arch = {'ARCH_CORE': ' '.join(folders('core-y')),
                         'ARCH_LIB': ' '.join(['lib/'] + folders('libs-y')),
                         'ARCH_DRIVERS': ' '.join(folders('drivers-y'))}
        return self.arch

    # -- expansion ---------------------------------------------------------
    def expand(self, text, env, depth=0):
        if '$' not in text or depth > 20:
            return text
        out, i = '', 0
        while i < len(text):
            ch = text[i]
            if ch != '$':
                out += ch
                i += 1
                continue
            nxt = text[i + 1:i + 2]
            if nxt in ('(', '{'):
                close = ')' if nxt == '(' else '}'
                j, level = i + 2, 1
                while j < len(text) and level:
                    if text[j] == nxt:
                        level += 1
                    elif text[j] == close:
                        level -= 1
                    j += 1
                out += self.reference(text[i + 2:j - 1], env, depth)
                i = j
            elif nxt == '$':
                out += '$'
                i += 2
            else:
                out += self.lookup(nxt, env, depth)
                i += 2
        return out

    def lookup(self, name, env, depth):
        if name in env:
            value, simple = env[name]
            return value if simple else self.expand(value, env, depth + 1)
        if name.startswith('CONFIG_'):
            return self.config.get(name, '')
        if name in ('ARCH_CORE', 'ARCH_LIB', 'ARCH_DRIVERS'):
            return self.arch_folders().get(name, '')
        return {'srctree': '.', 'SRCARCH': self.srcarch, 'ARCH': self.srcarch,
                'objtree': '.'}.get(name, '')

    def reference(self, inner, env, depth):
        m = re.match(r'^([a-z-]+)\s+(.*)$', inner, re.S)
        if not m:
            return self.lookup(self.expand(inner, env, depth + 1), env, depth)
        fn, rest = m.group(1), m.group(2)
        args = split_args(rest)
        ex = [self.expand(a, env, depth + 1) for a in args]
        words = lambda s: s.split()  # noqa: E731
        if fn == 'addprefix' and len(ex) == 2:
            return ' '.join(ex[0].strip() + w for w in words(ex[1]))
        if fn == 'addsuffix' and len(ex) == 2:
            return ' '.join(w + ex[0].strip() for w in words(ex[1]))
        if fn == 'patsubst' and len(ex) == 3:
            return ' '.join(pattern_sub(ex[0].strip(), ex[1].strip(), w) for w in words(ex[2]))
        if fn == 'subst' and len(ex) == 3:
            return ex[2].replace(ex[0], ex[1])
        if fn in ('filter', 'filter-out') and len(ex) == 2:
            pats = words(ex[0])
            keep = fn == 'filter'
            return ' '.join(w for w in words(ex[1])
                            if any(pattern_match(p, w) for p in pats) == keep)
        if fn in ('strip', 'sort'):
            ws = words(','.join(ex))
            return ' '.join(sorted(set(ws)) if fn == 'sort' else ws)
        if fn == 'if':
            cond = ex[0].strip()
            return ex[1] if cond else (ex[2] if len(ex) > 2 else '')
        if fn == 'foreach' and len(args) == 3:
            var = ex[0].strip()
            return ' '.join(self.expand(args[2], dict(env, **{var: (w, True)}), depth + 1)
                            for w in words(ex[1]))
        return ''                       # shell, wildcard, call...: nothing we need

    # -- conditionals ------------------------------------------------------
    def condition(self, line, env):
        """(truth, symbols) of an ifeq/ifneq/ifdef/ifndef line, or None."""
        m = re.match(r'^\s*(ifeq|ifneq|ifdef|ifndef)\b\s*(.*)$', line)
        if not m:
            return None
        kind, rest = m.group(1), m.group(2).strip()
        symbols = CONFIG_REF.findall(rest)
        if kind in ('ifdef', 'ifndef'):
            value = self.lookup(self.expand(rest, env).strip(), env, 0)
            truth = bool(value.strip())
            return (truth if kind == 'ifdef' else not truth), symbols
        if rest.startswith('('):
            parts = split_args(rest[1:rest.rfind(')')])
        else:
            parts = re.findall(r'"([^"]*)"|\'([^\']*)\'', rest)
            parts = [a or b for a, b in parts]
        if len(parts) != 2:
            return True, symbols
        a, b = (self.expand(p, env).strip() for p in parts)
        return (a == b) == (kind == 'ifeq'), symbols

    # -- one folder --------------------------------------------------------
    def kbuild_file(self, folder):
        for name in ('Kbuild', 'Makefile'):
            path = posixpath.join(folder, name) if folder != '.' else name
            text = self.read(path)
            if text is not None:
                return path, text
        return None, None

    def evaluate(self, folder):
        path, text = self.kbuild_file(folder)
        mk = Makefile(folder)
        if text is None:
            return mk
        env = {'src': (folder, True), 'obj': (folder, True)}
        self.run(text, env, mk, [], 0)
        mk.vars = {k: v for k, v in env.items()}
        return mk

    def run(self, text, env, mk, stack, depth):
        # stack: list of [truth, symbols, any_branch_taken]
        for line in logical_lines(text):
            stripped = line.strip()
            if not stripped:
                continue
            cond = self.condition(stripped, env)
            if cond is not None:
                active = all(s[0] for s in stack)
                stack.append([cond[0] and active, cond[1], cond[0]])
                continue
            m = re.match(r'^else\b\s*(.*)$', stripped)
            if m and stack:
                top = stack.pop()
                active = all(s[0] for s in stack)
                nested = self.condition(m.group(1), env) if m.group(1) else None
                if nested is not None:
                    truth = not top[2] and nested[0]
                    stack.append([truth and active, top[1] + nested[1], top[2] or nested[0]])
                else:
                    stack.append([not top[2] and active, top[1], True])
                continue
            if re.match(r'^endif\b', stripped):
                if stack:
                    stack.pop()
                continue
            taken = all(s[0] for s in stack)
            symbols = [sym for s in stack for sym in s[1]]
            m = re.match(r'^-?include\s+(.*)$', stripped)
            if m:
                if taken and depth < 5:
                    for inc in self.expand(m.group(1), env).split():
                        inc = posixpath.normpath(inc)
                        sub = self.read(inc)
                        if sub is not None:
                            self.run(sub, env, mk, stack, depth + 1)
                continue
            m = ASSIGN.match(line)
            if not m or m.group(2).strip().startswith(('define', 'export', 'unexport')):
                continue
            raw, op, value = m.group(2).strip(), m.group(3), m.group(4)
            name = self.expand(raw, env).strip()
            sym = symbols + CONFIG_REF.findall(raw)
            words = self.expand(value, env).split()
            mk.assignments.append(Assignment(name, raw, words, sym, taken, symbols))
            if not taken or not name:
                continue
            if op in (':=', '::='):
                env[name] = (' '.join(words), True)
            elif op == '=':
                env[name] = (value, False)
            elif op == '?=':
                env.setdefault(name, (value, False))
            else:
                old, simple = env.get(name, ('', True))
                env[name] = ((old + ' ' + (' '.join(words) if simple else value)).strip(),
                             simple)

    def value(self, mk, name):
        if name not in mk.vars:
            return []
        val, simple = mk.vars[name]
        return (val if simple else self.expand(val, mk.vars)).split()


@dataclass
class Placement:
    """How kbuild reaches a source file."""
    source: str                 # e.g. virt/kvm/kvm_main.c
    goal: str = ''              # make goal, e.g. arch/x86/kvm/../../../virt/kvm/kvm_main.o
    enabled: bool = False
    kconfig: str = ''           # the symbol that decides (the disabled one, when not built)
    reason: str = ''            # why it is not built


class Locator:
    """Places source files in the build, caching the evaluated folders."""

    def __init__(self, read, config, srcarch='x86', includers=None):
        self.ev = Evaluator(read, config, srcarch)
        self.read = read
        self.cache = {}
        self.folders = {}
        # {kbuild file: [folders whose kbuild file includes it]}: for objects
        # listed in a shared fragment like virt/kvm/Makefile.kvm.
        self.includers = includers or {}

    def folder(self, folder):
        if folder not in self.cache:
            self.cache[folder] = self.ev.evaluate(folder)
        return self.cache[folder]

    def member(self, mk, obj, seen=()):
        """(enabled, symbols) for obj (relative to mk's folder) in mk."""
        disabled_syms = []
        for name, (val, simple) in mk.vars.items():
            words = self.ev.value(mk, name)
            if obj not in [posixpath.normpath(w) for w in words]:
                continue
            if KBUILD_LIST.match(name):
                syms = [s for a in mk.assignments if a.var == name and obj in a.words
                        for s in a.symbols]
                return True, syms
            m = re.match(r'^(.*)-(y|m|objs)$', name)
            if m and m.group(1) + '.o' not in seen:
                ok, syms = self.member(mk, m.group(1) + '.o', seen + (obj,))
                if ok:
                    return True, syms + [s for a in mk.assignments if a.var == name
                                         and obj in a.words for s in a.symbols]
                disabled_syms += syms
        # Not in any enabled list: name the symbol of an assignment that would
        # have added it (obj-$(CONFIG_X) with X unset, a false ifeq), or of the
        # assignment that replaced it (foo-$(CONFIG_MMU) := other.o).
        for a in mk.assignments:
            if obj in [posixpath.normpath(w) for w in a.words] and a.symbols:
                return False, (a.cond if not a.taken and a.cond else a.symbols)
        # In a composite object that is itself left out (mshv_root-y of
        # obj-$(CONFIG_MSHV_ROOT)): the composite's symbol says why, not one
        # that only adds other members to it.
        if disabled_syms:
            return False, disabled_syms
        for a in mk.assignments:
            if obj in a.words:
                others = [b for b in mk.assignments if b.var == a.var and b.symbols]
                if others:
                    return False, others[0].symbols
        return False, disabled_syms

    def folder_enabled(self, folder):
        """(enabled, symbol, reason) for a folder being descended into.  The
        folder may be named by any folder above it (the top-level Kbuild
        names arch/x86/), so every ancestor is asked, nearest first."""
        if folder in ('.', ''):
            return True, '', ''
        if folder not in self.folders:
            self.folders[folder] = self._folder_enabled(folder)
        return self.folders[folder]

    def _folder_enabled(self, folder):
        ancestor = folder
        while ancestor not in ('.', ''):
            ancestor = posixpath.dirname(ancestor) or '.'
            mk = self.folder(ancestor)
            rel = posixpath.relpath(folder, ancestor) + '/'
            listed = [a for a in mk.assignments if rel in a.words]
            if not listed:
                continue
            ok, sym, why = self.folder_enabled(ancestor)
            if not ok:
                return ok, sym, why
            for name in list(mk.vars):
                if re.match(r'^(obj|subdir|lib)-(y|m)$', name) and \
                   rel in self.ev.value(mk, name):
                    syms = [s for a in listed if a.var == name for s in a.symbols]
                    return True, syms[-1] if syms else '', ''
            syms = [s for a in listed for s in a.symbols]
            if syms:
                return False, syms[-1], 'not built with this .config (depends on %s)' % syms[-1]
            return False, '', 'no enabled kbuild list in %s has %s' % (ancestor, rel)
        top = folder.split('/')
        if top[0] == 'arch' and len(top) > 1:
            return False, arch_symbol(self.read, top[1]), 'arch/%s is not built for %s' % (
                top[1], self.ev.srcarch)
        return False, '', 'no kbuild file descends into %s' % folder

    def place(self, source):
        folder = posixpath.dirname(source)
        obj = posixpath.basename(source)[:-2] + '.o'
        candidates = [(folder, obj)]
        # A folder reached from another one's kbuild file through an included
        # fragment (arch/x86/kvm/Makefile includes virt/kvm/Makefile.kvm).
        for frag, users in sorted(self.includers.items()):
            if posixpath.dirname(frag) == folder:
                for user in users:
                    candidates.append((user, posixpath.relpath(
                        posixpath.join(folder, obj), user)))
        tried = []
        for where, rel in candidates:
            mk = self.folder(where)
            if not any(rel in [posixpath.normpath(w) for w in a.words] for a in mk.assignments):
                continue
            goal = posixpath.join(where, rel) if where != '.' else rel
            fok, fsym, why = self.folder_enabled(where)
            if not fok:
                tried.append(Placement(source, goal, False, fsym, why))
                continue
            ok, syms = self.member(mk, rel)
            if ok:
                return Placement(source, goal, True, syms[-1] if syms else fsym)
            sym = syms[-1] if syms else ''
            tried.append(Placement(source, goal, False, sym,
                                   'not built with this .config (depends on %s)' % sym if sym else
                                   'no enabled kbuild list in %s has %s' % (where, rel)))
        if tried:
            host = [p for p in tried if p.goal.startswith('arch/%s/' % self.ev.srcarch)]
            return tried[0] if tried[0].goal.startswith(folder + '/') or not host else host[0]
        fok, fsym, why = self.folder_enabled(folder)
        if not fok:
            return Placement(source, posixpath.join(folder, obj), False, fsym, why)
        return Placement(source, posixpath.join(folder, obj), False, '',
                         'no kbuild file lists %s' % obj)


def arch_symbol(read, arch):
    """The Kconfig symbol an architecture selects itself with (PPC, ARM64)."""
    text = read('arch/%s/Kconfig' % arch) or ''
    for name in (arch.upper(), {'powerpc': 'PPC', 'um': 'UML', 'sh': 'SUPERH'}.get(arch)):
        if name and re.search(r'^config\s+%s\s*$' % name, text, re.M):
            return 'CONFIG_' + name
    return ''


def fragment_includers(read, kbuild_files):
    """{fragment: [folders]} for kbuild files that include another folder's
    fragment with `include $(srctree)/path`."""
    out = {}
    for path in kbuild_files:
        text = read(path) or ''
        for m in re.finditer(r'^-?include\s+\$\(srctree\)/(\S+)', text, re.M):
            frag = posixpath.normpath(m.group(1))
            folder = posixpath.dirname(path)
            if posixpath.dirname(frag) != folder and os.path.basename(frag) not in (
                    'Makefile', 'Kbuild'):
                out.setdefault(frag, []).append(folder)
    return out
