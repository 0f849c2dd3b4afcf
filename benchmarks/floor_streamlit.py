"""The Streamlit floor for the app benchmark: a Streamlit page with one line of text and nothing else.

What a new visitor waits for before any page of any Streamlit app can show anything on this machine
(Streamlit's own scripts, its session and one element), so no map drawn inside Streamlit comes sooner.
"""

import streamlit as st

st.markdown("Floor: one line of text.")
