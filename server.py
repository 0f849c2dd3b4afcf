"""The app's server: Streamlit's own (``st.App`` over ``app.py``). As it starts, its listening sockets are set to
send each response at once (webapp/sockets.py says why), and the app's modules are imported while a first
visitor's browser is still loading Streamlit's page (webapp/preload.py says why), and the pages with a map ask for
its scripts, Leaflet and shapes with the page itself (webapp/page_links.py says why), and a new visitor's national
map is drawn before the rest of its page (webapp/first_view.py says why; issue 16).

``make run`` starts it (``streamlit run server.py``); ``streamlit run app.py`` serves the same app, without these.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import streamlit as st
from starlette.middleware import Middleware

from webapp import first_view
from webapp.page_links import PageLinks
from webapp.preload import Preload, SessionsAfterPreload
from webapp.sockets import no_delay_on_listening_sockets

PRELOAD = Preload()


@asynccontextmanager
async def at_start(app: Any = None) -> AsyncIterator[None]:
    """The server's start (its socket is bound and listening; nothing is accepted yet)."""
    no_delay_on_listening_sockets()
    first_view.enable()
    async with PRELOAD.at_start(app):
        yield


app = st.App("app.py", lifespan=at_start, middleware=[Middleware(SessionsAfterPreload, preload=PRELOAD),
                                                       Middleware(PageLinks)])
