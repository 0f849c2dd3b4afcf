"""The `pimap` command: a thin layer of argument parsing over the library.

Each sub-module registers its own sub-commands with ``register(subparsers)`` and
maps parsed arguments to one library call.
"""

from __future__ import annotations

import argparse
import errno
import os
import sys
import warnings
from types import ModuleType

from mapping.cli import area, births, changes, compare, data, foi, gaps, ladder, postcode, report, site, teams
from mapping.errors import CacheRepairWarning, PimapError

# Sub-modules, each with ``register(subparsers) -> None``, imported by name above so every static tool
# sees them. A command's handler is stored as ``func`` on its parser and returns the process exit code.
COMMAND_MODULES: tuple[ModuleType, ...] = (data, gaps, teams, foi, ladder, report, postcode, changes, births, area,
                                           compare, site)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pimap",
        description="Parent-Infant Provision Map: teams, coverage gaps and FOI replies across UK health geographies.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True)
    for module in COMMAND_MODULES:
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    formatwarning = warnings.formatwarning

    def one_line(
        message: Warning | str, category: type[Warning], filename: str, lineno: int, line: str | None = None
    ) -> str:
        """A repaired cache file is reported as one line, like an error, not with a source line."""
        if issubclass(category, CacheRepairWarning):
            return f"pimap: warning: {message}\n"
        return formatwarning(message, category, filename, lineno, line)

    warnings.formatwarning = one_line
    try:
        code = int(args.func(args) or 0)
        sys.stdout.flush()  # here, so a full disk under standard output is reported below, not at exit
        return code
    except PimapError as exc:
        print(f"pimap: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return 0
    except OSError as exc:
        if exc.errno not in (errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EFBIG) or exc.filename is not None:
            raise
        from mapping.present.outputs import describe_os_error

        _discard_stdout()
        print(f"pimap: error: standard output could not be written: {describe_os_error(exc)}", file=sys.stderr)
        return 2
    finally:
        warnings.formatwarning = formatwarning


def _discard_stdout() -> None:
    """Point standard output at the null device, so what is still buffered for the full disk is dropped
    instead of ending the process with a second error at exit."""
    try:
        sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # not a real file (tests capture it): nothing is left behind
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
