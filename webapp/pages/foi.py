"""Page 'FOI replies': upload replies for this session, see their problems and classes."""

from __future__ import annotations

import streamlit as st

from mapping.present.downloads import download_name, reader_table, to_csv_bytes
from webapp.foi_session import FOI_MAX_MB, foi_classes, foi_meta, issues_frame, on_foi_upload
from webapp.formatting import escape_markdown
from webapp.state import View


def page_foi(view: View) -> None:
    st.header("FOI replies on CAMHS and under-3s")
    st.markdown(
        "Upload a CSV or XLSX of replies in the template's columns (`data/foi/foi_template.csv`). The file is read "
        "in memory for **this session only**: it is not stored on the server and no other visitor can see it "
        "(a report pack built with it reads it from memory too; it is never written to disk). "
        f"Limit: {FOI_MAX_MB} MB.")
    st.file_uploader("Replies file", type=["csv", "xlsx"], key="foi_upload", max_upload_size=FOI_MAX_MB,
                     on_change=on_foi_upload)
    if st.session_state.get("foi_error"):
        st.error(escape_markdown(st.session_state["foi_error"]))  # it names the visitor's file: shown as text
    report = st.session_state.get("foi_report")
    if report is None:
        return
    issues = issues_frame(report)
    errors = issues[issues["severity"] == "error"]
    if report.synthetic:
        st.warning("This file says it is SYNTHETIC test data, not real FOI replies.")
    if len(errors):
        st.error(f"{len(errors)} error(s): fix them and upload again. Each names the row (as in a spreadsheet) and "
                 "the column.")
    st.dataframe(issues, hide_index=True, key="foi_issues")
    analysis = st.session_state.get("foi")
    if analysis is None:
        return
    f = analysis.funnel
    st.success(f"{len(report.replies)} replies read for {analysis.geography}: {f['areas_with_reply']} of "
               f"{f['areas_total']} areas replied; {f['areas_usable']} said whether under-3s are accepted, "
               f"{f['accept']} accept them. The map's measure 'CAMHS FOI reply class' is now available.")
    classes = reader_table(foi_classes(view))
    st.dataframe(classes, hide_index=True, key="foi_classes_table")
    st.download_button("Download FOI classes (CSV)", to_csv_bytes(classes, foi_meta(view)), key="dl_foi_classes",
                       file_name=download_name("foi-classes", view.geography, "csv"), mime="text/csv",
                       on_click="ignore")
