"""Command line: convert.py SUBCOMMAND ..."""

import argparse
import os
import sys

from . import VERSION, UserError
from . import classify
from . import convert as conv
from . import tools


def cmd_convert(args):
    handlers, diffs, errors, nfiles = conv.convert(args.kdir, args.paths, jobs=args.jobs,
                                                   timeout=args.timeout)
    text = ''.join(diffs[path] for path in sorted(diffs))
    if args.in_place:
        conv.apply_in_place(args.kdir, text, diffs)
    elif args.output:
        with open(args.output, 'w') as out:
            out.write(text)
    else:
        sys.stdout.write(text)
    line = 'convert: %d files, %s' % (nfiles, classify.summary(handlers))
    if errors:
        line += '; not analysed: ' + ', '.join('%s (%s)' % (path, why.split(':')[0])
                                               for path, why in sorted(errors.items()))
    where = ('applied to ' + args.kdir if args.in_place else
             'diff in ' + args.output if args.output else '')
    tools.log(line + ('; ' + where if where else ''))
    if args.verbose:
        for h in handlers:
            tools.log('%s:%d: %s: %s: %s' % (h.file, h.line, h.handler, h.status, h.reason))
    return 0


def parser():
    top = argparse.ArgumentParser(
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
    p.add_argument('-j', '--jobs', type=int, default=os.cpu_count() or 2,
                   help='spatch processes to run at once (default: %(default)s)')
    p.add_argument('--timeout', type=int, default=120,
                   help='seconds spatch may spend on one file (default: %(default)s)')
    p.add_argument('-v', '--verbose', action='store_true',
                   help='show the commands run and one line per handler')
    p.set_defaults(func=cmd_convert)
    return top


def main(argv=None):
    args = parser().parse_args(argv)
    tools.VERBOSE = getattr(args, 'verbose', False)
    try:
        return args.func(args)
    except UserError as err:
        print('convert.py: error: %s' % err, file=sys.stderr)
        return err.status
    except KeyboardInterrupt:
        print('convert.py: interrupted', file=sys.stderr)
        return 130
