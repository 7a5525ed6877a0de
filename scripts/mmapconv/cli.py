"""Command line: convert.py SUBCOMMAND ..."""

import argparse
import json
import os
import sys

from . import TOP, VERSION, UserError
from . import audit
from . import verdicts
from . import convert as conv
from . import guard
from . import audit_pages
from . import series as ser
from . import spatch as sp
from . import statuses
from . import target as tgt
from . import processes
from . import tree
from . import upstream
from . import verify as ver


def target_of(args):
    """The API target of the run: --target, else KDIR's headers'."""
    tree.check_kernel_tree(args.kdir)
    return tgt.detect(args.kdir, args.target)


def cmd_convert(args):
    guard.check_output(args.kdir, args.output, '-o', ours=earlier_diff)
    target = target_of(args)
    handlers, diffs, errors, nfiles = conv.convert(args.kdir, args.paths, jobs=args.jobs,
                                                   timeout=args.timeout,
                                                   cache_dir=cache_dir(args),
                                                   target=target)
    text = ''.join(diffs[path] for path in sorted(diffs))
    if args.in_place:
        conv.apply_in_place(args.kdir, text, diffs)
    elif args.output:
        write(args.output, text)
    else:
        sys.stdout.write(text)
    line = 'convert: %d files, %s' % (nfiles, verdicts.summary(handlers))
    if errors:
        line += '; not analysed: ' + ', '.join('%s (%s)' % (path, why.split(':')[0])
                                               for path, why in sorted(errors.items()))
    line += unparsed(h.file for h in handlers if h.status == statuses.PARSE_ERROR)
    where = ('applied to ' + args.kdir if args.in_place else
             'diff in ' + args.output if args.output else '')
    processes.log('convert: target %s: %s' % (target.describe(), target.why))
    processes.log(line + ('; ' + where if where else ''))
    if args.verbose:
        for h in handlers:
            processes.log('%s:%d: %s: %s: %s' % (h.file, h.line, h.handler, h.status, h.reason))
    return 0


def unparsed(files):
    """'; spatch could not parse: FILE, ...' for the summary line, or ''."""
    files = sorted(set(files))
    return '; spatch could not parse: ' + ', '.join(files) if files else ''


def earlier_diff(head):
    """Is this the start of a diff convert wrote (or an empty file)?"""
    return head == b'' or head.startswith(b'diff -u -p ')


def earlier_audit(head):
    """Is this the start of an audit's JSON, Markdown or HTML?"""
    return (head.startswith(b'{\n "census": ') or head.startswith(b'# mmap handler audit: ')
            or (head.startswith(b'<!DOCTYPE html>') and b'<title>mmap handler audit: ' in head))


def cmd_series(args):
    target = target_of(args)
    series_list, failed = ser.write_series(args.kdir, args.output, args.paths, how=args.group,
                                           max_patches=args.max_patches, patch_file=args.patch,
                                           report_file=args.report, jobs=args.jobs,
                                           timeout=args.timeout, worktree=args.worktree,
                                           date=args.date, target=target)
    index = os.path.join(args.output, ser.INDEX)
    processes.log('series: %d series, %d patches in %s; see %s' % (
        len(series_list), sum(len(s.patches) for s in series_list), args.output, index))
    if failed:
        raise UserError('checkpatch.pl --strict found errors in %s; see %s' % (
            ', '.join(p.filename for p in failed[:3]) + (' ...' if len(failed) > 3 else ''),
            index), status=1)
    return 0


def cmd_verify(args):
    builddir = args.builddir or os.path.join(TOP, 'build', 'verify')
    guard.check_folder_outside(args.kdir, builddir, '-O')
    guard.check_folder_ours(builddir, '.lock', '-O', 'verify')
    guard.check_output(args.kdir, args.json, '--json', ours=lambda head: False)
    patches = ver.read_patches(args.patch, args.series)
    result = ver.verify(args.kdir, patches, builddir, config=args.config, jobs=args.jobs,
                        cc=args.cc, w1=args.w1, install=args.install_cross,
                        max_configs=args.max_configs,
                        arches=[a for arg in args.arch or [] for a in arg.split(',') if a])
    out = args.json or os.path.join(builddir, 'verify.json')
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with open(out, 'w') as dst:
        json.dump(result, dst, indent=2, sort_keys=True)
        dst.write('\n')
    for line in ver.report_lines(result, args.verbose):
        processes.log(line)
    processes.log('%s; results in %s' % (ver.summary_line(result), out))
    return 1 if result['summary']['failed'] else 0


