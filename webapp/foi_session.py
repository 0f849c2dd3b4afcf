"""FOI replies uploaded in this session: read from bytes, kept in this visitor's session state only
(never in a cache shared across sessions, never written to disk)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from boundaries import config
from mapping.present.downloads import DownloadMeta
from webapp import uploads
from webapp.data import data_version, download_meta, ladder_table, selection_inputs, session_synthetic
from webapp.formatting import escape_markdown
from webapp.state import View
from webapp.uploads import UPLOAD_LIMITS, visitor_message

FOI_MAX_MB = uploads.MAX_MB
# The replies' upload: the session keys it owns (its refusal in foi_error), cleared when a new file comes.
FOI_UPLOAD = uploads.UploadKind(label="FOI", widget="foi_upload", error="foi_error",
                                owned=("foi", "foi_report", "foi_error", "foi_name", "foi_bytes", *uploads.DERIVED),
                                advice="Split the file or remove unused columns.")


def foi_classes(view: View) -> pd.DataFrame | None:
    """The loaded FOI's classes in the chosen geography, cached in this session only."""
    analysis = st.session_state.get("foi")
    if analysis is None:
        return None
    cache = st.session_state.setdefault("foi_classes", {})
    key = (view.geography, view.year, _register_key(view))
    if key not in cache:
        from mapping.inputs.foi_io import classes_in
        from webapp.data import data_version, selection_inputs

        cache[key] = classes_in(analysis, selection_inputs(data_version(), view.geography, view.year, view.as_of,
                                                           register=view.register, grades=view.grades))
    return cache[key]


def _register_key(view: View) -> str | None:
    """The register part of a session cache key: its sha256, or None for the built-in one."""
    return view.register.sha256 if view.register is not None else None


def session_ladder(view: View) -> pd.DataFrame:
    """The provision ladder for the view: with this session's FOI replies (levels 1 and 0) if loaded,
    computed and kept in this session only; otherwise the shared cached ladder (no area at 1 or 0)."""
    analysis = st.session_state.get("foi")
    if analysis is None:
        return ladder_table(data_version(), view.geography, view.year, view.as_of, register=view.register, grades=view.grades)
    cache = st.session_state.setdefault("foi_ladder", {})
    key = (view.geography, view.year, view.as_of, _register_key(view))
    if key not in cache:
        from mapping.analysis.ladder import compute_ladder, foi_areas_from_classes

        cache[key] = compute_ladder(selection_inputs(data_version(), view.geography, view.year, view.as_of,
                                                     register=view.register, grades=view.grades),
                                    foi_areas=foi_areas_from_classes(analysis.classified, analysis.geography),
                                    geometry=False)
    return cache[key]


SYNTHETIC_WARNING = ("SYNTHETIC test data: the FOI replies loaded in this session are marked synthetic, made up for "
                     "testing. Every figure drawn from them (levels 1 and 0, the FOI reply classes) is not real: "
                     "do not quote it.")


def foi_is_synthetic() -> bool:
    """Whether this session's FOI replies are loaded and marked SYNTHETIC test data (webapp.data.session_synthetic)."""
    return session_synthetic()


def show_synthetic_warning() -> bool:
    """Draw :data:`SYNTHETIC_WARNING` when this session's FOI replies are synthetic (app.show_page calls it
    once for every page); whether it was drawn."""
    if not foi_is_synthetic():
        return False
    st.warning(SYNTHETIC_WARNING, icon=":material/science:")
    return True


def show_ladder_note(extra: str = "") -> None:
    """:func:`ladder_foi_note` as a warning when the FOI replies are synthetic, else as information."""
    (st.warning if foi_is_synthetic() else st.info)(ladder_foi_note() + extra)


def ladder_foi_note() -> str:
    """Where levels 1 and 0 come from in this session, in words."""
    if st.session_state.get("foi") is None:
        return ("No FOI replies are loaded in this session, so no area is at level 1 or 0: every place without a "
                "team or CAMHS parent-infant specialists is 'unknown' (the per-area replies behind Rare Jewels are "
                "not published). Load replies on page 'FOI replies' to add levels 1 and 0.")
    name = escape_markdown(st.session_state.get("foi_name", "uploaded file"))  # shown as Markdown
    synthetic = " They are marked SYNTHETIC test data: do not quote these levels." if getattr(
        st.session_state["foi"], "synthetic", False) else ""
    return (f"Levels 1 and 0 come from the FOI replies loaded in this session ({name}); areas outside the FOI's "
            f"geography or without a usable reply stay 'unknown'.{synthetic}")


