"""The pack's figures drawn in two processes: the same bytes as one, errors as one gives them, and a pack that
still builds when no second process can start.

The first part draws tiny SYNTHETIC figures (a line and a title) so it runs in seconds; the last test builds
the real uk2023 pack with the synthetic FOI fixture both ways and compares every file.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from matplotlib.figure import Figure

from mapping import report as R
from mapping.errors import FoiError
from mapping.report import writer as W

REPO = Path(__file__).resolve().parents[2]
FOI_FIXTURE = REPO / "tests" / "fixtures" / "synthetic_foi_rare_jewels.csv"
AS_OF = date(2023, 9, 1)


@dataclass(frozen=True)
class Spec:
    folder: str
    name: str
    sizes: tuple[str, ...]
    draw: Any


def _line(title: str, size: str) -> Figure:
    """SYNTHETIC: a titled line, a different one per size."""
    fig = Figure(figsize=(2.0, 1.5) if size == "a4" else (3.0, 1.5))
    fig.text(0.05, 0.9, title)
    ax = fig.add_axes((0.1, 0.1, 0.8, 0.6))
    ax.plot([0, 1, 2], [0, 1 if size == "a4" else 2, 0])
    return fig


def _specs() -> list[Spec]:
    return [Spec("charts", "first", ("a4", "slide"), lambda size: _line("First", size)),
            Spec("maps", "second", ("a4",), lambda size: _line("Second", size)),
            Spec("charts", "third", ("a4-half",), lambda size: _line("Third", "a4"))]


def _serial(specs: list[Any]) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for spec in specs:
        for size in spec.sizes:
            drawn = W.figure_bytes(spec.draw(size), f"{spec.name}_{size.replace('-', '')}")
            files.update({f"{spec.folder}/{n}": b for n, b in drawn.items()})
    return files


def test_two_processes_give_the_files_of_one_in_the_same_order():
    with W.drawn_figures(_specs(), workers=2) as drawing:
        assert drawing.workers == 2
        files = drawing.result()
    serial = _serial(_specs())
    assert list(files) == list(serial)  # the pack's order, though the maps were drawn first
    assert files == serial
    assert "charts/third_a4half.png" in files


def test_pages_laid_out_when_drawn_are_one_job_whose_files_are_each_pages():
    """SYNTHETIC: a PackPages of three pages, laid out only by the job that draws it, gives the files three
    PackFigures give, in the pack's order."""
    laid_out: list[int] = []

    def page(k: int) -> R.PackFigure:
        return R.PackFigure("maps", "table" + (f"_{k + 1}" if k else ""), ("a4",), lambda size: _line(f"Page {k}", size))

    def pages() -> list[R.PackFigure]:
        laid_out.append(1)
        return [page(k) for k in range(3)]

    specs: list[Any] = [_specs()[0], R.PackPages("maps", "table", pages, weight=5), _specs()[2]]
    assert [label for label, _ in W.figure_jobs(specs)] == ["charts/first", "maps/table", "charts/third"]
    assert laid_out == []  # listing the jobs lays nothing out
    expected = _serial([specs[0], *pages(), specs[2]])
    laid_out.clear()
    for workers in (1, 2):
        with W.drawn_figures(specs, workers=workers) as drawing:
            files = drawing.result()
        assert list(files) == list(expected) and files == expected
    assert laid_out == [1]  # in this process only when drawn here (the pool's worker laid it out for itself)
    assert [W._job_weight(s) for s in specs] == [2.0, 5.0, 1.0]


def test_the_heap_is_frozen_while_figures_are_drawn_and_thawed_after():
    import gc

    assert gc.get_freeze_count() == 0
    seen: list[int] = []

    def draw(size: str) -> Figure:
        seen.append(gc.get_freeze_count())
        return _line("F", size)

    specs = [Spec("charts", "frozen", ("a4",), draw)]
    with W.drawn_figures(specs, workers=1) as drawing:
        drawing.result()
    assert seen and seen[0] > 0  # drawn with the inputs out of the collector's walks
    assert gc.get_freeze_count() == 0  # and collected as before afterwards
    gc.freeze()  # someone else's frozen objects are left as they are
    try:
        with W._frozen_heap():
            pass
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_one_worker_draws_in_this_process(monkeypatch):
    def no_pool(*args, **kwargs):
        raise AssertionError("no pool should start for one worker")

    monkeypatch.setattr(W, "ProcessPoolExecutor", no_pool)
    with W.drawn_figures(_specs(), workers=1) as drawing:
        assert drawing.result() == _serial(_specs())


