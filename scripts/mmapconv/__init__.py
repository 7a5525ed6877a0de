"""mmap-convert: move f_op->mmap handlers to mmap_prepare (and mmap_complete).

The package follows the pipeline: tree (find the kernel tree and the files
worth looking at), spatch (run the semantic patches), classify (read what
they say about each handler), convert (the `convert` subcommand), series
and message (the `series` subcommand: patch series for the maintainers),
kbuild and verify (the `verify` subcommand: compile what a conversion touches).
"""

import os

VERSION = '0.1.0'

# The semantic patches live beside scripts/, in cocci/.
TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COCCI_DIR = os.path.join(TOP, 'cocci')


class UserError(Exception):
    """A problem with the input that the user can fix; printed as one line."""

    def __init__(self, message, status=2):
        super().__init__(message)
        self.status = status
