"""The command line's argument parser (argparse, with one-line errors). The options several
commands share and their types are in kbcheck.commands.arguments (re-exported here), which also
reads a plain command line without argparse."""
import argparse

from kbcheck.commands import COMMANDS
from kbcheck.commands.arguments import (add_common, add_inputs, add_timeout_and_catalog,  # noqa: F401
                                        assume_pair, help_declarations, open_chain, timeout)
from kbcheck.errors import UsageError


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are UsageError (one line, exit 2) and that asks the terminal
    for its width only when help is printed."""

    # argparse builds a help formatter for every add_argument(), and the formatter asks the
    # terminal for its width through shutil (which imports bz2, lzma, ...): ~2 ms of every run.
    # Give it a width, and ask the terminal only when help is really printed.
    _help_width = 100
    # an unrecognised command word among the arguments ("kbcheck --root X explain") is told to go first
    hint_commands = True

    def _get_formatter(self):
        return self.formatter_class(prog=self.prog, width=self._help_width)

    def format_help(self):
        import shutil
        self._help_width = max(40, shutil.get_terminal_size().columns - 2)
        return argparse.ArgumentParser.format_help(self)

    def format_usage(self):
        import shutil
        self._help_width = max(40, shutil.get_terminal_size().columns - 2)
        return argparse.ArgumentParser.format_usage(self)

    def error(self, message):
        if self.hint_commands and message.startswith("unrecognized arguments:"):
            extra = message.split(":", 1)[1].split()
            for c in COMMANDS:
                if c in extra and not self.prog.endswith(" " + c):
                    rest = extra[extra.index(c) + 1:]
                    raise UsageError("%r is a command: put the command first: kbcheck %s%s (its own options "
                                     "follow it; see `kbcheck %s --help`)" % (
                                         c, c, (" " + " ".join(rest)) if rest else " ...", c))
        raise UsageError("%s (see `%s --help`)" % (message, self.prog))