def test_a_pool_that_cannot_start_falls_back_to_drawing_here(monkeypatch):
    def refused(*args, **kwargs):
        raise OSError("SYNTHETIC: no processes left")

    monkeypatch.setattr(W, "ProcessPoolExecutor", refused)
    with W.drawn_figures(_specs(), workers=2) as drawing:
        assert drawing.workers == 1
        assert drawing.result() == _serial(_specs())


def test_a_worker_that_dies_is_drawn_again_here(monkeypatch):
    class Broken(concurrent.futures.Future):
        def __init__(self):
            super().__init__()
            self.set_exception(concurrent.futures.process.BrokenProcessPool("SYNTHETIC: a worker died"))

    class Pool:
        def __init__(self, *args, **kwargs):
            pass

        def submit(self, *args):
            return Broken()

        def shutdown(self, **kwargs):
            pass

    monkeypatch.setattr(W, "ProcessPoolExecutor", Pool)
    with W.drawn_figures(_specs(), workers=2) as drawing:
        assert drawing.result() == _serial(_specs())


def _refusing(size: str) -> Figure:
    raise FoiError("SYNTHETIC: no area has every count, so the share chart has nothing to draw")


@pytest.mark.parametrize("workers", [1, 2])
def test_an_error_in_a_figure_is_the_error_a_serial_pack_raises(workers):
    specs = [*_specs(), Spec("charts", "refused", ("a4",), _refusing)]
    with pytest.raises(FoiError, match="^SYNTHETIC: no area has every count, so the share chart has nothing to draw$"):
        with W.drawn_figures(specs, workers=workers) as drawing:
            drawing.result()
    assert W._JOBS == ()  # the pool is gone


def test_an_error_while_the_tables_are_made_stops_the_workers():
    slow = [Spec("maps", f"m{i}", ("a4",), lambda size: _line("Slow", size)) for i in range(6)]
    with pytest.raises(RuntimeError, match="SYNTHETIC tables"):
        with W.drawn_figures(slow, workers=2):
            raise RuntimeError("SYNTHETIC tables failed")
    assert W._JOBS == ()


def test_figure_workers_are_bounded_and_one_where_forking_is_not_safe(monkeypatch):
    assert W.figure_workers(1) == 1
    assert W.figure_workers(20, 7) == 7  # asked for: as many as asked (up to one per job)
    assert W.figure_workers(3, 7) == 3
    assert W.figure_workers(20, 0) == 1
    assert 1 <= W.figure_workers(20) <= W.MAX_WORKERS
    monkeypatch.setattr(threading, "active_count", lambda: 3)  # a web server's threads: no fork
    assert W.figure_workers(20) == 1


def test_pdf_fonts_cut_once_give_the_bytes_of_fonts_cut_each_time(monkeypatch):
    from fontTools import subset

    plain = {size: W.figure_bytes(_line("Fonts: ÅBÇ 123", size), "f")["f.pdf"] for size in ("a4", "slide")}
    cuts: list[int] = []
    cut = subset.Subsetter.subset

    def counted(self, font):
        cuts.append(1)
        return cut(self, font)

    monkeypatch.setattr(subset.Subsetter, "subset", counted)
    monkeypatch.setattr(W, "_DISK_SUBSETS", False)  # kept in memory only (on disk: test_pack_font_cache.py)
    with W.font_subsets():
        cached = {size: W.figure_bytes(_line("Fonts: ÅBÇ 123", size), "f")["f.pdf"] for size in ("a4", "slide")}
        again = W.figure_bytes(_line("Fonts: ÅBÇ 123", "a4"), "f")["f.pdf"]
    assert cached == plain
    assert again == plain["a4"]
    assert len(cuts) == 1  # one font, the same letters in each PDF: cut once
    assert W.figure_bytes(_line("Fonts: ÅBÇ 123", "a4"), "f")["f.pdf"] == plain["a4"]  # outside: as matplotlib
    assert len(cuts) == 2


@pytest.mark.slow
def test_the_uk2023_pack_with_foi_is_byte_identical_drawn_by_one_or_two_processes(mirror):
    data = R.load_inputs("uk2023", 2020, as_of=AS_OF, foi=FOI_FIXTURE)
    one, _ = R.pack_files(data, workers=1)
    two, manifest = R.pack_files(data, workers=2)
    assert list(two) == list(one)
    differ = [name for name in one if hashlib.sha256(one[name]).digest() != hashlib.sha256(two[name]).digest()]
    assert differ == []
    assert {f["path"] for f in manifest["files"]} == set(one) - {"manifest.json"}