def issues_frame(report) -> pd.DataFrame:
    """The validation report's problems as a table: row, column, severity, message."""
    rows = [{"row": i.row, "column": i.column, "severity": i.severity, "message": i.message} for i in report.issues]
    return pd.DataFrame(rows, columns=["row", "column", "severity", "message"])


def foi_meta(view: View) -> DownloadMeta:
    """:func:`webapp.data.download_meta` for a download made from this session's FOI replies."""
    name = st.session_state.get("foi_name", "uploaded file")
    return download_meta(f"FOI replies from {name}", view.geography, view.year, view.as_of,
                         register=view.register, grades=view.grades, synthetic=foi_is_synthetic(),
                         extra=(f"FOI replies: {name}, uploaded in this session (not published)",))


def on_foi_upload() -> None:
    """Read a new upload before the page is drawn, so the sidebar already offers the FOI measure."""
    uploads.on_upload(FOI_UPLOAD, load_foi)


def load_foi(name: str, data: bytes) -> None:
    """Validate and analyse uploaded replies into this session's state only; nothing is written to disk."""
    from mapping.inputs.foi import PopulationTables, validate_replies
    from mapping.inputs.foi_io import AreaTables, analyse_report, read_replies_bytes

    def read() -> None:
        raw = read_replies_bytes(data, name, limits=UPLOAD_LIMITS)
        tables = AreaTables()
        report = validate_replies(raw, tables, population=PopulationTables.from_boundaries())
        st.session_state["foi_report"] = report
        st.session_state["foi_name"] = name
        if not report.errors:
            st.session_state["foi"] = analyse_report(report, tables)
            st.session_state["foi_bytes"] = data  # for the report pack (page 'Tables and downloads')

    uploads.read_guarded(FOI_UPLOAD, name, read)


def load_foi_file_from_env() -> None:
    """Load ``PIMAP_FOI_FILE`` (boundaries.config.FOI_FILE) once per session, as if the visitor had uploaded it,
    and say so in the sidebar on every run while it is the session's replies: its name when it loaded, its
    refusal as text when it is missing or bad (the page still draws, without an FOI layer)."""
    from mapping.errors import FoiError
    from mapping.inputs.foi_io import FOI_FILE_ENV, resolve_foi_file

    if "foi_env" not in st.session_state:
        st.session_state["foi_env"] = None
        try:
            path = resolve_foi_file(None)
        except FoiError:  # the file it names does not exist (said without the server's folders)
            named = config.foi_file()
            name = named.name if named is not None else FOI_FILE_ENV
            st.session_state["foi_env"] = name
            st.session_state["foi_error"] = f"{name}: no such file on the server"
        else:
            if path is not None:
                st.session_state["foi_env"] = path.name
                try:
                    data = None if uploads.too_large(path.stat().st_size) else path.read_bytes()
                except OSError as exc:
                    st.session_state["foi_error"] = visitor_message(path.name, f"cannot be read ({exc.strerror})")
                else:
                    if data is None:
                        st.session_state["foi_error"] = (f"{path.name}: the file is larger than {FOI_MAX_MB} MB, "
                                                         "the limit for FOI replies in the app")
                    else:
                        load_foi(path.name, data)
    name = st.session_state["foi_env"]
    if name is None or st.session_state.get("foi_upload") is not None:
        return  # no file named, or the visitor's own upload replaced it
    shown = escape_markdown(name)  # the operator's file name, shown as text
    if st.session_state.get("foi") is not None and st.session_state.get("foi_name") == name:
        st.sidebar.info(f"FOI replies loaded from {FOI_FILE_ENV}: {shown}")
    elif st.session_state.get("foi_error"):
        st.sidebar.error(f"FOI replies from {FOI_FILE_ENV} not loaded. "
                         + escape_markdown(st.session_state["foi_error"]))
    elif st.session_state.get("foi_name") == name:
        st.sidebar.error(f"FOI replies from {FOI_FILE_ENV} not loaded: {shown} has errors (page 'FOI replies' "
                         "lists them)")
