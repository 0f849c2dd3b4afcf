"""webapp.uploads: the one way an upload is taken (size limit, bytes, the session keys it owns, refusals as text),
as the FOI replies' and the register's uploads use it."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import pytest

from mapping.errors import FoiError, TeamsFileError

REPO = Path(__file__).resolve().parents[2]
MB = 1024 * 1024


@dataclass
class FakeUpload:
    name: str
    data: bytes

    def getvalue(self) -> bytes:
        return self.data


@pytest.fixture
def state(monkeypatch):
    import webapp.uploads as uploads

    state: dict[str, object] = {}
    monkeypatch.setattr(uploads.st, "session_state", state)
    return state


def _kind():
    from webapp.uploads import UploadKind

    return UploadKind(label="test", widget="up", error="up_error", owned=("up_error", "up_value", "shared"),
                      advice="Make it smaller.")


def _loader(calls: list):
    return lambda name, data: calls.append((name, data))


def test_a_new_upload_clears_what_the_last_one_left_and_is_handed_over(state):
    from webapp.uploads import on_upload

    state.update({"up_value": 1, "shared": 2, "up_error": "old", "other": 3, "up": FakeUpload("a.csv", b"x,y\n")})
    calls: list = []
    on_upload(_kind(), _loader(calls))
    assert calls == [("a.csv", b"x,y\n")]
    assert set(state) == {"other", "up"}  # the kind's keys gone, the others kept


def test_an_emptied_uploader_only_clears(state):
    from webapp.uploads import on_upload

    state.update({"up_value": 1, "up": None})
    calls: list = []
    on_upload(_kind(), _loader(calls))
    assert calls == [] and state == {"up": None}


@pytest.mark.parametrize("size, refused", [(5 * MB, False), (5 * MB + 1, True)])
def test_the_size_limit_is_five_mb(state, size, refused):
    from webapp.uploads import MAX_MB, on_upload, too_large

    assert MAX_MB == 5 and too_large(size) is refused
    state["up"] = FakeUpload("big.csv", b"x" * size)
    calls: list = []
    on_upload(_kind(), _loader(calls))
    if refused:
        assert calls == [] and state["up_error"] == "big.csv is 5.0 MB; the limit is 5 MB. Make it smaller."
    else:
        assert len(calls) == 1 and "up_error" not in state


def test_both_kinds_say_the_same_limit_and_own_the_derived_keys():
    from webapp import uploads
    from webapp.foi_session import FOI_MAX_MB, FOI_UPLOAD
    from webapp.register_session import CANDIDATE, ERROR, PROBLEMS, TEAMS_MAX_MB, TEAMS_UPLOAD

    assert FOI_MAX_MB == TEAMS_MAX_MB == uploads.MAX_MB
    assert uploads.UPLOAD_LIMITS.max_file_bytes == uploads.MAX_MB * MB
    assert set(uploads.DERIVED) <= set(FOI_UPLOAD.owned) and FOI_UPLOAD.error in FOI_UPLOAD.owned
    assert {"foi", "foi_report", "foi_name", "foi_bytes"} <= set(FOI_UPLOAD.owned)
    # A new register file clears the candidate only; the register in use, and what is computed from it, stay.
    assert TEAMS_UPLOAD.owned == (CANDIDATE, PROBLEMS, ERROR) and "register" not in TEAMS_UPLOAD.owned


def test_a_refusal_names_the_file_and_no_server_path(state):
    from webapp.uploads import read_guarded

    def refuse() -> None:
        raise FoiError(f"{REPO}/data/cache/x.parquet: corrupt")

    read_guarded(_kind(), "a.csv", refuse)
    assert state["up_error"] == "a.csv: (a server file): corrupt"


def test_a_fault_blames_the_app_and_logs_the_details(state, caplog):
    from webapp.uploads import FAULT, read_guarded

    def broken() -> None:
        raise RuntimeError(f"{REPO}/mapping/secret.py exploded")

    with caplog.at_level(logging.ERROR):
        read_guarded(_kind(), "a.csv", broken)
    assert state["up_error"] == f"a.csv: {FAULT}"
    assert "exploded" in caplog.text and "test upload 'a.csv' could not be read" in caplog.text


def test_a_register_with_bad_rows_lists_its_problems(state, monkeypatch):
    import webapp.register_session as register_session

    def bad(name: str, data: bytes):
        raise TeamsFileError("2 problems", problems=["row 3, column nation: 'Mars' is not a nation", "row 4, ..."])

    monkeypatch.setattr(register_session, "read_register", bad)
    state["teams_upload"] = FakeUpload("t.csv", b"team_id\n")
    register_session.on_teams_upload()
    assert state == {"teams_upload": state["teams_upload"],
                     "register_problems": ["row 3, column nation: 'Mars' is not a nation", "row 4, ..."]}


def test_switching_register_drops_what_was_computed_with_the_old_one(state):
    import webapp.register_session as register_session
    from webapp import uploads

    state.update({key: object() for key in uploads.DERIVED})
    state.update({"register": object(), "foi": "kept"})
    register_session.use_builtin()
    assert state == {"foi": "kept"}
