"""The audit as Markdown (mailing lists, terminals) and as one HTML page.

Both are drawn from the audit's JSON-ready dict only (audit.audit()), so a
JSON file written earlier renders the same.
"""

import html

from . import statuses

TOP_SUBSYSTEMS = 30
# Status families grouped for the bar chart, in the order they stack.
GROUPS = [
    ('converted', 'converted:*', '#2e7d32'),
    ('already', 'already', '#90a4ae'),
    ('needs', 'needs-* (split patch)', '#f9a825'),
    ('blocked', 'blocked:*', '#c62828'),
    ('error', 'error:*', '#212121'),
]
CENSUS_ACCOUNTS = [
    ('handler', 'members of file_operations/proc_ops initializers, installing a handler'),
    ('null', '`.mmap = NULL`: no handler'),
    ('other-ops', 'members of other structures (not f_op->mmap)'),
    ('macro', 'in macro bodies, whose users are not analysed'),
    ('assignment', 'run-time assignments (`x.mmap = y;`), not initializers'),
    ('not-reported', 'file_operations/proc_ops members no handler was reported for'),
    ('unknown', 'no enclosing structure found'),
]


def group(family):
    if statuses.converted(family):
        return 'converted'
    if family.startswith('needs-'):
        return 'needs'
    for name in ('already', 'blocked', 'error'):
        if family.startswith(name):
            return name
    return 'blocked'


def counts_text(counter):
    return ', '.join('%s %d' % (k, v) for k, v in
                     sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))


def headline(data):
    s = data['summary']
    text = ('%d handlers in %d files analysed: %d converted, %d already on mmap_prepare, '
            '%d left to do' % (s['handlers'], data['files_analysed'], s['converted'],
                               s['by_status'].get('already', 0), s['remaining']))
    if data.get('paths'):
        text += ' (in %s)' % ', '.join(data['paths'])
    return text + '.'


def tool_text(data):
    tool = data['tool']
    cocci = ', '.join('%s (%s)' % kv for kv in sorted(tool['semantic_patches'].items()))
    text = 'mmap-convert %s, spatch %s, semantic patches: %s' % (
        tool['toolkit'], tool['spatch'], cocci or 'none')
    target = tool.get('target')
    if target:
        text += '; target API: %s%s (%s)' % (
            target['name'],
            ' with VMA_xxx_BIT flags' if target['name'] == 'mainline' and
            target['flags'] == 'bits' else '', target['why'])
    return text


def census_rows(census):
    """(what, members) rows that add up to the census total."""
    acc = census['accounts']
    rows = []
    for key, what in CENSUS_ACCOUNTS:
        if acc.get(key):
            if key == 'handler':
                what += ' (%d handlers)' % census['handlers_from_members']
            rows.append((what, acc[key]))
    rows.append(('total: `.mmap =` / `.proc_mmap =` members found by the text scan, '
                 'in %d files' % census['files'], census['members']))
    return rows


