"""Finding an area by any name people use for it: current, former, NHS code or local authority.

:func:`match_names` is a pure function over a names table (:func:`boundaries.names.names_table`: one
row per area and name), so tests can use a small synthetic table; :func:`search_areas` reads the table
of a geography and calls it. Matching is forgiving: case, punctuation and the words "NHS", "CCG",
"ICB", "Integrated Care Board", "Health Board" and the like are ignored, and small typos are scored by
rapidfuzz's weighted ratio. A code (ONS or NHS) typed exactly comes first.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pandas as pd
from rapidfuzz import fuzz, process

from boundaries.catalogue import NAME_NOISE, normalise_name
from mapping.errors import AreaNotFound

__all__ = ["search_areas", "match_names", "clear_best", "SEARCH_COLUMNS", "SEARCH_NOISE", "MIN_SCORE", "EXACT_CODE"]

SEARCH_COLUMNS = ["code", "name", "display_name", "nation", "matched_on", "score"]
# Words a search ignores: the catalogue's, and the words of ICB, Sub-ICB, health board and trust names.
SEARCH_NOISE = NAME_NOISE | {"icb", "sub", "location", "integrated", "care", "board", "health", "university",
                             "teaching", "hsct", "trust", "social", "the", "and", "of"}
# A query shorter than this (after the noise words go) must match a whole name or word, not part of one.
SHORT_QUERY = 4
# The least fuzzy score (0-100) a name must reach to be a match: a typo or two in a word passes, a
# different word does not ("leeds" and "lewes" score 80). Codes match only when typed exactly.
MIN_SCORE = 82.0
# A query scored against a run of the name's words as long as the query ("brigton" against "brighton" in
# "Brighton and Hove") counts for a little less than against the whole name.
_WORDS_WEIGHT = 0.97
# A name that is not the area's own counts for slightly less, and less again when the area holds only part
# of the named place's babies: "Leeds" the local authority, wholly in one area, scores 98 there.
_OTHER_NAME_WEIGHT = 0.98
_SHARE_WEIGHT = 0.1
_OWN_KINDS = ("name", "code", "NHS code")
# A code typed exactly scores 100; a name at most 99, so a code always comes first.
EXACT_CODE = 100.0
_NAME_CEILING = 0.99
# The score of a name whose words the query's words begin, in order ("barking dag"), below a whole word.
PREFIX_SCORE = 90.0
# A best match is clear when it leads the next area by this many points.
CLEAR_LEAD = 5.0


@lru_cache(maxsize=65536)
def _normal(text: str) -> str:
    return normalise_name(text, SEARCH_NOISE)


@lru_cache(maxsize=65536)
def _code_text(text: str) -> str:
    return re.sub(r"[\s-]+", "", str(text)).upper()


def _is_code_kind(kind: pd.Series) -> pd.Series:
    return kind.isin(["code", "NHS code"]) | kind.str.endswith(" code")


def _words_start(wanted: list[str], words: list[str]) -> bool:
    """Every query word starts a word of the name, in order ("barking dag": "Barking and Dagenham")."""
    position = 0
    for query_word in wanted:
        while position < len(words) and not words[position].startswith(query_word):
            position += 1
        if position == len(words):
            return False
        position += 1
    return True


def _word_runs(choices: pd.Series, size: int) -> pd.DataFrame:
    """Every run of ``size`` consecutive words of each name (``index``: the name's row)."""
    rows: list[tuple[object, str]] = []
    for index, text in choices.items():
        words = str(text).split()
        rows += [(index, " ".join(words[i:i + size])) for i in range(max(len(words) - size + 1, 0))]
    return pd.DataFrame(rows, columns=["index", "text"])


# The longest query searched: longer than any area's name (about 90 characters) with room to spare; a
# longer one is refused rather than scored (time) or echoed back in full (a page of text).
MAX_QUERY = 200

def match_names(query: str, names: pd.DataFrame, *, limit: int = 10) -> pd.DataFrame:
    """Areas of ``names`` matching ``query``, best first, one row per area.

    ``names`` has ``code``, ``name``, ``nation``, ``alias``, ``kind``, ``share``, ``babies`` (the names
    table) and optionally ``display_name``. Returns :data:`SEARCH_COLUMNS`: ``matched_on`` says which
    name matched ("former CCG: NHS Kernow CCG", "local authority: Leeds") and ``score`` how well (0-100:
    100 only for a code typed exactly, a name at most 99). Empty when nothing reaches :data:`MIN_SCORE`.
    """
    text = str(query).strip()
    if len(text) > MAX_QUERY:
        raise AreaNotFound(f"a search is at most {MAX_QUERY} characters (this one has {len(text):,}): type part "
                           "of an area's name, a code or a postcode")
    if not text or names.empty:
        return pd.DataFrame(columns=SEARCH_COLUMNS)
    kinds = names["kind"].astype(str)
    own = kinds.isin(_OWN_KINDS)
    weight = (1.0 - _SHARE_WEIGHT * (1.0 - names["share"].astype(float).clip(0.0, 1.0))) * _OTHER_NAME_WEIGHT
    weight = weight.where(~own, 1.0)
    scores = pd.Series(0.0, index=names.index)
    coded = _is_code_kind(kinds) & (names["alias"].map(_code_text) == _code_text(text))
    scores[coded] = EXACT_CODE
    wanted = _normal(text)
    if wanted:
        choices = names.loc[~_is_code_kind(kinds), "alias"].map(_normal)
        raw = pd.Series(0.0, index=names.index)
        scorer = fuzz.WRatio if len(wanted) >= SHORT_QUERY else fuzz.ratio
        for _, score, index in process.extract(wanted, choices.to_dict(), scorer=scorer, processor=None,
                                               score_cutoff=MIN_SCORE, limit=None):
            raw[index] = score
        runs = _word_runs(choices, len(wanted.split()))
        for _, score, position in process.extract(wanted, runs["text"].tolist(), scorer=fuzz.ratio, processor=None,
                                                  score_cutoff=MIN_SCORE / _WORDS_WEIGHT, limit=None):
            index = runs["index"].iloc[position]
            raw[index] = max(raw[index], score * _WORDS_WEIGHT)
        if len(wanted) >= SHORT_QUERY:
            prefixes = choices.map(lambda alias: _words_start(wanted.split(), alias.split()))
            raw = raw.where(~prefixes.reindex(raw.index, fill_value=False) | (raw >= PREFIX_SCORE), PREFIX_SCORE)
        matched = raw >= MIN_SCORE
        scores[matched] = (raw * weight * _NAME_CEILING)[matched]
    hits = names.assign(score=scores, _own=own, _babies=names.get("babies", 0.0))
    hits = hits[hits["score"] > 0.0]
    if hits.empty:
        return pd.DataFrame(columns=SEARCH_COLUMNS)
    # Among equal scores: the area's own name, then the name most like the query as typed ("Leeds" the local
    # authority rather than "NHS Leeds CCG", unless that was typed), then the most babies.
    literal = text.casefold()
    hits = hits.assign(_literal=[fuzz.ratio(literal, str(a).casefold()) for a in hits["alias"]])
    hits = hits.sort_values(["score", "_own", "_literal", "_babies"], ascending=False, kind="stable")
    best = hits.drop_duplicates("code").head(limit)
    display = best["display_name"] if "display_name" in best else best["name"]
    out = pd.DataFrame({
        "code": best["code"].astype(str),
        "name": best["name"].astype(str),
        "display_name": display.fillna(best["name"]).astype(str),
        "nation": best["nation"].astype(str),
        "matched_on": best["kind"].astype(str) + ": " + best["alias"].astype(str),
        "score": best["score"].astype(float).round(1),
    })
    return out.reset_index(drop=True)


def clear_best(matches: pd.DataFrame) -> str | None:
    """The code of the one clear best match (a code typed exactly, the only match, or a lead of
    :data:`CLEAR_LEAD` points over the next area), else None: the user chooses among the matches."""
    if matches.empty:
        return None
    top = float(matches["score"].iloc[0])
    if len(matches) == 1 or top >= EXACT_CODE or top - float(matches["score"].iloc[1]) >= CLEAR_LEAD:
        return str(matches["code"].iloc[0])
    return None


def search_areas(query: str, geography: str, *, limit: int = 10) -> pd.DataFrame:
    """Areas of ``geography`` matching ``query`` by any of their names (see :func:`match_names`)."""
    from boundaries.names import names_table

    return match_names(query, names_table(geography), limit=limit)
