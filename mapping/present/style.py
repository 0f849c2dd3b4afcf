"""The project's visual vocabulary, defined once for the web maps (Leaflet) and the pack (matplotlib).

Everything a reader learns from one view must mean the same in the other: a class has one colour, one
hatch and one label wherever it is drawn, a team one marker, a catchment one line. So the palettes per
measure, the class breaks, the markers, the line styles, the labels and the number formats live here,
and :mod:`mapping.present.webmap` and :mod:`mapping.present.figures` (and :mod:`mapping.report.ladder`)
only translate them into Leaflet or matplotlib terms. ``tests/unit/test_style.py`` draws both and
compares the colours.

Choices (every palette is colour-blind safe, and colour is never the only carrier: each class has a
label, the pack adds hatching, the web map's tooltip gives the value and its class):

- **Coverage** (``none`` / ``partial`` / ``full``, :func:`mapping.analysis.coverage.compute_gaps`):
  ColorBrewer PuOr, gaps warm, coverage purple. The web map's share-covered classes run along the
  same diverging scheme, so "none (0%)" is exactly the pack's "no team's catchment" colour and
  "all (100%)" its "wholly in a team's catchment" (the two are the same areas: coverage is ``none``
  where no child is covered and ``full`` where all are).
- **FOI classes**: Paul Tol's *muted* scheme (was Okabe-Ito on the web map, Tol in the pack). It has
  nine distinguishable colours for the nine classes, including Tol's pale grey for "no usable reply"
  (bad data), where Okabe-Ito has eight including black; and none of them is the black or vermillion
  of the team markers and catchment lines drawn over the areas.
- **Ladder levels**: ColorBrewer YlGnBu (4 classes), dark = more provision, unknown a neutral grey;
  hatches repeat the level in print, and every label starts with the level's number.
- **Team markers**: the *shape* says how strong the evidence is that the service is a team (the
  row's ``evidence_grade``, :class:`mapping.inputs.vocabulary.EvidenceGrade`), the *fill* and edge
  say its status, so the six combinations read in greyscale and for every colour vision. Grades: a
  circle when the Parent-Infant Foundation names it, a square when the body running it describes it
  (its own service page or news), a triangle for only a press or other passing mention (a triangle,
  not a diamond: a diamond is a square turned, and at a dozen pixels, hollow and dashed, the two are
  easily confused; a triangle's outline differs from both others at any size). Shapes are sized to
  cover about the same area (:data:`GRADE_SHAPES` ``scale``), so no grade looks more important by
  size. Statuses: operating is a black fill with a white rim (reads on every fill, the darkest
  included); in development is hollow (white) with a dashed vermillion edge, its gaps white so the
  outline stays whole over any fill (Okabe-Ito's black and vermillion differ for every colour
  vision). A row without a known grade (only hand-made frames: the register requires one) is a
  diamond, "grade not recorded", never passed off as a grade.
  The web map draws them as inline SVG (Leaflet's circle markers cannot draw squares), the pack with
  matplotlib's ``o``, ``s``, ``^`` markers (:attr:`GradeShape.mpl_marker`).
- **Amounts** (web map counts): ColorBrewer sequential YlOrRd (babies with no team) and BuPu
  (population), with breaks from :func:`nice_breaks`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

import numpy as np
import pandas as pd

from mapping.analysis.ladder import LEVEL_LABELS, LEVELS
from mapping.inputs.foi import OUTSIDE_FOI
from mapping.inputs.vocabulary import EvidenceGrade, TeamStatus

__all__ = [
    "OKABE_ITO",
    "TOL_MUTED",
    "PUOR",
    "YLORRD_5",
    "BUPU_5",
    "INK",
    "MUTED",
    "COAST",
    "AREA_EDGE",
    "SEA",
    "FLAG",
    "GRID",
    "SERIES",
    "ClassStyle",
    "COVERAGE_STYLES",
    "SHARE_CLASSES",
    "FOI_STYLES",
    "NO_LEVEL",
    "LADDER_STYLES",
    "NO_DATA",
    "UNLISTED_COLOUR",
    "ZERO_COLOUR",
    "TeamMarker",
    "TEAM_MARKERS",
    "MarkerShape",
    "GradeShape",
    "GRADE_SHAPES",
    "UNGRADED",
    "grade_shape",
    "marker_symbol",
    "LineStyle",
    "CATCHMENT_LINES",
    "SPECIALIST_LINE",
    "COAST_LINE_LABEL",
    "round_sig",
    "nice_breaks",
    "count_class_label",
    "format_count",
    "format_share",
    "share_text",
]

# --- palettes -------------------------------------------------------------------------------------

# Okabe & Ito (2008), "Color Universal Design": markers and lines.
OKABE_ITO: dict[str, str] = {
    "black": "#000000", "orange": "#E69F00", "sky blue": "#56B4E9", "bluish green": "#009E73",
    "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00", "reddish purple": "#CC79A7",
    "grey": "#999999",
}
# Paul Tol (2021), "Colour schemes", muted qualitative scheme and its pale grey for bad data.
TOL_MUTED: dict[str, str] = {
    "indigo": "#332288", "cyan": "#88CCEE", "teal": "#44AA99", "green": "#117733", "olive": "#999933",
    "sand": "#DDCC77", "rose": "#CC6677", "wine": "#882255", "purple": "#AA4499", "pale grey": "#DDDDDD",
    "pink": "#EE99AA",  # Tol's medium-contrast light red, for a ninth FOI class
}
# ColorBrewer (Cynthia Brewer, Penn State), all marked colour-blind safe.
PUOR: dict[str, str] = {  # PuOr, the 11-class scheme's colours used here, warm to cool
    "orange 3": "#fdb863", "orange 4": "#fee0b6", "purple 6": "#d8daeb", "purple 7": "#b2abd2",
    "purple 8": "#8073ac", "purple 9": "#542788", "orange 2": "#e08214",
}
YLORRD_5: tuple[str, ...] = ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026")
BUPU_5: tuple[str, ...] = ("#edf8fb", "#b3cde3", "#8c96c6", "#8856a7", "#810f7c")
YLGNBU_4: tuple[str, ...] = ("#ffffcc", "#a1dab4", "#41b6c4", "#225ea8")

# Ink and paper.
INK = "#222222"
MUTED = "#595959"
COAST = "#3a3a3a"
AREA_EDGE = "#ffffff"
SEA = "#ffffff"
FLAG = "#b2182b"  # the boxed warning ("SYNTHETIC TEST DATA")
GRID = "#dddddd"
# Chart series: our dataset, the published counts, the target path.
SERIES: dict[str, str] = {"listed": PUOR["purple 9"], "published": PUOR["orange 2"], "target": INK}


# --- classes ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClassStyle:
    """How one class looks: legend label, fill colour and hatch pattern (print only; the web map has none)."""

    label: str
    colour: str
    hatch: str = ""
    hatch_colour: str = "#3a3a3a"


# Coverage classes (mapping.analysis.coverage.COVERAGE_CLASSES): part-covered areas hatched as well, so
# the three classes differ without colour.
COVERAGE_STYLES: dict[str, ClassStyle] = {
    "none": ClassStyle("No team's catchment", PUOR["orange 3"]),
    "partial": ClassStyle("Partly in a team's catchment", PUOR["purple 7"], "////", PUOR["purple 9"]),
    "full": ClassStyle("Wholly in a team's catchment", PUOR["purple 9"]),
}

# The web map's share-covered classes: (label, test, colour), fixed edges. The ends are the coverage
# classes' colours (none (0%) is coverage "none", all (100%) is coverage "full").
SHARE_CLASSES: tuple[tuple[str, Callable[[float], bool], str], ...] = (
    ("none (0%)", lambda v: v <= 0, COVERAGE_STYLES["none"].colour),
    ("under 25%", lambda v: 0 < v < 0.25, PUOR["orange 4"]),
    ("25% to under 50%", lambda v: 0.25 <= v < 0.5, PUOR["purple 6"]),
    ("50% to under 75%", lambda v: 0.5 <= v < 0.75, PUOR["purple 7"]),
    ("75% to under 100%", lambda v: 0.75 <= v < 1, PUOR["purple 8"]),
    ("all (100%)", lambda v: v >= 1, COVERAGE_STYLES["full"].colour),
)

# FOI classes (mapping.inputs.foi.FOI_CLASSES, plus areas the FOI did not cover), keyed by the class;
# hatches on the lighter classes so neighbours in the pack's legend also differ in pattern.
FOI_STYLES: dict[str, ClassStyle] = {
    "does not accept under-3s": ClassStyle("Does not accept under-3s", TOL_MUTED["wine"]),
    "accepts, no age breakdown": ClassStyle("Accepts; no figures by age", TOL_MUTED["sand"], "////"),
    "accepts, none referred": ClassStyle("Accepts; none referred", TOL_MUTED["rose"], "...."),
    "accepts, none seen": ClassStyle("Accepts; none seen", TOL_MUTED["pink"], "xxx"),
    "accepts, 1-5 seen": ClassStyle("Accepts; 1-5 seen", TOL_MUTED["cyan"]),
    "accepts, more than 5 seen": ClassStyle("Accepts; more than 5 seen", TOL_MUTED["indigo"]),
    "accepts, number seen unclear": ClassStyle("Accepts; number seen unclear", TOL_MUTED["teal"], "\\\\\\\\"),
    "no usable reply": ClassStyle("No usable reply", TOL_MUTED["pale grey"], "...", "#777777"),
    OUTSIDE_FOI: ClassStyle("Not asked (outside the FOI)", "#FFFFFF", "", "#777777"),
}

# The provision ladder's levels (mapping.analysis.ladder.LEVELS), best provision first, and areas with
# no small areas (none in the UK-wide layers), drawn white and named, never left out.
NO_LEVEL = "none"  # the style key of an area without a level
_LEVEL_COLOURS: dict[str, str] = {"3": YLGNBU_4[3], "2": YLGNBU_4[2], "1": YLGNBU_4[1], "0": YLGNBU_4[0],
                                  "unknown": "#bdbdbd"}
_LEVEL_HATCHES: dict[str, str] = {"3": "", "2": "///", "1": "\\\\\\", "0": "xxx", "unknown": "..."}
LADDER_STYLES: dict[str, ClassStyle] = {
    **{lv: ClassStyle(LEVEL_LABELS[lv], _LEVEL_COLOURS[lv], _LEVEL_HATCHES[lv]) for lv in LEVELS},
    NO_LEVEL: ClassStyle("no small areas", "#ffffff", "", "#777777"),
}

# The map of change (mapping.analysis.changes): an area's babies gained or lost a team's coverage between two
# dates. The coverage palette's ends (purple covered, orange not), so "gained" reads as coverage; an area with
# both takes Okabe-Ito's sky blue, unlike either; no change the zero class's near-white.
CHANGE_STYLES: dict[str, ClassStyle] = {
    "gained": ClassStyle("gained coverage", PUOR["purple 8"]),
    "lost": ClassStyle("lost coverage", PUOR["orange 2"]),
    "both": ClassStyle("gained and lost coverage", OKABE_ITO["sky blue"]),
    "none": ClassStyle("no change", "#f7f7f7"),
}

NO_DATA = ClassStyle("no data", "#d9d9d9")  # a value missing (web map)
UNLISTED_COLOUR = OKABE_ITO["grey"]  # a category value with no style of its own (web map)
ZERO_COLOUR = "#f7f7f7"  # the zero class of a count


# --- markers and lines -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TeamMarker:
    """How a team's status is drawn: the marker's fill and edge (its shape is the grade's, :class:`GradeShape`).

    ``dash`` is the edge's dash pattern in multiples of its width (empty: solid; the web map draws it,
    print draws a ring solid and thicker, since at a few points across a dash does not show); ``symbol`` stands for
    the status in text (the circle's glyph; :func:`marker_symbol` gives each shape's) and ``shape`` says the
    fill in words (legends); ``number_colour`` is the colour of a shared base's count. ``gap_colour`` fills
    the dash's gaps (a solid edge of that colour drawn under the dashes), so the shape's outline stays whole
    on every fill and in greyscale, where gaps showing the area beneath would break it up. ``halo`` is a
    thin outline of that colour, ``halo_width`` pixels wide, drawn around the whole marker on the web map, so
    a white rim or a white fill still has an edge on the palest fill and a dark disc a white ring on the
    darkest: the marker stands out from every area's colour.
    """

    label: str
    symbol: str
    shape: str
    fill: str
    edge: str
    dash: tuple[float, ...] = ()
    number_colour: str = INK
    gap_colour: str | None = None
    halo: str | None = None
    halo_width: float = 0.0

    @property
    def hollow(self) -> bool:
        """Whether the marker is hollow (a white fill): its symbols are the outline glyphs."""
        return self.fill.lower() == "#ffffff"


TEAM_MARKERS: dict[TeamStatus, TeamMarker] = {
    TeamStatus.OPERATING: TeamMarker("team operating", "●", "filled, white rim", OKABE_ITO["black"], "#ffffff",
                                     number_colour="#ffffff", halo=INK, halo_width=1.0),
    TeamStatus.IN_DEVELOPMENT: TeamMarker("team in development", "○", "hollow, dashed edge", "#ffffff",
                                          OKABE_ITO["vermillion"], dash=(1.0, 1.0), gap_colour="#ffffff",
                                          halo=INK, halo_width=1.0),
}

MarkerShape = Literal["circle", "square", "triangle", "diamond"]
_MPL_MARKERS: dict[str, str] = {"circle": "o", "square": "s", "triangle": "^", "diamond": "D"}


@dataclass(frozen=True)
class GradeShape:
    """How a team's evidence grade is drawn: the marker's shape, and the words for it.

    ``label`` names the grade in legends; ``evidence`` is the tooltip's "Evidence" row; ``short`` the
    grade in a layer name. ``scale`` is the shape's size relative to the circle's diameter, so every
    shape covers about the same area (a square of side 0.9 and matplotlib's triangle, as wide as it is
    tall, of 1.25, against a circle's 0.785 of a unit square); ``symbols`` are its glyphs in text,
    filled then hollow.
    """

    label: str
    evidence: str
    short: str
    shape: MarkerShape
    scale: float
    symbols: tuple[str, str]

    @property
    def mpl_marker(self) -> str:
        """The shape as a matplotlib marker."""
        return _MPL_MARKERS[self.shape]


GRADE_SHAPES: dict[EvidenceGrade, GradeShape] = {
    EvidenceGrade.FOUNDATION: GradeShape("named by the Parent-Infant Foundation",
                                         "named by the Parent-Infant Foundation (or PIP UK)", "Foundation-named",
                                         "circle", 1.0, ("●", "○")),
    EvidenceGrade.SERVICE: GradeShape("described by the body running it",
                                      "described by the body running it (its own service page or news)",
                                      "described by its provider", "square", 0.9, ("■", "□")),
    EvidenceGrade.MENTION: GradeShape("only a press or other mention", "only a passing mention (press or other)",
                                      "mention only", "triangle", 1.25, ("▲", "△")),
}
# A row whose grade is missing or unknown (only frames made by hand: the register requires a grade).
UNGRADED = GradeShape("grade not recorded", "not recorded", "grade not recorded", "diamond", 0.9, ("◆", "◇"))


def grade_shape(grade: object) -> GradeShape:
    """The shape of a row's ``evidence_grade`` (:data:`UNGRADED` when it is missing or not a grade)."""
    try:
        return GRADE_SHAPES[EvidenceGrade(str(grade))]
    except ValueError:
        return UNGRADED


def marker_symbol(status: TeamStatus, grade: object) -> str:
    """The glyph of one marker in text: its grade's shape, filled or hollow as its status is."""
    filled, hollow = grade_shape(grade).symbols
    return hollow if TEAM_MARKERS[status].hollow else filled


@dataclass(frozen=True)
class LineStyle:
    """A line: colour and dash pattern in multiples of the line's width (empty: solid); widths are the
    medium's own (a web map's pixels, a printed page's points)."""

    label: str
    colour: str
    dash: tuple[float, ...] = ()

    def dash_array(self, width: float) -> str | None:
        """The dash as Leaflet's ``dashArray`` for a line ``width`` pixels wide (None: solid)."""
        if not self.dash:
            return None
        return " ".join(f"{d * width:g}" for d in self.dash)

    def mpl_linestyle(self) -> Literal["solid"] | tuple[float, tuple[float, ...]]:
        """The dash as a matplotlib linestyle (scaled by the line width, as matplotlib does by default)."""
        return (0, self.dash) if self.dash else "solid"


# Team catchments by the team's status, and CAMHS specialist areas (no team): the edge of what a team covers.
CATCHMENT_LINES: dict[TeamStatus, LineStyle] = {
    TeamStatus.OPERATING: LineStyle("Edge of a team's catchment", OKABE_ITO["black"], (3.0, 1.5)),
    TeamStatus.IN_DEVELOPMENT: LineStyle("Edge of a catchment of a team in development", OKABE_ITO["vermillion"],
                                         (3.0, 2.0)),
}
SPECIALIST_LINE = LineStyle("CAMHS specialist practitioners, no team", OKABE_ITO["bluish green"], (0.5, 2.0))
COAST_LINE_LABEL = "Coast and national border"


# --- breaks and numbers -------------------------------------------------------------------------------


def round_sig(value: float, digits: int = 2) -> float:
    """``value`` rounded to ``digits`` significant figures (0 for values of 0 or less)."""
    if value <= 0:
        return 0.0
    magnitude = 10 ** (math.floor(math.log10(value)) - digits + 1)
    return float(round(value / magnitude) * magnitude)


def nice_breaks(values: Iterable[float | None], classes: int = 5) -> list[float]:
    """Upper-open class edges for positive amounts: quantiles rounded to 2 significant figures.

    Returns ``classes - 1`` or fewer strictly increasing edges ``b``; class ``i`` holds
    ``b[i-1] <= v < b[i]`` (the first class starts above 0, the last is open-ended). Zero is
    always a class of its own, so it is not part of the edges.
    """
    positive = np.asarray([v for v in values if v is not None and not pd.isna(v) and v > 0], dtype=float)
    if positive.size == 0:
        return []
    quantiles = np.quantile(positive, np.linspace(0, 1, classes + 1)[1:-1])
    edges: list[float] = []
    for q in quantiles:
        edge = round_sig(float(q))
        if edge > 0 and (not edges or edge > edges[-1]):
            edges.append(edge)
    return edges


def count_class_label(low: float, high: float | None) -> str:
    """The label of a count class ``low <= v < high`` (``high`` None: open-ended)."""
    if high is None:
        return f"{low:,.0f} or more" if low > 0 else "more than 0"
    if low <= 0:
        return f"more than 0, under {high:,.0f}"
    return f"{low:,.0f} to under {high:,.0f}"


def format_count(value: float) -> str:
    """A count as every view prints it: whole, with thousands separators ("4,932")."""
    return f"{float(value):,.0f}"


def format_share(value: float, decimals: int = 1) -> str:
    """A share (0-1) as a per cent with ``decimals`` places ("75.0%"), as tooltips and tables print it."""
    return f"{100 * float(value):.{decimals}f}%"


def share_text(share: float | None) -> str:
    """A share as a whole per cent for print, halves up, but never "100%" unless it is all and never
    "0%" unless it is none: an area with 99.6% of its children at a level is not wholly at it."""
    if share is None or pd.isna(share):
        return "-"
    value = Decimal(repr(float(share))) * 100
    if value == 100:
        return "100%"
    if value == 0:
        return "0%"
    if value >= Decimal("99.5"):
        return ">99%"
    if value < Decimal("0.5"):
        return "<1%"
    return f"{int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))}%"
