"""The Streamlit app's code; ``app.py`` only sets the page up and calls it.

Every figure shown comes from a library call (`mapping.analysis`: coverage, capacity, profile,
ladder, reach, growth; `mapping.inputs.foi_io`; `mapping.report`); this package only
chooses, caches and lays out:

- :mod:`webapp.data`: data that does not depend on a widget, cached for every session (`st.cache_data`,
  keyed by a hash of the data files so a changed file is never served stale), so changing the measure or
  the nation only restyles the map;
- :mod:`webapp.state`: the view (sidebar widgets), kept in the URL query string, and the pages' navigation
  (``st.navigation``: one path per page; an old ``?page=`` link still opens its page);
- :mod:`webapp.foi_session`: an uploaded FOI file, kept in the visitor's own session state: never cached
  across sessions and never written to disk (a report pack takes its name and bytes from memory);
- :mod:`webapp.pages`: one module per page; :mod:`webapp.formatting`: how every page writes numbers.

Heavy modules (`mapping.report`, `mapping.present.figures`, ...) are imported inside the
functions that use them, so the first map does not wait for them.
"""
