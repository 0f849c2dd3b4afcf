"""The `pimap` command: a thin layer of argument parsing over the library.

Each sub-module registers its own sub-commands with ``register(subparsers)`` and
maps parsed arguments to one library call.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import warnings

from boundaries.errors import CacheRepairWarning, PimapError

# Sub-modules, each with ``register(subparsers) -> None``. A command's handler is
# stored as ``func`` on its parser and returns the process exit code.
COMMAND_MODULES = [
    "mapping.cli.data",
    "mapping.cli.gaps",
    "mapping.cli.teams",
    "mapping.cli.foi",
    "mapping.cli.ladder",
    "mapping.cli.report",
    "mapping.cli.postcode",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pimap",
        description="Parent-Infant Provision Map: teams, coverage gaps and FOI replies across UK health geographies.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
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
        return int(args.func(args) or 0)
    except PimapError as exc:
        print(f"pimap: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return 0
    finally:
        warnings.formatwarning = formatwarning


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
