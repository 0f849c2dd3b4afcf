"""The PDF fonts' cuts kept on disk (mapping.report.font_cache): a later pack cuts no font again, gets the bytes a
cut gives, and a damaged or missing entry is cut again and replaced.

The figures are tiny SYNTHETIC ones (a line and a title); the last test builds the real uk2023 pack with the
synthetic FOI fixture with the cache off, cold and warm and compares every file.
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest
from matplotlib.figure import Figure

from mapping import report as R
from mapping.report import font_cache
from mapping.report import writer as W

REPO = Path(__file__).resolve().parents[2]
FOI_FIXTURE = REPO / "tests" / "fixtures" / "synthetic_foi_rare_jewels.csv"
WORDS = "Fonts: ÅBÇ 123"


def _line(title: str, size: str = "a4") -> Figure:
    """SYNTHETIC: a titled line, a different one per size."""
    fig = Figure(figsize=(2.0, 1.5) if size == "a4" else (3.0, 1.5))
    fig.text(0.05, 0.9, title)
    ax = fig.add_axes((0.1, 0.1, 0.8, 0.6))
    ax.plot([0, 1, 2], [0, 1 if size == "a4" else 2, 0])
    return fig


def _pdf(title: str = WORDS, size: str = "a4") -> bytes:
    with W.font_subsets():
        return W.figure_bytes(_line(title, size), "f")["f.pdf"]


@pytest.fixture
def store(tmp_path, monkeypatch) -> Path:
    """An empty folder for the cuts (the processed layers' cache folder is left alone)."""
    folder = tmp_path / "font-subsets"
    monkeypatch.setattr(font_cache, "subsets_dir", lambda: folder)
    monkeypatch.setattr(W, "_DISK_SUBSETS", True)
    return folder


@pytest.fixture
def cuts(monkeypatch) -> list[int]:
    """Counts fontTools' cuts."""
    from fontTools import subset

    counted: list[int] = []
    cut = subset.Subsetter.subset

    def counting(self, font):
        counted.append(1)
        return cut(self, font)

    monkeypatch.setattr(subset.Subsetter, "subset", counting)
    return counted


def _plain(title: str = WORDS, size: str = "a4") -> bytes:
    """The PDF as matplotlib writes it, every font cut anew."""
    return W.figure_bytes(_line(title, size), "f")["f.pdf"]


def test_a_cut_is_kept_on_disk_and_a_later_pack_reads_it_instead_of_cutting(store, cuts):
    plain = _plain()
    cuts.clear()
    assert _pdf() == plain  # a miss: cut, and kept
    assert len(cuts) == 1
    files = sorted(store.iterdir())
    assert len(files) == 1 and files[0].suffix == ".subset"
    assert files[0].read_bytes().startswith(font_cache.FORMAT)
    assert _pdf() == plain  # another pack (a new font_subsets): read from disk
    assert len(cuts) == 1
    assert _pdf("Other letters: xyz", "slide") == _plain("Other letters: xyz", "slide")  # other glyphs: a miss
    assert len(list(store.iterdir())) == 2


@pytest.mark.parametrize("damage", ["flipped", "truncated", "empty", "other format", "bad map"])
def test_a_damaged_entry_is_found_by_its_checksum_cut_again_and_replaced(store, cuts, damage):
    plain = _plain()
    assert _pdf() == plain
    (entry,) = store.iterdir()
    content = entry.read_bytes()
    if damage == "flipped":
        spoilt = content[:-10] + bytes([content[-10] ^ 0x01]) + content[-9:]
    elif damage == "truncated":
        spoilt = content[: len(content) // 2]
    elif damage == "empty":
        spoilt = b""
    elif damage == "other format":
        spoilt = b"pimap font subset 0\n" + content[len(font_cache.FORMAT):]
    else:  # a checksum that matches a glyph map that is not one
        body = b"{not json\n" + content.split(b"\n", 3)[3]
        spoilt = font_cache.FORMAT + hashlib.sha256(body).hexdigest().encode() + b"\n" + body
    entry.write_bytes(spoilt)
    cuts.clear()
    assert _pdf() == plain
    assert len(cuts) == 1  # not trusted: cut again
    assert entry.read_bytes() == content  # and replaced with the whole entry
    assert [p.name for p in store.iterdir()] == [entry.name]  # no temporary file left beside it
    cuts.clear()
    assert _pdf() == plain
    assert cuts == []


def test_the_key_is_the_font_bytes_face_glyphs_and_versions(tmp_path, monkeypatch):
    import fontTools
    import matplotlib

    font = tmp_path / "synthetic.ttf"
    font.write_bytes(b"SYNTHETIC font bytes")
    key = font_cache.subset_key(str(font), 0, frozenset({3, 5}))
    assert key == font_cache.subset_key(str(font), 0, frozenset({5, 3}))
    assert key != font_cache.subset_key(str(font), 1, frozenset({3, 5}))
    assert key != font_cache.subset_key(str(font), 0, frozenset({3, 6}))
    monkeypatch.setattr(fontTools, "version", "0.0-synthetic")
    assert key != font_cache.subset_key(str(font), 0, frozenset({3, 5}))
    monkeypatch.undo()
    monkeypatch.setattr(matplotlib, "__version__", "0.0-synthetic")
    assert key != font_cache.subset_key(str(font), 0, frozenset({3, 5}))
    monkeypatch.undo()
    font.write_bytes(b"SYNTHETIC other font bytes")  # the same path, other bytes (and size)
    assert key != font_cache.subset_key(str(font), 0, frozenset({3, 5}))


def test_a_cache_that_cannot_be_written_only_costs_the_cut(tmp_path, monkeypatch, cuts):
    blocker = tmp_path / "a file"
    blocker.write_bytes(b"SYNTHETIC: not a folder")
    monkeypatch.setattr(font_cache, "subsets_dir", lambda: blocker / "font-subsets")
    plain = _plain()
    cuts.clear()
    assert _pdf() == plain
    assert _pdf() == plain
    assert len(cuts) == 2


def test_with_the_disk_cache_off_fonts_are_cut_each_pack(store, cuts, monkeypatch):
    monkeypatch.setattr(W, "_DISK_SUBSETS", False)
    plain = _plain()
    cuts.clear()
    assert _pdf() == plain
    assert _pdf() == plain
    assert len(cuts) == 2
    assert not store.exists()


@pytest.mark.slow
def test_the_uk2023_pack_is_byte_identical_with_the_cache_off_cold_and_warm(mirror, store, monkeypatch):
    data = R.load_inputs("uk2023", 2020, as_of=date(2023, 9, 1), foi=FOI_FIXTURE)
    monkeypatch.setattr(W, "_DISK_SUBSETS", False)
    off, _ = R.pack_files(data)
    monkeypatch.setattr(W, "_DISK_SUBSETS", True)
    cold, _ = R.pack_files(data)
    kept = {p.name: p.stat().st_mtime_ns for p in store.iterdir()}
    assert len(kept) > 10  # every font of every figure's PDFs
    warm, _ = R.pack_files(data)
    assert {p.name: p.stat().st_mtime_ns for p in store.iterdir()} == kept  # nothing cut (a cut is stored again)
    for files in (cold, warm):
        assert list(files) == list(off)
        assert [n for n in off if files[n] != off[n]] == []
