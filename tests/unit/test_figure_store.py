"""The first map's figures kept on disk (webapp.figure_store): read back in a later call instead of computed, never
for a visitor's data, never stale, a damaged file computed again, and the folder bounded without touching a file
the store did not write.

Every figure here is SYNTHETIC: a small frame made from the call's own arguments.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from webapp import figure_store

VERSION = "0123456789abcdef"  # a data version's shape (webapp.data.data_version: 16 hex digits)
OTHER_VERSION = "fedcba9876543210"


@pytest.fixture
def folder(tmp_path, monkeypatch) -> Path:
    """An empty figures folder for the test (the project's cache folder is left alone)."""
    monkeypatch.setattr(figure_store, "figures_dir", lambda: tmp_path / "figures")
    monkeypatch.delenv("PIMAP_TEAMS_FILE", raising=False)
    return tmp_path / "figures"


class Counted:
    """SYNTHETIC: a figure function that counts its calls, kept on disk."""

    def __init__(self) -> None:
        self.calls = 0
        self.figure = figure_store.on_disk(self._figure)

    def _figure(self, version, geography, as_of, *, register=None, grades=None) -> pd.DataFrame:
        self.calls += 1
        return pd.DataFrame({"code": [geography, "E2"], "babies": [1.5, 2.25], "as_of": [as_of, as_of],
                             "name": pd.Series(["A", "B"], dtype=object)})


def _files(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.figure"))


def test_a_figure_is_read_back_in_a_new_process_and_is_the_same_frame(folder):
    first = Counted()
    computed = first.figure(VERSION, "E1", date(2024, 7, 1))
    later = Counted()  # a new process: no memory of the first call, only the disk
    read = later.figure(VERSION, "E1", date(2024, 7, 1))
    assert (first.calls, later.calls) == (1, 0)
    pd.testing.assert_frame_equal(read, computed)
    assert read["name"].dtype == object  # the frame as computed, dtypes and all (not a Parquet round trip)
    (path,) = _files(folder)
    assert path.parent.name == VERSION and path.name.startswith("figure-")
    assert path.read_bytes().startswith(figure_store.KIND)


def test_every_argument_is_part_of_the_key(folder):
    counted = Counted()
    counted.figure(VERSION, "E1", date(2024, 7, 1))
    counted.figure(VERSION, "E1", date(2024, 7, 2))
    counted.figure(VERSION, "E9", date(2024, 7, 1))
    counted.figure(VERSION, "E1", date(2024, 7, 1), grades=("A",))
    assert counted.calls == 4
    counted.figure(VERSION, "E1", date(2024, 7, 1), grades=None, register=None)  # as the first call, spelled out
    counted.figure(VERSION, as_of=date(2024, 7, 1), geography="E1")
    assert counted.calls == 4
    counted.figure(OTHER_VERSION, "E1", date(2024, 7, 1))  # another data version (and the first one's files go)
    assert counted.calls == 5


@pytest.mark.parametrize("spoil", ["flip a byte", "truncate", "another kind", "not a figure", "empty"])
def test_a_damaged_file_is_computed_again_and_replaced(folder, spoil):
    counted = Counted()
    counted.figure(VERSION, "E1", date(2024, 7, 1))
    (path,) = _files(folder)
    content = path.read_bytes()
    head, body = content[:len(figure_store.KIND) + 65], content[len(figure_store.KIND) + 65:]
    if spoil == "flip a byte":
        spoilt = head + body[:40] + bytes([body[40] ^ 0x01]) + body[41:]
    elif spoil == "truncate":
        spoilt = content[:len(content) // 2]
    elif spoil == "another kind":
        spoilt = b"pimap figure 0\n" + content[len(figure_store.KIND):]
    elif spoil == "not a figure":  # intact by its checksum, but no pickle: read back fails, so it is computed
        import hashlib

        spoilt = figure_store.KIND + hashlib.sha256(b"junk").hexdigest().encode() + b"\njunk"
    else:
        spoilt = b""
    path.write_bytes(spoilt)
    later = Counted()
    frame = later.figure(VERSION, "E1", date(2024, 7, 1))
    assert later.calls == 1 and list(frame["code"]) == ["E1", "E2"]
    assert path.read_bytes() == content  # replaced by the figure computed again (the same bytes)


@pytest.mark.parametrize("version, args", [
    (VERSION, ("E1", object())),  # a value that is not plain, such as a visitor's register
    ("not-a-version", ("E1", date(2024, 7, 1))),
    (VERSION[:15], ("E1", date(2024, 7, 1))),
])
def test_a_call_that_is_not_plain_values_is_never_written(folder, version, args):
    counted = Counted()
    counted.figure(version, *args)
    counted.figure(version, *args)
    assert counted.calls == 2 and not folder.exists()


def test_a_visitors_register_is_never_written(folder):
    class Register:  # SYNTHETIC: stands for mapping.analysis.selection.Register
        sha256 = "0" * 64

    counted = Counted()
    counted.figure(VERSION, "E1", date(2024, 7, 1), register=Register())
    counted.figure(VERSION, "E1", date(2024, 7, 1), register=Register())
    assert counted.calls == 2 and not folder.exists()


def test_a_hosted_registers_bytes_are_part_of_the_key(folder, tmp_path, monkeypatch):
    hosted = tmp_path / "hosted.csv"
    hosted.write_text("SYNTHETIC register, first version\n", encoding="utf-8")
    monkeypatch.setenv("PIMAP_TEAMS_FILE", str(hosted))
    counted = Counted()
    counted.figure(VERSION, "E1", date(2024, 7, 1))
    counted.figure(VERSION, "E1", date(2024, 7, 1))
    assert counted.calls == 1
    hosted.write_text("SYNTHETIC register, edited\n", encoding="utf-8")
    counted.figure(VERSION, "E1", date(2024, 7, 1))
    assert counted.calls == 2
    monkeypatch.delenv("PIMAP_TEAMS_FILE")
    counted.figure(VERSION, "E1", date(2024, 7, 1))  # the built-in register: another key again
    assert counted.calls == 3


def test_other_versions_are_removed_but_never_a_file_the_store_did_not_write(folder):
    Counted().figure(OTHER_VERSION, "E1", date(2024, 7, 1))
    Counted().figure("00000000000000aa", "E1", date(2024, 7, 1))
    kept_here = folder / "00000000000000aa" / "notes.txt"
    kept_here.write_text("not the store's", encoding="utf-8")
    beside = folder / "README"
    beside.write_text("not the store's", encoding="utf-8")
    not_a_version = folder / "mine"
    not_a_version.mkdir()
    (not_a_version / ("figure-" + "0" * 32 + ".figure")).write_bytes(b"not the store's")
    Counted().figure(VERSION, "E1", date(2024, 7, 1))
    assert not (folder / OTHER_VERSION).exists()
    assert [p.parent.name for p in _files(folder) if p.parent.name != "mine"] == [VERSION]
    assert kept_here.exists() and beside.exists() and len(list(not_a_version.iterdir())) == 1


def test_a_version_keeps_at_most_max_files_the_oldest_removed_first(folder, monkeypatch):
    monkeypatch.setattr(figure_store, "MAX_FILES", 3)
    counted, dated = Counted(), set()
    for day in range(1, 6):
        counted.figure(VERSION, "E1", date(2024, 7, day))
        for path in set(_files(folder)) - dated:  # written on day ``day``, whatever the file system's resolution
            os.utime(path, ns=(day * 10**9, day * 10**9))
            dated.add(path)
    assert len(_files(folder)) == 3
    later = Counted()
    for day in (3, 4, 5):
        later.figure(VERSION, "E1", date(2024, 7, day))
    assert later.calls == 0  # the three newest are the ones kept
    later.figure(VERSION, "E1", date(2024, 7, 1))
    assert later.calls == 1


@pytest.mark.parametrize("blocked", ["figures", f"figures/{VERSION}"])
def test_a_cache_that_cannot_be_written_only_costs_the_computation(tmp_path, monkeypatch, blocked):
    (tmp_path / blocked).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / blocked).write_bytes(b"SYNTHETIC: a file where a folder goes")
    monkeypatch.setattr(figure_store, "figures_dir", lambda: tmp_path / "figures")
    counted = Counted()
    first = counted.figure(VERSION, "E1", date(2024, 7, 1))
    second = counted.figure(VERSION, "E1", date(2024, 7, 1))
    assert counted.calls == 2
    pd.testing.assert_frame_equal(first, second)


class Runs:
    """SYNTHETIC: a pickle that, unpickled without care, would call a function (here one that only records)."""

    def __reduce__(self):
        return (os.makedirs, ("SHOULD-NOT-EXIST",))


def test_a_file_that_names_a_function_is_refused_never_run_and_computed_again(folder, tmp_path, monkeypatch):
    import hashlib
    import pickle

    monkeypatch.chdir(tmp_path)
    counted = Counted()
    counted.figure(VERSION, "E1", date(2024, 7, 1))
    (path,) = _files(folder)
    good = path.read_bytes()
    body = pickle.dumps(Runs())
    path.write_bytes(figure_store.KIND + hashlib.sha256(body).hexdigest().encode() + b"\n" + body)  # intact checksum
    with pytest.raises(pickle.UnpicklingError, match="os.makedirs is not part of a figure|posix.makedirs"):
        figure_store.read_figure(body)
    later = Counted()
    frame = later.figure(VERSION, "E1", date(2024, 7, 1))
    assert later.calls == 1 and list(frame["code"]) == ["E1", "E2"]
    assert not (tmp_path / "SHOULD-NOT-EXIST").exists() and path.read_bytes() == good


def test_every_part_a_figure_is_made_of_is_a_constructor_not_a_reader_or_writer():
    """The allowed names are classes, or pickle's own constructors of arrays and blocks (their names start with
    an underscore or say what they build): never a function that reads, writes or runs anything."""
    import importlib

    for module, names in figure_store.FIGURE_PARTS.items():
        for name in names:
            thing = getattr(importlib.import_module(module), name)
            assert isinstance(thing, type) or name.startswith("_") or name in {"NA", "NaT", "scalar", "py_buffer",
                                                                                "type_for_alias"}, (module, name)
