"""The streamlit-folium floor for the app benchmark: the least a Streamlit page with one streamlit-folium map
can do, the way the app drew its map until it had its own (webapp/mapview.py).

One made-up triangle (benchmark scaffolding, not data) on a folium map loading only Leaflet, swapped in as a
feature group as the app swapped its layers, and a radio that recolours it (the floor of a measure change); no
data, no sidebar, no table. `bench_app.py` times it from server start to map drawn, the same way as the app.
"""

import folium
import streamlit as st
from streamlit_folium import st_folium

TRIANGLE = {"type": "FeatureCollection", "features": [{
    "type": "Feature", "properties": {},
    "geometry": {"type": "Polygon", "coordinates": [[[-2.0, 53.0], [-1.0, 53.0], [-1.5, 54.0], [-2.0, 53.0]]]},
}]}
COLOURS = {"floor A": "#E69F00", "floor B": "#0072B2", "floor C": "#009E73"}

choice = st.radio("Floor measure", list(COLOURS), horizontal=True)
base = folium.Map(location=(54.5, -3.0), zoom_start=5, tiles=None, prefer_canvas=True)
base.default_js = [("leaflet", "https://cdn.jsdelivr.net/npm/leaflet@1.9.4/dist/leaflet.js")]
base.default_css = [("leaflet_css", "https://cdn.jsdelivr.net/npm/leaflet@1.9.4/dist/leaflet.css")]
group = folium.FeatureGroup(name=f"Areas: {choice}")
folium.GeoJson(TRIANGLE, style_function=lambda _: {"fillColor": COLOURS[choice], "color": "#555555"}).add_to(group)
st_folium(base, key="floor_map", height=680, use_container_width=True, returned_objects=[],
          feature_group_to_add=[group], layer_control=folium.LayerControl(collapsed=True), center=(54.5, -3.0), zoom=5)
