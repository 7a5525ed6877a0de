"""The subsystem of a file, from the tree's MAINTAINERS.

The rules are those of scripts/get_maintainer.pl, which is far too slow to
start once per file: an F: pattern is a glob ('*' and '?') that matches a
file or, when it ends with '/' or names a folder, everything below it; X:
excludes the section; N: is a regular expression on the path.  The section
that matches with the deepest pattern (path components; a pattern that starts
with a wildcard counts -1, N: counts 0) is the most specific: on a tie, the
longer literal part of the pattern, then the earlier section, wins.  K:
(keywords in the file's text) is not used.
"""

import collections
import os
import re

from . import UserError

FIELD = re.compile(r'^([A-Z]):\s*(.*?)\s*$')
WILDCARD = re.compile(r'[*?\[]')


class Pattern:
    def __init__(self, section, kind, value, order):
        self.section, self.kind, self.value, self.order = section, kind, value, order
        self.regex = None

    def literal(self):
        """The part before the first wildcard: a file it matches starts with it."""
        m = WILDCARD.search(self.value)
        return self.value[:m.start()] if m else self.value

    def compile(self, kdir):
        """get_maintainer.pl's translation of a glob into a regex."""
        value = self.value
        if not value.endswith('/') and not WILDCARD.search(value) and \
                kdir and os.path.isdir(os.path.join(kdir, value)):
            value += '/'
        self.dir = value.endswith('/')
        self.slashes = value.count('/')
        self.depth = -1 if value.startswith(('*', '?')) else \
            self.slashes + (0 if self.dir else 1)
        text = value.replace('.', r'\.').replace('*', '.*').replace('?', '.')
        try:
            self.regex = re.compile(text)
        except re.error:
            self.regex = re.compile(re.escape(value))

    def matches(self, path, kdir):
        if self.regex is None:
            self.compile(kdir)
        if not self.regex.match(path):
            return False
        return self.dir or path.count('/') == self.slashes


class Maintainers:
    """Sections of a MAINTAINERS file; subsystem(path) names the most specific."""

    def __init__(self, text, kdir=None):
        self.kdir = kdir
        self.sections = []                          # titles, in file order
        self.by_literal = collections.defaultdict(list)     # F: patterns
        self.excludes = collections.defaultdict(list)       # section -> X: patterns
        self.names = []                             # (section, compiled N: regex)
        self.parse(text)

    @classmethod
    def of_tree(cls, kdir):
        path = os.path.join(kdir, 'MAINTAINERS')
        try:
            with open(path, errors='replace') as src:
                return cls(src.read(), kdir)
        except OSError as err:
            raise UserError('cannot read %s: %s' % (path, err.strerror))

    def parse(self, text):
        lines = text.splitlines()
        # The list proper starts after its 'Maintainers List' heading; the
        # text above explains the fields with examples.
        for i, line in enumerate(lines):
            if line.strip() == 'Maintainers List':
                lines = lines[i + 1:]
                break
        title, order = None, 0
        for i, line in enumerate(lines):
            m = FIELD.match(line)
            if not m:
                nxt = lines[i + 1] if i + 1 < len(lines) else ''
                title = line.strip() if line.strip() and FIELD.match(nxt) else None
                if title:
                    self.sections.append(title)
                continue
            if title is None:
                continue
            kind, value = m.groups()
            if kind == 'F':
                order += 1
                p = Pattern(title, kind, value, order)
                self.by_literal[p.literal()].append(p)
            elif kind == 'X':
                self.excludes[title].append(Pattern(title, kind, value, 0))
            elif kind == 'N':
                try:
                    self.names.append((title, re.compile(value, re.X)))
                except re.error:
                    pass

    def excluded(self, section, path):
        return any(x.matches(path, self.kdir) for x in self.excludes.get(section, ()))

    def subsystem(self, path):
        """Title of the most specific section for path (relative to the tree), or None."""
        best = None
        for end in range(len(path) + 1):
            for p in self.by_literal.get(path[:end], ()):
                if not p.matches(path, self.kdir) or self.excluded(p.section, path):
                    continue
                rank = (p.depth, len(p.literal()), -p.order)
                if best is None or rank > best[0]:
                    best = (rank, p.section)
        for order, (section, regex) in enumerate(self.names):
            if regex.search(path) and not self.excluded(section, path):
                rank = (0, 0, -order)
                if best is None or rank > best[0]:
                    best = (rank, section)
        return best[1] if best else None
