"""The app's own map alone, for the app benchmark: the national map page's map of the default view (its layers,
team overlays, shapes and Leaflet, drawn by webapp/map.js), on a Streamlit page with nothing else on it.

Between the one-line Streamlit page and the app, this says how much of a new visitor's wait is the map itself
and how much is the rest of the page (the menu, the sidebar's controls, the headings, the figures, the measure
choice, the key): every kind of Streamlit element a page shows costs the browser its scripts and its first
layout before the map's component is laid out.
"""

import streamlit as st

from mapping.present import webmap
from webapp.data import data_version, nation_view, shapes_url, team_overlays
from webapp.mapview import show_map
from webapp.pages.map import MAP_HEIGHT, measure_layer
from webapp.state import current_view, init_state

st.set_page_config(layout="wide")
init_state()  # the default view, as the app takes it from an empty link
st.session_state["page"] = "map"
view = current_view()
version = data_version()
measure, properties, _ = measure_layer(view, version)
areas = webmap.areas_layer(shapes_url(version, view.geography), properties, measure)
overlays = team_overlays(version, view.as_of, register=view.register, grades=view.grades)
bounds = nation_view(version, view.geography, view.nation) or webmap.UK_BOUNDS
show_map(webmap.map_spec([areas], bounds, clickable=True, label="The app's map alone"), key="national_map",
         height=MAP_HEIGHT, overlays=overlays)
