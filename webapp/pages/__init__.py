"""The app's pages, one module each: a ``page_*(view)`` function that lays out one page."""
