"""Compile the project's own modules to bytecode, as pip leaves an installed package's: where Python writes none
itself (PYTHONDONTWRITEBYTECODE), every start of the app compiled them again, 0.2 s before the first map.
``make run`` runs it before it starts the app, and the app benchmark before it times one."""

from __future__ import annotations

import compileall
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODULES = ("server.py", "app.py", "boundaries", "mapping", "webapp")  # what the app imports from the project


def compile_modules() -> bool:
    """Compile (where the source is newer than its bytecode) every module of :data:`MODULES`; False if one failed."""
    done = [compileall.compile_file(path, quiet=1) if path.is_file() else compileall.compile_dir(path, quiet=1)
            for path in (ROOT / name for name in MODULES)]
    return all(done)


if __name__ == "__main__":
    sys.exit(0 if compile_modules() else 1)
