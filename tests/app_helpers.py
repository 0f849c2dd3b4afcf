"""Helpers shared by the AppTest modules: run the real app script and read its tables."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

import boundaries

REPO = Path(__file__).resolve().parents[1]
APP = str(REPO / "app.py")
FOI_FIXTURE = REPO / "tests" / "fixtures" / "synthetic_foi_rare_jewels.csv"
# The population year the app opens on (its latest), which a view without ?year= uses.
APP_YEAR = max(boundaries.POPULATION_YEARS)


def run_app(**params):
    """Run app.py with these URL query parameters; fail on any exception the page raised."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=300)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert_no_failure(at)
    return at


def fresh_figures_on_disk(monkeypatch, tmp_path: Path) -> Path:
    """An empty folder for the figures the app keeps on disk (webapp.figure_store), so a test that counts
    computations sees none read from another test's run (the processed layers' cache is left shared)."""
    from webapp import figure_store

    folder = tmp_path / "figures"
    monkeypatch.setattr(figure_store, "figures_dir", lambda: folder)
    return folder


def open_page(at, page: str) -> None:
    """Follow a link to another page in the same session (st.navigation: the page is in the query string)."""
    at.query_params["page"] = page
    at.run()
    assert_no_failure(at)


def assert_no_failure(at) -> None:
    """No exception escaped, and no page failed behind app.show_page's generic message (which catches it)."""
    from webapp.pages import PAGE_FAILED

    assert not at.exception, [e.value for e in at.exception]
    assert PAGE_FAILED not in [e.value for e in at.error], "a page failed: see the log for its traceback"


def frame(at, column: str) -> pd.DataFrame:
    """The first table on the page that has ``column``."""
    for element in at.dataframe:
        if column in element.value.columns:
            return element.value
    raise AssertionError(f"no table with column {column!r}")


def show_map_table(at) -> None:
    """Switch on the national map's table (sent only when asked for)."""
    at.toggle(key="map_table_shown").set_value(True).run()
    assert_no_failure(at)


def capture_downloads(patch) -> dict[str, bytes]:
    """From now until ``patch`` (a pytest MonkeyPatch) is undone, every file a download button offers, as the
    browser would get it: its bytes, by file name, in the dict returned."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    found: dict[str, bytes] = {}
    real_add = MediaFileManager.add

    def add(self, data, mimetype, coordinates, file_name=None, *args, **kwargs):
        if file_name and isinstance(data, bytes):
            found[file_name] = data
        return real_add(self, data, mimetype, coordinates, file_name, *args, **kwargs)

    patch.setattr(MediaFileManager, "add", add)
    return found
