"""The app's own map alone, for the app benchmark: the national map page's map of the default view (its layers,
team overlays, shapes and Leaflet, drawn by webapp/map.js), on a Streamlit page with nothing else on it.

Between the one-line Streamlit page and the app, this says how much of a new visitor's wait is the map itself
and how much is the rest of the page (the menu, the sidebar's controls, the headings, the figures, the measure
choice, the key): every kind of Streamlit element a page shows costs the browser its scripts and its first
layout before the map's component is laid out.
"""

import streamlit as st

from webapp.data import data_version
from webapp.pages.map import national_map, show_national_map
from webapp.state import current_view, init_state

st.set_page_config(layout="wide")
init_state()  # the default view, as the app takes it from an empty link
st.session_state["page"] = "map"
show_national_map(national_map(current_view(), data_version()))
