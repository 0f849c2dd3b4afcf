"""Streamlit app (placeholder until the map issue lands): the UK commissioning areas on a folium map."""

import folium
import streamlit as st
from streamlit_folium import st_folium

import boundaries

st.set_page_config(page_title="Parent-Infant Provision Map", layout="wide")
st.title("Parent-Infant Provision Map")
geography = st.selectbox("Geography", boundaries.GEOGRAPHY_IDS, index=boundaries.GEOGRAPHY_IDS.index("uk2023"))


@st.cache_data
def web_layer(geography_id: str) -> str:
    return boundaries.load_geography(geography_id, simplified=True).to_json()


m = folium.Map(location=[54.5, -3.0], zoom_start=5, tiles=None, prefer_canvas=True)
folium.GeoJson(web_layer(geography), name=geography, tooltip=folium.GeoJsonTooltip(["code", "name", "nation"])).add_to(m)
st_folium(m, height=700, returned_objects=[])
st.caption(boundaries.ATTRIBUTION)