def tables(data):
    """The headline tables as (title, note, headers, rows, right-aligned columns)."""
    s = data['summary']
    out = []
    rows = [(k, v) for k, v in sorted(s['by_status'].items(), key=lambda kv: (-kv[1], kv[0]))]
    rows.append(('total', s['handlers']))
    out.append(('Handlers per status', '', ['status', 'handlers'], rows, {1}))
    subs = s['by_subsystem']
    rows = [(r['subsystem'], r['handlers'], r['remaining'], counts_text(r['statuses']))
            for r in subs[:TOP_SUBSYSTEMS]]
    out.append(('Subsystems by remaining work (top %d of %d)'
                % (min(TOP_SUBSYSTEMS, len(subs)), len(subs)),
                'Remaining: every status but converted:* and already. Subsystem: the most '
                'specific MAINTAINERS section of the file.',
                ['subsystem', 'handlers', 'remaining', 'statuses'], rows, {1, 2}))
    rows = [(r['primitive'], r['handlers'], counts_text(r['statuses']),
             ', '.join(r['examples']) + (', ...' if r['handlers'] > len(r['examples']) else ''))
            for r in s['by_primitive']]
    out.append(('Handlers that populate page tables, per populate primitive',
                'Among %s; a handler that calls two primitives counts in both rows.'
                % ', '.join(sorted({k for r in s['by_primitive'] for k in r['statuses']}))
                if rows else 'No handler populates page tables itself.',
                ['primitive', 'handlers', 'statuses', 'handlers'], rows, {1}))
    rows = [(r['helper'], r['handlers'], ', '.join(r['subsystems'])) for r in s['by_helper']]
    out.append(('Helpers that must gain a prepare form first (blocked:delegates)',
                'Each row: the handlers a prepare form of that helper would unblock.'
                if rows else 'No handler delegates to a helper.',
                ['helper', 'handlers', 'subsystems'], rows, {1}))
    if 'build' in s:
        b = s['build']
        rows = [(k, v) for k, v in sorted(b['counts'].items(), key=lambda kv: (-kv[1], kv[0]))]
        where = ''
        if b.get('configs'):
            where = ' Configurations: %s.' % ', '.join(b['configs'])
        if b.get('regions'):
            where += ' Touched preprocessor branches compiled: %d of %d.' % (
                b['regions'].get('covered', 0), b['regions'].get('total', 0))
        out.append(('Build results of the converted handlers',
                    'Built %s the API overlay (convert.py verify); "built" is verified.%s'
                    % ('with' if b['overlay'] else 'without', where),
                    ['build', 'handlers'], rows, {1}))
    found = data.get('consumers', [])
    if found:
        rows = [('%s:%d' % (c['file'], c['line']), c['function'] or '-',
                 '%s `%s`' % (c['kind'], c['text']), consumer_state(c), c['reach'])
                for c in found]
        out.append(('Code that tests or calls f_op->mmap itself',
                    'A converted handler has .mmap_prepare (.proc_mmap_prepare) and no '
                    '.mmap: a test of .mmap alone refuses it, a call through it jumps to '
                    'NULL. "reach": the converted handlers of that member this run '
                    'makes, any of which such code may be given.',
                    ['where', 'function', 'what', 'state', 'reach'], rows, {4}))
    out.append(('Census', 'A plain text scan of the C files and headers; every member '
                'is accounted for below, entry by entry under "Census members that are '
                'not handlers".', ['where the members go', 'members'],
                census_rows(data['census']), {1}))
    others = data['census']['other_structs']
    if others:
        out.append(('Census: members of other structures', 'Not f_op->mmap; an f_op '
                    'handler that hands its VMA to one of these is blocked:delegates.',
                    ['structure', 'members'],
                    sorted(others.items(), key=lambda kv: (-kv[1], kv[0])), {1}))
    return out


def consumer_state(c):
    if c['fixed_by'] == 'conversion':
        return 'rewritten by the conversion'
    if c['fixed_by'] == 'overlay':
        return 'mended by the API overlay'
    if c['handles_prepare']:
        return 'its %s looks at mmap_prepare too: review' % c['handles_prepare']
    if not c['reach']:
        return 'nothing converted reaches it'
    if c['kind'] == 'read':
        return 'reads the pointer, NULL for a converted file: review'
    return 'OPEN: fails for a converted file'


# --- Markdown -------------------------------------------------------------------

