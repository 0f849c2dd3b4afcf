"""The pages' own style: every page's (:data:`APP_CSS`), and the national map page's blocks, by their keys, with
the style that places them (:data:`MAP_PAGE_CSS`, which the map's own style carries: webapp.mapview).

Why the map carries it: a new visitor's first view of the national map (webapp.first_view) is drawn before the
page's other elements, and Streamlit applies a component's style as the component is first drawn. So the
headings' size on a phone, the figures' place below the map there, and the places kept for the figures and the
measure's choice are right from the moment the map is drawn, and nothing moves the map once it is.
"""

from __future__ import annotations

# The national map page's blocks (class ``st-key-<key>``): the map with its key, the headline figures (which a
# phone shows below the map) and the measure's choice (its radio's own key is the measure's: "measure").
MAP_KEY, FIGURES_KEY, MEASURE_KEY = "map_block", "map_figures", "map_measure_choice"

# Layout and contrast only: captions at full strength (Streamlit draws them at 60% opacity, 3.9:1 on white,
# where WCAG 2.2 AA asks 4.5:1), and a smaller title on phones so the page's content starts on the first screen.
APP_CSS = ("[data-testid='stCaptionContainer'] { opacity: 1; color: #5f5e5c; }"
           "@media (max-width: 699.98px) { [data-testid='stMain'] h1 { font-size: 1.6rem; } "
           "[data-testid='stMain'] h2 { font-size: 1.5rem; } }")

# On a screen under 700 px wide the map (its columns stacked, so it fills the width, the key below it) comes
# before the headline figures: the page's blocks are a flex column and only the figures' order changes
# (layout only; Streamlit wraps a keyed container in a layout wrapper, which is the flex item). The measures
# above the map are one row there, scrolled sideways, rather than four lines of choices. The headings are a
# size smaller there (APP_CSS), so the map starts on the first screen of a 390 x 844 phone.
# The places kept for the figures' row and the measure's choice are as high as they are drawn at 1400 px wide
# (the choice in two lines there, one on a phone), so the map does not move when they come.
MAP_PAGE_CSS = (
    f"@media (max-width: 699.98px) {{ [data-testid='stLayoutWrapper']:has(> .st-key-{FIGURES_KEY}) {{ order: 1; }} "
    ".st-key-measure { max-width: 100%; } .st-key-measure [role='radiogroup'] "
    "{ flex-wrap: nowrap; overflow-x: auto; padding-bottom: 0.25rem; } "
    ".st-key-measure [role='radiogroup'] > div { flex-shrink: 0; } "
    ".st-key-measure [data-testid='stRadioOption'] p { white-space: nowrap; } "
    f".st-key-{MEASURE_KEY} {{ min-height: 68px; }} }}"
    f"@media (min-width: 700px) {{ .st-key-{FIGURES_KEY} [data-testid='stColumn'] {{ min-height: 76px; }} "
    f".st-key-{MEASURE_KEY} {{ min-height: 89px; }} }}")
