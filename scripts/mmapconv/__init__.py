"""mmap-convert: move f_op->mmap handlers to mmap_prepare (and mmap_complete).

The package follows the pipeline: tree (find the kernel tree and the files
worth looking at), processes (every program it starts), spatch (run the
semantic patches), verdicts (the one status per handler their report lines
give), statuses (the vocabulary), convert (the `convert` subcommand, with
crossfile, comments and layout for what spatch cannot do alone), series
and message (the `series` subcommand: patch series for the maintainers),
kbuild, kconfig, regions and verify (the `verify` subcommand: compile what
a conversion touches), audit, consumers, maintainers and audit_pages (the
`audit` subcommand and its pages), upstream (the `compare` subcommand:
the conversion against upstream's by hand).
"""

import os

VERSION = '0.1.0'

# The semantic patches live beside scripts/, in cocci/.
TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COCCI_DIR = os.path.join(TOP, 'cocci')
# The API a tree that predates mmap_prepare is built against (docs/api.md).
OVERLAY = os.path.join(TOP, 'overlay', 'mmap_prepare-api.patch')


class UserError(Exception):
    """A problem with the input that the user can fix; printed as one line."""

    def __init__(self, message, status=2):
        super().__init__(message)
        self.status = status
