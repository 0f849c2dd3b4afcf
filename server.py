"""The app's server: Streamlit's own (``st.App`` over ``app.py``), which imports the app's modules as it starts,
while a first visitor's browser is still loading Streamlit's page (webapp/preload.py says why; issue 16).

``make run`` starts it (``streamlit run server.py``); ``streamlit run app.py`` serves the same app, without the
head start.
"""

import streamlit as st
from starlette.middleware import Middleware

from webapp.preload import Preload, SessionsAfterPreload

PRELOAD = Preload()
app = st.App("app.py", lifespan=PRELOAD.at_start, middleware=[Middleware(SessionsAfterPreload, preload=PRELOAD)])
