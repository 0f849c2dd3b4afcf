"""`pimap compare` (being written this session; registers nothing yet)."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the sub-command (none yet)."""
