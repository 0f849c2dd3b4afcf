"""benchmarks/floor_map_alone.py draws the app's own map: what the national map page sends for the default view
(the same layers, bounds, overlays, key and height), so the benchmark's figure for it is the app's map and
nothing else, however the map page changes."""

from __future__ import annotations

import pytest
from app_helpers import REPO, run_app

pytestmark = pytest.mark.slow  # the real app and its data


def _recorder(sent: dict, name: str):
    def record(spec, *, key, height, overlays=None):
        sent[name] = {"spec": {k: v for k, v in spec.items() if k != "label"}, "key": key, "height": height,
                      "overlays": overlays}
        return None  # no click

    return record


def test_the_map_alone_is_the_map_the_national_map_page_sends(monkeypatch):
    from streamlit.testing.v1 import AppTest

    import webapp.pages.map

    sent: dict = {}
    monkeypatch.setattr(webapp.pages.map, "show_map", _recorder(sent, "app"))
    run_app()
    monkeypatch.setattr(webapp.pages.map, "show_map", _recorder(sent, "alone"))  # the floor draws through the page
    alone = AppTest.from_file(str(REPO / "benchmarks" / "floor_map_alone.py"), default_timeout=300)
    alone.run()
    assert not alone.exception, [e.value for e in alone.exception]
    assert set(sent) == {"app", "alone"}
    assert sent["alone"]["spec"]["layers"], "the map has no layers"
    assert sent["alone"]["overlays"] is not None, "the map has no team overlays"
    assert sent["alone"] == sent["app"]