def md_table(headers, rows, right=()):
    cells = [[str(c) for c in headers]] + [[str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]

    def line(r):
        return '| ' + ' | '.join(c.rjust(w) if i in right else c.ljust(w)
                                 for i, (c, w) in enumerate(zip(r, widths))) + ' |'
    rule = '|' + '|'.join(('-' * (w + 1) + ':') if i in right else '-' * (w + 2)
                          for i, w in enumerate(widths)) + '|'
    return '\n'.join([line(cells[0]), rule] + [line(r) for r in cells[1:]])


def handler_line(h):
    text = '%s:%d: %s' % (h['file'], h['line'], h['handler'])
    if h['fops']:
        text += ' (%s)' % ', '.join(h['fops'])
    if h['primitives']:
        text += ' [%s]' % ', '.join(h['primitives'])
    text += ': %s: %s' % (h['status'], h['reason'])
    if h.get('build'):
        text += ' [build: %s%s]' % (h['build'], ': ' + h['build_detail']
                                    if h.get('build_detail') else '')
    return text


def markdown(data):
    out = ['# mmap handler audit: Linux %s' % data['tree'], '',
           headline(data), '', tool_text(data) + '.', '']
    for title, note, headers, rows, right in tables(data):
        out += ['## ' + title, '']
        if note:
            out += [note, '']
        if rows:
            out += [md_table(headers, rows, right), '']
    census = data['census']
    if census['handlers_without_member']:
        out += ['Handlers no census member installs (for example `.mmap_prepare` '
                'only, or a member written through a macro):', '']
        out += ['- %(file)s:%(line)d: %(handler)s: %(status)s' % h
                for h in census['handlers_without_member']] + ['']
    if 'compare' in data:
        out += compare_markdown(data['compare'])
    out += ['## All handlers, by status', '',
            'One line each: `file:line: handler (fops) [primitives]: status: reason`.', '']
    by_family = {}
    for h in data['handlers']:
        by_family.setdefault(h['family'], []).append(h)
    for family in sorted(by_family):
        mine = by_family[family]
        out += ['### %s (%d)' % (family, len(mine)), '', '```']
        out += [handler_line(h) + '  {%s}' % (h['subsystem'] or '-') for h in mine]
        out += ['```', '']
    if data['errors']:
        out += ['## Files spatch could not analyse', '']
        out += ['- %s: %s' % kv for kv in sorted(data['errors'].items())] + ['']
    out += ['## Census members that are not handlers', '', '```']
    out += ['%(file)s:%(line)d: .mmap = %(value)s: %(account)s: %(detail)s' % m
            for m in census['others']]
    out += ['```', '']
    return '\n'.join(out)


def compare_markdown(cmp):
    out = ['## Compared with %s' % (cmp.get('old_tree') or 'the older audit'), '',
           '%d changed status, %d appeared, %d disappeared.' % (
               len(cmp['changed']), len(cmp['appeared']), len(cmp['disappeared'])), '']
    if cmp['changed']:
        out += [md_table(['file', 'handler', 'was', 'now'],
                         [(c['file'], c['handler'], c['old'], c['new'])
                          for c in cmp['changed']]), '']
    for key, what in (('appeared', 'Appeared'), ('disappeared', 'Disappeared')):
        if cmp[key]:
            out += [what + ':', '']
            out += ['- %(file)s: %(handler)s: %(status)s' % c for c in cmp[key]] + ['']
    return out


# --- HTML ---------------------------------------------------------------------------

CSS = '''
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 1.6em; }
table { border-collapse: collapse; margin: .5em 0; }
th, td { border: 1px solid #ccc; padding: .2em .5em; text-align: left; vertical-align: top; }
td.n { text-align: right; }
p.note { color: #555; margin: .2em 0; }
#handlers th { cursor: pointer; background: #eee; user-select: none; }
#handlers th.asc::after { content: " \\25b2"; } #handlers th.desc::after { content: " \\25bc"; }
#handlers td { font-size: 13px; overflow-wrap: anywhere; }
.filters { margin: .5em 0; display: flex; gap: 1em; flex-wrap: wrap; align-items: center; }
.filters select { max-width: 22em; }
#handlers { width: 100%; }
#handlers td:last-child { min-width: 24em; }
#handlers td:nth-child(1), #handlers td:nth-child(4) { min-width: 15em; }
#handlers td:nth-child(2) { min-width: 10em; }
.chart { margin: .5em 0; }
.bar-row { display: flex; align-items: center; margin: 2px 0; }
.bar-label { width: 26em; overflow: hidden; text-overflow: ellipsis; white-space: nowrap;
  font-size: 12px; padding-right: .5em; }
.bar { display: flex; height: 14px; }
.bar span { display: block; height: 100%; }
.legend span { display: inline-block; width: 1em; height: 1em; margin: 0 .3em 0 1em;
  vertical-align: middle; }
code, .mono { font-family: ui-monospace, monospace; }
'''

JS = r'''
(function () {
  var table = document.getElementById('handlers');
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var filters = {status: document.getElementById('f-status'),
                 subsystem: document.getElementById('f-subsystem'),
                 primitive: document.getElementById('f-primitive')};
  var text = document.getElementById('f-text');
  var shown = document.getElementById('shown');

  function matches(row) {
    var s = filters.status.value, sub = filters.subsystem.value, p = filters.primitive.value;
    var t = text.value.toLowerCase();
    if (s && row.getAttribute('data-status') !== s) return false;
    if (sub && row.getAttribute('data-subsystem') !== sub) return false;
    if (p && row.getAttribute('data-primitives').split(' ').indexOf(p) < 0) return false;
    if (t && row.textContent.toLowerCase().indexOf(t) < 0) return false;
    return true;
  }

  function apply() {
    var n = 0;
    rows.forEach(function (row) {
      var ok = matches(row);
      row.hidden = !ok;
      if (ok) n++;
    });
    shown.textContent = n + ' of ' + rows.length + ' handlers shown';
    var parts = [];
    Object.keys(filters).forEach(function (k) {
      if (filters[k].value) parts.push(k + '=' + encodeURIComponent(filters[k].value));
    });
    if (text.value) parts.push('text=' + encodeURIComponent(text.value));
    var hash = parts.length ? '#' + parts.join('&') : '';
    if (location.hash !== hash && history.replaceState)
      history.replaceState(null, '', hash || location.pathname + location.search);
  }

  function fromHash() {
    location.hash.replace(/^#/, '').split('&').forEach(function (kv) {
      var i = kv.indexOf('=');
      if (i < 0) return;
      var k = kv.slice(0, i), v = decodeURIComponent(kv.slice(i + 1));
      if (filters[k]) filters[k].value = v;
      if (k === 'text') text.value = v;
    });
  }

  function sortBy(th, col) {
    var dir = th.classList.contains('asc') ? -1 : 1;
    Array.prototype.forEach.call(th.parentNode.cells, function (c) {
      c.classList.remove('asc', 'desc');
    });
    th.classList.add(dir > 0 ? 'asc' : 'desc');
    rows.sort(function (a, b) {
      var x = a.cells[col].getAttribute('data-key') || a.cells[col].textContent;
      var y = b.cells[col].getAttribute('data-key') || b.cells[col].textContent;
      return dir * (x < y ? -1 : x > y ? 1 : 0);
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }

  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
    th.addEventListener('click', function () { sortBy(th, col); });
  });
  Object.keys(filters).forEach(function (k) {
    filters[k].addEventListener('change', apply);
  });
  text.addEventListener('input', apply);
  window.addEventListener('hashchange', function () { fromHash(); apply(); });
  fromHash();
  apply();
})();
'''


def esc(value):
    return html.escape(str(value), quote=True)


def html_table(headers, rows, right=()):
    out = ['<table><thead><tr>' + ''.join('<th>%s</th>' % esc(h) for h in headers) +
           '</tr></thead><tbody>']
    for r in rows:
        out.append('<tr>' + ''.join('<td%s>%s</td>' % (' class="n"' if i in right else '',
                                                       esc(c).replace('`', ''))
                                    for i, c in enumerate(r)) + '</tr>')
    out.append('</tbody></table>')
    return '\n'.join(out)


def bar_chart(data):
    subs = data['summary']['by_subsystem'][:TOP_SUBSYSTEMS]
    if not subs:
        return ''
    widest = max(r['handlers'] for r in subs)
    out = ['<div class="legend">' + ''.join(
        '<span style="background:%s"></span>%s' % (color, esc(label))
        for _, label, color in GROUPS) + '</div>', '<div class="chart">']
    for r in subs:
        totals = {}
        for family, n in r['statuses'].items():
            totals[group(family)] = totals.get(group(family), 0) + n
        bars = ''.join(
            '<span style="width:%.1fem;background:%s" title="%s: %d"></span>'
            % (totals[name] * 30.0 / widest, color, esc(label), totals[name])
            for name, label, color in GROUPS if totals.get(name))
        out.append('<div class="bar-row"><div class="bar-label" title="%s">%s</div>'
                   '<div class="bar" title="%s">%s</div>&nbsp;%d</div>'
                   % (esc(r['subsystem']), esc(r['subsystem']),
                      esc(counts_text(r['statuses'])), bars, r['handlers']))
    out.append('</div>')
    return '\n'.join(out)


def options(values, label):
    return '<option value="">%s</option>' % esc(label) + ''.join(
        '<option value="%s">%s</option>' % (esc(v), esc(v)) for v in values)


def handler_rows(data, link_base):
    out = []
    for h in data['handlers']:
        where = '%s:%d' % (h['file'], h['line'])
        href = '%s%s#L%d' % (link_base, h['file'], h['line'])
        cells = [
            '<td data-key="%s"><a href="%s">%s</a></td>' % (
                esc('%s:%08d' % (h['file'], h['line'])), esc(href), esc(where)),
            '<td class="mono">%s</td>' % esc(h['handler']),
            '<td class="mono">%s</td>' % esc(', '.join(h['fops'])),
            '<td class="mono">%s</td>' % esc(h['status']),
            '<td>%s</td>' % esc(h['subsystem'] or ''),
            '<td class="mono">%s</td>' % esc(', '.join(h['primitives'])),
        ]
        if 'build' in data['summary']:
            cells.append('<td>%s%s</td>' % (esc(h.get('build') or ''), (
                '<br><small>%s</small>' % esc(h['build_detail']) if h.get('build_detail')
                else '')))
        cells.append('<td>%s</td>' % esc(h['reason']))
        out.append('<tr data-status="%s" data-subsystem="%s" data-primitives="%s">%s</tr>'
                   % (esc(h['family']), esc(h['subsystem'] or ''),
                      esc(' '.join(h['primitives'])), ''.join(cells)))
    return '\n'.join(out)


def html_page(data, link_base=''):
    title = 'mmap handler audit: Linux %s' % data['tree']
    handlers = data['handlers']
    out = ['<!DOCTYPE html>', '<html lang="en"><head><meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           '<title>%s</title>' % esc(title), '<style>%s</style>' % CSS, '</head><body>',
           '<h1>%s</h1>' % esc(title), '<p>%s</p>' % esc(headline(data)),
           '<p class="note">%s.</p>' % esc(tool_text(data))]
    for i, (name, note, headers, rows, right) in enumerate(tables(data)):
        out.append('<h2>%s</h2>' % esc(name))
        if note:
            out.append('<p class="note">%s</p>' % esc(note).replace('`', ''))
        if rows:
            out.append(html_table(headers, rows, right))
        if i == 1:
            out += ['<h3>Status per subsystem</h3>', bar_chart(data)]
    if 'compare' in data:
        cmp = data['compare']
        out.append('<h2>Compared with %s</h2>' % esc(cmp.get('old_tree') or 'the older audit'))
        rows = [(c['file'], c['handler'], c['old'], c['new']) for c in cmp['changed']]
        rows += [(c['file'], c['handler'], '(none)', c['status']) for c in cmp['appeared']]
        rows += [(c['file'], c['handler'], c['status'], '(none)') for c in cmp['disappeared']]
        out.append('<p>%d changed status, %d appeared, %d disappeared.</p>' % (
            len(cmp['changed']), len(cmp['appeared']), len(cmp['disappeared'])))
        if rows:
            out.append(html_table(['file', 'handler', 'was', 'now'], rows))
    families = sorted({h['family'] for h in handlers})
    subsystems = sorted({h['subsystem'] for h in handlers if h['subsystem']})
    prims = sorted({p for h in handlers for p in h['primitives']})
    headers = ['file:line', 'handler', 'fops', 'status', 'subsystem', 'primitives']
    if 'build' in data['summary']:
        headers.append('build')
    headers.append('reason')
    out += [
        '<h2>All handlers</h2>',
        '<p class="note">Click a column heading to sort. The filters are kept in the '
        'address (#status=...&amp;subsystem=...&amp;primitive=...), so a filtered view '
        'can be linked to. Each file:line links to %s.</p>' % (
            esc(link_base) + 'FILE#LLINE' if link_base else
            'FILE#LLINE relative to this page'),
        '<div class="filters">',
        '<label>status <select id="f-status">%s</select></label>' % options(families, 'all'),
        '<label>subsystem <select id="f-subsystem">%s</select></label>'
        % options(subsystems, 'all'),
        '<label>primitive <select id="f-primitive">%s</select></label>'
        % options(prims, 'all'),
        '<label>text <input id="f-text" type="search"></label>',
        '<span id="shown"></span>', '</div>',
        '<table id="handlers"><thead><tr>%s</tr></thead><tbody>' % ''.join(
            '<th>%s</th>' % esc(h) for h in headers),
        handler_rows(data, link_base), '</tbody></table>',
    ]
    census = data['census']
    out.append('<h2>Census members that are not handlers</h2>')
    out.append(html_table(['file:line', 'value', 'account', 'detail'],
                          [('%s:%d' % (m['file'], m['line']), m['value'], m['account'],
                            m['detail']) for m in census['others']]))
    if census['handlers_without_member']:
        out.append('<h2>Handlers no census member installs</h2>')
        out.append(html_table(['file:line', 'handler', 'status'],
                              [('%s:%d' % (h['file'], h['line']), h['handler'], h['status'])
                               for h in census['handlers_without_member']]))
    if data['errors']:
        out.append('<h2>Files spatch could not analyse</h2>')
        out.append(html_table(['file', 'what happened'], sorted(data['errors'].items())))
    out += ['<script>%s</script>' % JS, '</body></html>', '']
    return '\n'.join(out)
