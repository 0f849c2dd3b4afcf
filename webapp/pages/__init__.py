"""The app's pages, one module each: a ``page_*(view)`` function that lays out one page."""

# What a visitor sees when a page fails unexpectedly: never the exception, its traceback or a server path
# (those go to the server's log; .streamlit/config.toml sets client.showErrorDetails = "none" for the rest).
PAGE_FAILED = ("Something went wrong while drawing this page, and the details have been logged on the server. "
               "Try again, or choose another page, geography or date.")
