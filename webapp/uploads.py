"""A visitor's upload, one way for every kind (FOI replies, a register of teams): the size limit, reading the
bytes from the uploader, the session keys an upload owns (cleared together when a new file comes or the
uploader is emptied), and a refusal as the visitor sees it: a message naming the file, never a traceback or
a server path. What a kind keeps from a good file (its name, bytes, sha256) is the kind's own business."""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Callable

import streamlit as st

from mapping.errors import PimapError
from mapping.inputs.tabular import DEFAULT_LIMITS, MB

MAX_MB = 5  # the largest upload the app reads, of any kind
# The reader's bounds for a visitor's upload: the app's size limit, and less time than the command line gets,
# so a hostile file cannot keep a server thread busy after the visitor has gone.
UPLOAD_LIMITS = dataclasses.replace(DEFAULT_LIMITS, max_file_bytes=MAX_MB * MB, max_seconds=30.0)
FAULT = ("could not be read because of a fault in the app, not necessarily in your file; try again, or save it "
         "again as 'CSV UTF-8' and upload that")
_SERVER_PATH = re.compile(r"(?<![\w.])(?:[A-Za-z]:)?(?:[\\/][^\s\\/:'\"]+){2,}[\\/]?")
# Session keys computed from the inputs in use (the FOI replies, the register), dropped when either changes.
DERIVED = ("foi_classes", "foi_ladder", "report_pack")
_log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class UploadKind:
    """One kind of upload: its uploader's key, the session keys it owns and the one its refusal goes in."""

    label: str  # for the server's log: "FOI", "teams"
    widget: str  # the file_uploader's key
    error: str  # the session key of the refusal shown to the visitor (one of ``owned``)
    owned: tuple[str, ...]  # every session key computed from the upload, dropped when a new one comes
    advice: str = ""  # said after the size refusal


def clear(kind: UploadKind) -> None:
    """Forget everything this session computed from the last upload of ``kind``."""
    drop(kind.owned)


def drop(keys: tuple[str, ...]) -> None:
    """Remove ``keys`` from this session's state (those not there are skipped)."""
    for key in keys:
        st.session_state.pop(key, None)


def too_large(size: int) -> bool:
    """Whether ``size`` bytes are over the app's limit."""
    return size > MAX_MB * MB


def on_upload(kind: UploadKind, load: Callable[[str, bytes], None]) -> None:
    """The uploader's ``on_change``: clear the last upload, then hand a new one's name and bytes to ``load``,
    unless it is over the limit (then the refusal, and nothing else, is kept)."""
    clear(kind)
    upload = st.session_state.get(kind.widget)
    if upload is None:
        return
    data = upload.getvalue()
    if too_large(len(data)):
        advice = f" {kind.advice}" if kind.advice else ""
        st.session_state[kind.error] = f"{upload.name} is {len(data) / MB:.1f} MB; the limit is {MAX_MB} MB.{advice}"
        return
    load(upload.name, data)


def read_guarded(kind: UploadKind, name: str, read: Callable[[], None]) -> None:
    """Run ``read``; a domain refusal (:class:`PimapError`) it lets out becomes :func:`visitor_message` in the
    kind's error key, any other exception a message blaming the app, its details in the server's log only."""
    try:
        read()
    except PimapError as exc:
        st.session_state[kind.error] = visitor_message(name, str(exc))
    except Exception:  # never a traceback for a visitor
        _log.exception("%s upload %r could not be read", kind.label, name)
        st.session_state[kind.error] = f"{name}: {FAULT}"


def visitor_message(name: str, message: str) -> str:
    """A refusal as a visitor sees it: one message starting with the file's name, with no server path in it."""
    text = _SERVER_PATH.sub("(a server file)", message)
    return text if text.startswith(f"{name}:") else f"{name}: {text}"
