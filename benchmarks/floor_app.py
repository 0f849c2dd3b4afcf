"""The floor for the app benchmark: the least a Streamlit page with one streamlit-folium map can do.

One made-up triangle (benchmark scaffolding, not data) on the app's own base map, swapped in as a
feature group exactly as app.py swaps its layers, and nothing else: no data, no sidebar, no table.
`bench_app.py` times it from server start to map drawn, the same way as the real app, so the gap
between the two is what our own code costs and the floor is what Streamlit, streamlit-folium,
Leaflet and the browser cost on this machine.
"""

import folium
from streamlit_folium import st_folium

from mapping.present import webmap

TRIANGLE = {"type": "FeatureCollection", "features": [{
    "type": "Feature", "properties": {},
    "geometry": {"type": "Polygon", "coordinates": [[[-2.0, 53.0], [-1.0, 53.0], [-1.5, 54.0], [-2.0, 53.0]]]},
}]}

group = folium.FeatureGroup(name="Areas: floor")
folium.GeoJson(TRIANGLE).add_to(group)
st_folium(webmap.base_map(fit=False), key="floor_map", height=680, use_container_width=True, returned_objects=[],
          feature_group_to_add=[group], layer_control=folium.LayerControl(collapsed=True),
          center=(54.5, -3.0), zoom=5)
