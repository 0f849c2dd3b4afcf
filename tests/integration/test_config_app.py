"""PIMAP_FOI_FILE loaded by the app at session start (boundaries.config.FOI_FILE), on the real data.

Each test runs the real app (an AppTest, marked slow) with the SYNTHETIC FOI fixture of tests/fixtures, a
missing file or a damaged one as the file the variable names. Moved from tests/unit/test_config.py.
"""

from __future__ import annotations

import pytest
from app_helpers import FOI_FIXTURE, open_page, run_app

FOI_LABEL = "CAMHS FOI reply class"


@pytest.mark.slow
def test_the_app_loads_the_file_pimap_foi_file_names(mirror, monkeypatch):
    monkeypatch.setenv("PIMAP_FOI_FILE", str(FOI_FIXTURE))
    at = run_app(page="foi", geo="uk2018")
    notes = [i.value for i in at.sidebar.info]
    assert any(f"PIMAP_FOI_FILE: {FOI_FIXTURE.name}" in n.replace("\\", "") for n in notes), notes
    assert any("SYNTHETIC" in w.value for w in at.warning)
    open_page(at, "map")
    assert FOI_LABEL in at.radio(key="measure").options  # as if uploaded: the map offers the FOI measure
    assert any(FOI_FIXTURE.name in i.value.replace("\\", "") for i in at.sidebar.info)  # still said on every page


@pytest.mark.slow
def test_a_missing_pimap_foi_file_is_refused_as_text(mirror, monkeypatch, tmp_path):
    monkeypatch.setenv("PIMAP_FOI_FILE", str(tmp_path / "no-such-replies.csv"))
    at = run_app(page="map", geo="uk2018")
    errors = [e.value for e in at.sidebar.error]
    assert len(errors) == 1 and "no-such-replies.csv: no such file" in errors[0], errors
    assert str(tmp_path) not in errors[0]  # no server path
    assert FOI_LABEL not in at.radio(key="measure").options


@pytest.mark.slow
def test_a_bad_pimap_foi_file_is_refused_as_text(mirror, monkeypatch, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\x00\xff not a replies file\n")
    monkeypatch.setenv("PIMAP_FOI_FILE", str(bad))
    at = run_app(page="map", geo="uk2018")
    errors = [e.value for e in at.sidebar.error]
    assert len(errors) == 1 and "bad.csv" in errors[0], errors
    assert "Traceback" not in errors[0] and str(tmp_path) not in errors[0]
    assert FOI_LABEL not in at.radio(key="measure").options
