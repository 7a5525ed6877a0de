"""What the semantic patches say about each handler, as records."""

import collections
import dataclasses
import re

from . import statuses


@dataclasses.dataclass
class Handler:
    file: str
    line: int
    handler: str
    fops: list
    status: str
    reason: str
    # populate and dma_mmap_* calls the handler makes on its VMA
    primitives: list = dataclasses.field(default_factory=list)
    # the files converted with it, for a handler other files name (crossfile)
    together: list = dataclasses.field(default_factory=list)

    @property
    def converted(self):
        return statuses.converted(self.status)

    @property
    def family(self):
        return statuses.family(self.status)


def from_report(match):
    return Handler(file=match.group('file'), line=int(match.group('line')),
                   handler=match.group('handler'),
                   fops=[f.strip() for f in match.group('fops').split(',') if f.strip()],
                   status=match.group('status'), reason=match.group('reason'),
                   primitives=[p for p in (match.group('primitives') or '').split(',') if p])


def combine(reports):
    """One status per handler from the reports of semantic patches run one
    after the other: a conversion wins (a later patch sees its result as
    'already'); otherwise the last patch that looked at the handler knows
    the most (split_prefault.cocci refines needs-complete), unless it only
    repeats the status, with line numbers of a file already changed."""
    winner = {}
    for n, report in enumerate(reports):
        for h in report:
            key = (h.file, h.handler)
            renamed = (h.file, h.handler[:-len('_prepare')])
            if h.status == statuses.ALREADY and h.handler.endswith('_prepare') and \
               renamed in winner and reports[winner[renamed][0]][winner[renamed][1]].converted:
                winner[key] = (-1, 0)       # an earlier patch's own result
                continue
            old = winner.get(key)
            earlier = reports[old[0]][old[1]] if old is not None and old[0] >= 0 else None
            # A later patch that only repeats a verdict read a file an
            # earlier one changed: the earlier lines are the tree's.
            if old is None or (earlier is not None and not earlier.converted and
                               old[0] != n and earlier.status != h.status):
                winner[key] = (n, report.index(h))
    return [h for n, report in enumerate(reports) for h in report
            if winner[(h.file, h.handler)][0] == n]


def merge(handlers):
    """One record per (file, handler): spatch may report a handler once per
    #ifdef variant or per matched initializer."""
    seen = {}
    for h in handlers:
        key = (h.file, h.handler)
        if key in seen:
            seen[key].fops = sorted(set(seen[key].fops) | set(h.fops))
            seen[key].primitives = sorted(set(seen[key].primitives) | set(h.primitives))
        else:
            seen[key] = h
    return sorted(seen.values(), key=lambda h: (h.file, h.line, h.handler))


def summary(handlers):
    """'N handlers: N converted (N prepare, ...), N left alone (N code, ...)'."""
    converted = collections.Counter(h.family.split(':', 1)[1] for h in handlers if h.converted)
    left = collections.Counter(h.family for h in handlers if not h.converted)

    def detail(counter):
        return ', '.join('%d %s' % (n, code) for code, n in
                         sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))
    text = '%d handlers: %d converted' % (len(handlers), sum(converted.values()))
    if converted:
        text += ' (%s)' % detail(converted)
    text += ', %d left alone' % sum(left.values())
    if left:
        text += ' (%s)' % detail(left)
    return text


STATIC_DEFINITION = r'^static\s+(inline\s+)?int\s*\n?\s*%s\s*\('


def is_static(source, name):
    return re.search(STATIC_DEFINITION % re.escape(name), source, re.M) is not None
