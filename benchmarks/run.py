"""Run every benchmark in this folder and print its figures.

Each ``bench_*.py`` module defines ``main() -> None`` that prints its own lines.
Usage: ``python benchmarks/run.py [name ...]`` (names without ``bench_``; default all).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(names: list[str]) -> None:
    for path in sorted(HERE.glob("bench_*.py")):
        short = path.stem.removeprefix("bench_")
        if names and short not in names:
            continue
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        assert spec.loader is not None
        spec.loader.exec_module(module)
        print(f"== {short}", flush=True)
        module.main()


if __name__ == "__main__":
    main(sys.argv[1:])
