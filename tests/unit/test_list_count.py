"""The headline count of our list beside the published UK count (synthetic registers, hand-checkable)."""

from __future__ import annotations

from datetime import date

import pandas as pd

from mapping.analysis.list_count import count_list, published_month

# Synthetic: five teams in three nations, one with two rows on different dates, one specialist area.
CURRENT = pd.DataFrame(
    [
        ("a", "operating", "foundation", "England"),
        ("b", "operating", "service", "England"),
        ("c", "in development", "foundation", "England"),
        ("d", "in development", "mention", "Scotland"),
        ("e", "operating", "service", "Wales"),
        ("s", "specialist practitioners only", "foundation", "England"),
    ],
    columns=["team_id", "status", "evidence_grade", "nation"],
)
# Synthetic published counts: the last is a quotation by someone else and must not be stated.
PUBLISHED = pd.DataFrame(
    [("2019", 27, "PIP UK (now the Parent-Infant Foundation)"), ("2022-03", 39, "Parent-Infant Foundation"),
     ("2025-12", 51, "Parent-Infant Foundation"), ("2026-02", 51, "Centre for Mental Health")],
    columns=["as_of", "teams", "counted_by"],
)
UK = ("England", "Wales", "Scotland", "Northern Ireland")


def test_counts_by_status_and_grade_leave_specialist_areas_out():
    count = count_list(CURRENT, date(2026, 12, 2), UK, PUBLISHED)
    assert (count.operating, count.in_development, count.named) == (3, 2, 5)
    assert dict(count.by_grade) == {"foundation": 2, "service": 2, "mention": 1}
    assert count.foundation == 2 and count.counted == 5


def test_the_stated_count_is_the_foundations_latest_known_on_the_date():
    assert count_list(CURRENT, date(2026, 12, 2), UK, PUBLISHED).published_as_of == "2025-12"
    assert count_list(CURRENT, date(2025, 11, 30), UK, PUBLISHED).published_as_of == "2022-03"
    # a count dated only by its year is known from 31 December
    assert count_list(CURRENT, date(2019, 7, 1), UK, PUBLISHED).published_teams is None
    assert count_list(CURRENT, date(2020, 1, 1), UK, PUBLISHED).published_teams == 27


def test_sentence_states_list_foundation_share_and_published_count():
    text = count_list(CURRENT, date(2026, 12, 2), UK, PUBLISHED).sentence()
    assert text == ("Our list on 2 December 2026: 5 teams named in public sources (3 operating, 2 in development), "
                    "of which 2 named by the Parent-Infant Foundation; published UK count: 51 "
                    "(Parent-Infant Foundation, December 2025).")
    early = count_list(CURRENT, date(2019, 7, 1), UK, PUBLISHED).sentence()
    assert early.endswith("; no published UK count on record by then.")


def test_one_nation_and_foundation_only_say_so():
    count = count_list(CURRENT, date(2026, 12, 2), ("England",), PUBLISHED, grades=("foundation",))
    assert (count.named, count.foundation, count.counted) == (3, 2, 2)
    text = count.sentence()
    assert text.startswith("Our list on 2 December 2026 (England): 3 teams")
    assert text.endswith("Counted as teams here: only teams the Parent-Infant Foundation names (2).")


def test_published_month_words():
    assert published_month("2025-12") == "December 2025"
    assert published_month("2019") == "2019"


def test_table_and_figures_hold_the_sentences_numbers():
    count = count_list(CURRENT, date(2026, 12, 2), UK, PUBLISHED, grades=("foundation",))
    table = count.table().set_index("evidence_grade")
    assert table.loc["foundation", ["teams_operating", "teams_in_development", "teams"]].tolist() == [1, 1, 2]
    assert table.loc["service", "teams"] == 2 and table.loc["mention", "teams_in_development"] == 1
    assert table.loc["all", "teams"] == 5
    assert table["counted_as_team"].tolist() == [True, False, False, False, True]
    assert table.loc["counted as teams here", ["teams_operating", "teams_in_development", "teams"]].tolist() == [1, 1, 2]
    figures = count.figures()
    assert figures == {"named": 5, "teams_operating": 3, "teams_in_development": 2, "foundation": 2, "counted": 2,
                       "published_teams": 51, "published_as_of": "2025-12"}
    # a writer of its own (the pack's figure texts) is used for every number
    assert "<named> teams" in count.sentence(lambda name: f"<{name}>")
    assert "(Parent-Infant Foundation, <published_as_of>)" in count.sentence(lambda name: f"<{name}>")


def test_one_nation_is_never_given_the_uk_count():
    """Issue 15: a Scotland-only view says there is no published count for Scotland, not the UK's 51."""
    count = count_list(CURRENT, date(2026, 12, 2), ("Scotland",), PUBLISHED)
    assert count.published_teams is None and "published_teams" not in count.figures()
    text = count.sentence()
    assert "published UK count" not in text and "51" not in text
    assert text.endswith("; no published count for Scotland (the published counts are for the whole UK).")


def test_a_nations_own_published_count_is_stated_for_that_nation():
    """Synthetic: a published_team_counts.csv with a nation column gives each nation its own count."""
    published = pd.DataFrame(
        [("2025-12", 51, "Parent-Infant Foundation", ""), ("2025-06", 4, "Parent-Infant Foundation", "Scotland")],
        columns=["as_of", "teams", "counted_by", "nation"])
    scotland = count_list(CURRENT, date(2026, 12, 2), ("Scotland",), published)
    assert (scotland.published_teams, scotland.published_as_of) == (4, "2025-06")
    assert "; published count for Scotland: 4 (Parent-Infant Foundation, June 2025)." in scotland.sentence()
    uk = count_list(CURRENT, date(2026, 12, 2), UK, published)
    assert uk.published_teams == 51 and "published UK count: 51" in uk.sentence()
    assert count_list(CURRENT, date(2026, 12, 2), ("Wales",), published).published_teams is None