def write(path, text):
    try:
        with open(path, 'w') as out:
            out.write(text)
    except OSError as err:
        raise UserError('cannot write %s: %s' % (path, err.strerror))


def cmd_audit(args):
    for option, path in (('--json', args.json), ('--md', args.md), ('--html', args.html)):
        guard.check_output(args.kdir, path, option, ours=earlier_audit)
    verify = audit.read_verify(args.verify) if args.verify else None
    old = audit.check_audit(audit.read_json(args.compare, 'audit'), args.compare) \
        if args.compare else None
    data = audit.audit(args.kdir, args.paths, jobs=args.jobs, timeout=args.timeout,
                       cache_dir=cache_dir(args), verify=verify, target=target_of(args))
    if old is not None:
        data['compare'] = audit.compare(old, data)
    if args.json:
        write(args.json, audit.dumps(data))
    if args.md:
        write(args.md, audit_pages.markdown(data))
    if args.html:
        write(args.html, audit_pages.html_page(data, args.link_base))
    if not (args.json or args.md or args.html):
        sys.stdout.write(audit_pages.markdown(data))
    s = data['summary']
    line = 'audit: %s' % audit_pages.headline(data)
    census = data['census']
    line += ' Census: %d .mmap/.proc_mmap members, %d of them install these handlers' % (
        census['members'], census['accounts'].get('handler', 0))
    if data['errors']:
        line += '; not analysed: ' + ', '.join(sorted(data['errors']))
    line += unparsed(h['file'] for h in data['handlers'] if h['status'] == statuses.PARSE_ERROR)
    if 'compare' in data:
        c = data['compare']
        line += '; against %s: %d changed, %d appeared, %d disappeared' % (
            c['old_tree'], len(c['changed']), len(c['appeared']), len(c['disappeared']))
    processes.log(line)
    if args.verbose:
        for family, n in sorted(s['by_status'].items(), key=lambda kv: (-kv[1], kv[0])):
            processes.log('  %4d %s' % (n, family))
    return 0


def cmd_compare(args):
    guard.check_output(args.kdir, args.md, '--md', ours=earlier_comparison)
    guard.check_output(args.later, args.md, '--md', ours=earlier_comparison)
    tree.check_kernel_tree(args.kdir)
    tree.check_kernel_tree(args.later)
    # the later tree's API unless told: upstream wrote its hooks for that
    target = tgt.detect(args.later, args.target)
    rows, target = upstream.compare(args.kdir, args.later, jobs=args.jobs,
                                    timeout=args.timeout, cache_dir=cache_dir(args),
                                    target=target)
    page = upstream.markdown(rows, args.kdir, args.later, target)
    if args.md:
        write(args.md, page + '\n')
    else:
        sys.stdout.write(page + '\n')
    count = {v: sum(r.verdict == v for r in rows) for v in upstream.VERDICTS}
    processes.log('compare: %d handlers: %s' % (len(rows), ', '.join(
        '%d %s' % (count[v], v) for v in upstream.VERDICTS if count[v])))
    return 0


def earlier_comparison(head):
    """Is this the start of a page compare wrote?"""
    return head.startswith(b'# ') and b' by hand' in head.split(b'\n', 1)[0]


def cache_dir(args):
    return None if args.no_cache else args.cache_dir


