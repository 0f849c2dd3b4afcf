"""A SYNTHETIC cache for the cache-integrity tests of every tier: a temporary ``PIMAP_CACHE_DIR``, a fake
registry entry with a mirror holding its bytes, and a made-up layer.

``cache`` and ``raw_entry`` are fixtures: a test module binds them by name (``cache = cache_helpers.cache``)
so pytest finds them there.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest

from boundaries import fetch as fetch_mod

KEY = "0123456789abcdef"  # a synthetic layer key (16 hex digits, like catalogue.layer_key)
SYNTHETIC_CSV = (
    "unit_code,area_code,age0\n" + "".join(f"SYN{i:05d},SYNAREA{i % 7},{i * 3 % 101}\n" for i in range(400))
).encode()


def synthetic_frame() -> pd.DataFrame:
    """A made-up small-area table with integer counts (not real data)."""
    return pd.DataFrame(
        {"unit_code": [f"SYN{i:04d}" for i in range(300)], "age0": [(i * 37) % 1000 for i in range(300)]}
    )


@pytest.fixture()
def cache(tmp_path, monkeypatch) -> Path:
    """An empty cache folder for this test, and no mirror."""
    root = tmp_path / "cache"
    monkeypatch.setenv("PIMAP_CACHE_DIR", str(root))
    monkeypatch.delenv("PIMAP_DATA_MIRROR", raising=False)
    return root


@pytest.fixture()
def raw_entry(cache, tmp_path, monkeypatch):
    """A synthetic registered CSV and a mirror holding its good bytes."""
    entry = fetch_mod.RegisteredFile(
        id="synthetic", filename="synthetic_lookup.csv", bytes=len(SYNTHETIC_CSV),
        sha256=hashlib.sha256(SYNTHETIC_CSV).hexdigest(), format="csv", url="http://127.0.0.1:9/synthetic_lookup.csv",
        license="test", description="synthetic test lookup (not real data)",
    )
    monkeypatch.setattr(fetch_mod, "registry", lambda: {"synthetic": entry})
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    (mirror / entry.filename).write_bytes(SYNTHETIC_CSV)
    monkeypatch.setenv("PIMAP_DATA_MIRROR", str(mirror))
    return entry