def positive(text):
    """An argparse type: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError('%r is not a whole number' % text)
    if value < 1:
        raise argparse.ArgumentTypeError('%s: give 1 or more' % text)
    return value


def spatch_options(p):
    """The options of every subcommand that runs spatch over a tree."""
    p.add_argument('-j', '--jobs', type=positive, default=os.cpu_count() or 2,
                   help='spatch processes to run at once (default: %(default)s)')
    p.add_argument('--timeout', type=positive, default=120,
                   help='seconds spatch may spend on one file (default: %(default)s)')
    p.add_argument('--cache-dir', metavar='DIR', default=sp.default_cache_dir(),
                   help="keep spatch's results per file in DIR, keyed by the file's "
                   'content, the semantic patches and the tool versions '
                   '(default: %(default)s)')
    p.add_argument('--no-cache', action='store_true',
                   help='run spatch on every file, and neither read nor write the cache')
    p.add_argument('--target', choices=tgt.TARGETS,
                   help='the API to write the conversion for: v1 (mmap_prepare + '
                   'mmap_complete + mmap_abort, desc->mmap_context) or mainline '
                   '(mmap_prepare recording desc->action, as in Linux 6.19 on); '
                   "default: what KDIR's include/linux/mm_types.h has, v1 when it "
                   'predates both')


class Parser(argparse.ArgumentParser):
    """Usage errors in one line, like every other error."""

    def error(self, message):
        self.exit(2, '%s: error: %s (see %s --help)\n' % (self.prog, message, self.prog))


def parser():
    top = Parser(
        prog='convert.py',
        description='Convert f_op->mmap handlers of a kernel tree to mmap_prepare.')
    top.add_argument('--version', action='version', version='mmap-convert ' + VERSION)
    sub = top.add_subparsers(dest='command', metavar='COMMAND')
    sub.required = True

    p = sub.add_parser('convert', help='write the conversion of a tree as one diff',
                       description='Run the semantic patches over KDIR (or the given '
                       'files and folders in it) and write one unified diff, usable '
                       'with git apply or patch -p1 from KDIR. KDIR is never modified '
                       'unless --in-place is given.')
    p.add_argument('kdir', metavar='KDIR', help='kernel source tree')
    p.add_argument('paths', metavar='PATH', nargs='*',
                   help='files or folders of KDIR to convert (default: all of it)')
    out = p.add_mutually_exclusive_group()
    out.add_argument('-o', '--output', metavar='FILE', help='write the diff to FILE '
                     '(default: standard output)')
    out.add_argument('--in-place', action='store_true', help='apply the conversion '
                     'to KDIR itself')
    spatch_options(p)
    p.add_argument('-v', '--verbose', action='store_true',
                   help='show the commands run and one line per handler')
    p.set_defaults(func=cmd_convert)

    p = sub.add_parser('series', help='turn the conversion into patch series for '
                       'git send-email',
                       description='Convert KDIR (or take an existing conversion with '
                       '--patch), commit each converted file on a branch '
                       'mmap-prepare/SERIES of a git worktree of KDIR (OUTDIR/.worktree; '
                       'KDIR\'s own checkout is not touched), and write one folder of '
                       'mails per series to OUTDIR with a send.sh, checked with '
                       'checkpatch.pl --strict. OUTDIR/index.txt lists them all.')
    p.add_argument('kdir', metavar='KDIR', help='kernel source tree, a git repository')
    p.add_argument('paths', metavar='PATH', nargs='*',
                   help='files or folders of KDIR to convert (default: all of it)')
    p.add_argument('-o', '--output', metavar='OUTDIR', required=True,
                   help='where the series go')
    p.add_argument('--group', choices=('subsystem', 'driver'), default='subsystem',
                   help='subsystem: one series per set of maintainers (default); '
                   'driver: every converted file on its own')
    p.add_argument('--max-patches', type=positive, default=15, metavar='N',
                   help='cut bigger series into numbered parts (default: %(default)s)')
    p.add_argument('--patch', metavar='FILE', help='use this conversion diff instead '
                   'of running spatch')
    p.add_argument('--report', metavar='FILE', help='with --patch: report lines of the '
                   'run that made it (convert -v); without, statuses are read from '
                   'the diff')
    p.add_argument('--worktree', metavar='DIR', help='the worktree of KDIR to commit in '
                   '(default: OUTDIR/.worktree)')
    p.add_argument('--date', help='date of the commits and mails (default: that of '
                   'the base commit, so reruns give the same bytes)')
    spatch_options(p)
    p.add_argument('-v', '--verbose', action='store_true', help='show the commands run')
    p.set_defaults(func=cmd_series)

    p = sub.add_parser('verify', help='compile the objects a conversion touches',
                       description='Build every object whose .c file the patches touch, '
                       'without and with the patches, with W=1, in a scratch clone of KDIR '
                       'and kbuild output folders kept in BUILDDIR for the next run: the '
                       'host\'s allmodconfig, then as many configurations and architectures '
                       '(Debian cross compilers) as it takes to compile every #if/#else '
                       'branch that holds a changed line. A tree that predates mmap_prepare '
                       'gets the API overlay (overlay/). Each file is built, failed (an '
                       'error, or a W=1 warning the patches add), not built (and why no '
                       'configuration could) or a pre-existing failure. Exit status 1 when '
                       'a file fails because of the patches.')
    p.add_argument('kdir', metavar='KDIR', help='kernel source tree (never written to)')
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument('--patch', metavar='FILE', help='a conversion diff (convert -o)')
    what.add_argument('--series', metavar='OUTDIR', help='the patch series of '
                      'convert.py series: every NNNN-*.patch below OUTDIR, in order')
    p.add_argument('--config', default='allmodconfig', metavar='allmodconfig|FILE',
                   help='allmodconfig for the host architecture (default), or a .config '
                   'completed with make olddefconfig')
    p.add_argument('-O', dest='builddir', metavar='BUILDDIR',
                   help='scratch tree and build output, reused across runs '
                   '(default: build/verify beside scripts/)')
    p.add_argument('-j', '--jobs', type=positive, default=os.cpu_count() or 2,
                   help='make -j (default: %(default)s)')
    p.add_argument('--cc', metavar='CMD', help='compiler or compiler wrapper for kbuild\'s '
                   'CC=, e.g. distcc or ccache (a wrapper alone means "CMD gcc")')
    p.add_argument('--no-w1', dest='w1', action='store_false', help='build without W=1 '
                   '(by default W=1 warnings the patches add make a file fail)')
    p.add_argument('--w1', action='store_true', default=True, help=argparse.SUPPRESS)
    p.add_argument('--arch', metavar='ARCH[,ARCH]', action='append', help='architectures '
                   'verify may build for (default: the host\'s, and every one a touched '
                   'file or branch needs)')
    p.add_argument('--max-configs', type=positive, default=ver.MAX_CONFIGS, metavar='N',
                   help='configurations one run may build (default: %(default)s)')
    p.add_argument('--install-cross', action='store_true', help='apt-get install the Debian '
                   'cross compilers a run needs (as root)')
    p.add_argument('--json', metavar='FILE', help='write the results there '
                   '(default: BUILDDIR/verify.json)')
    p.add_argument('-v', '--verbose', action='store_true',
                   help='show the commands run and one line per file')
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser('audit', help='classify every mmap handler of a tree, with reports',
                       description='Classify every f_op->mmap and proc_ops->proc_mmap '
                       'handler of KDIR (or of the given files and folders in it) the '
                       'way convert does, and write the audit as JSON, Markdown and HTML '
                       '(docs/audit.md). Without --json, --md or --html the Markdown goes '
                       'to standard output.')
    p.add_argument('kdir', metavar='KDIR', help='kernel source tree')
    p.add_argument('paths', metavar='PATH', nargs='*',
                   help='files or folders of KDIR to audit (default: all of it)')
    p.add_argument('--json', metavar='FILE', help='write the audit as JSON to FILE')
    p.add_argument('--md', metavar='FILE', help='write the Markdown report to FILE')
    p.add_argument('--html', metavar='FILE', help='write the HTML page to FILE')
    p.add_argument('--compare', metavar='OLD.json', help='list the handlers that changed '
                   'status, appeared or disappeared since the audit in OLD.json')
    p.add_argument('--verify', metavar='RESULTS.json', help='build results of convert.py '
                   'verify: each converted handler gets its build status (a missing '
                   'file is reported and skipped)')
    p.add_argument('--link-base', metavar='URL', default='',
                   help='prefix of the HTML links to FILE#LLINE (default: none, so the '
                   'links are relative to the page; e.g. a source browser URL)')
    spatch_options(p)
    p.add_argument('-v', '--verbose', action='store_true',
                   help='show the commands run and the count per status')
    p.set_defaults(func=cmd_audit)

    p = sub.add_parser('compare', help='compare the conversion with upstream\'s by hand',
                       description='Convert KDIR for the API of LATER (a later kernel '
                       'tree, e.g. the current one) and compare each handler\'s prepare '
                       'hook with the one upstream wrote by hand in LATER: the same, '
                       'different (with the diff), converted by one side only. Writes '
                       'Markdown; neither tree is written to.')
    p.add_argument('kdir', metavar='KDIR', help='the kernel tree to convert')
    p.add_argument('later', metavar='LATER', help='a later kernel tree, converted by hand')
    p.add_argument('--md', metavar='FILE', help='write the page to FILE (default: '
                   'standard output)')
    spatch_options(p)
    p.add_argument('-v', '--verbose', action='store_true', help='show the commands run')
    p.set_defaults(func=cmd_compare)
    return top


def main(argv=None):
    try:
        args = parser().parse_args(argv)
        processes.VERBOSE = getattr(args, 'verbose', False)
        return args.func(args)
    except UserError as err:
        print('convert.py: error: %s' % err, file=sys.stderr)
        return err.status
    except KeyboardInterrupt as err:
        print('convert.py: %s' % (err or 'interrupted'), file=sys.stderr)
        return 130
    except BrokenPipeError:
        # convert ... | head: the reader has gone, and so may we
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except OSError as err:
        # the environment (a full disk, a folder gone): one line, and the
        # traceback with -v
        if processes.VERBOSE:
            raise
        print('convert.py: error: %s' % err, file=sys.stderr)
        return 2
