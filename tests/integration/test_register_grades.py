"""The real register's grades and closures, counted through a selection: hand-checkable numbers.

"Teams" here are distinct ``team_id`` with status operating or in development on the date (rows of
specialist practitioners never count). Each figure is written out as the rows that make it, so a change
in data/teams.csv that moves one shows which row did.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from mapping.analysis.selection import Inputs, Selection, load_inputs
from mapping.inputs.vocabulary import TEAM_MARKER_STATUSES, EvidenceGrade, TeamStatus

FOUNDATION = (EvidenceGrade.FOUNDATION,)
MID_2019, MID_2022 = date(2019, 7, 1), date(2022, 7, 1)
# The 5 services Rare Jewels says were starting in 2019.
STARTING_2019 = {"bolton-new", "oldham-new", "rochdale-new", "wigan-new", "cumbria-new"}


def inputs(as_of: date, grades: tuple[str, ...] | None = None) -> Inputs:
    return load_inputs(Selection("uk2023", 2020, as_of, grades=grades))


def teams(current: pd.DataFrame, status: str | None = None) -> set[str]:
    rows = current[current["status"].isin(TEAM_MARKER_STATUSES if status is None else [status])]
    return set(rows["team_id"])


def by_grade(current: pd.DataFrame) -> dict[tuple[str, str], int]:
    rows = current[current["status"].isin(TEAM_MARKER_STATUSES)]
    return {(str(g), str(s)): int(n) for (g, s), n in rows.groupby(["evidence_grade", "status"])["team_id"].nunique().items()}


def by_nation(current: pd.DataFrame) -> dict[str, int]:
    rows = current[current["status"].isin(TEAM_MARKER_STATUSES)]
    return {str(k): int(v) for k, v in rows.groupby("nation")["team_id"].nunique().items()}


def test_norpip_is_counted_until_june_2021_and_not_after(mirror):
    assert "norpip" in teams(inputs(date(2021, 6, 30)).teams, TeamStatus.OPERATING)
    for after in (date(2021, 7, 1), MID_2022, date.today()):
        current = inputs(after)
        assert "norpip" not in set(current.teams["team_id"]), after
        assert "norpip" not in set(current.catchments(TEAM_MARKER_STATUSES)["team_id"]), after
    # still in the register, for the years it ran
    assert set(inputs(MID_2022).all_teams["team_id"]) >= {"norpip"}


def test_sefton_is_not_counted_between_its_pilot_and_its_relaunch(mirror):
    assert "sefton-babs" in teams(inputs(date(2023, 3, 31)).teams)
    assert "sefton-babs" not in teams(inputs(date(2023, 7, 1)).teams)
    assert "sefton-babs" in teams(inputs(date(2023, 10, 30)).teams)


def test_mid_2019_by_grade_and_nation(mirror):
    current = inputs(MID_2019).teams
    # foundation, operating: Rare Jewels' 27 and Together with Baby (May 2019); in development: the 5 starting.
    # service, operating: i-CAMHS (Southern Trust, since 2012).
    assert by_grade(current) == {("foundation", "operating"): 28, ("foundation", "in development"): 5,
                                 ("service", "operating"): 1}
    assert teams(current, TeamStatus.IN_DEVELOPMENT) == STARTING_2019
    assert by_nation(current) == {"England": 31, "Northern Ireland": 2, "Wales": 1}
    assert len(teams(current)) == 34
    foundation_only = inputs(MID_2019, FOUNDATION).teams
    assert len(teams(foundation_only)) == 33 and "shsct-icamhs" not in teams(foundation_only)


def test_mid_2022_by_grade_and_nation(mirror):
    current = inputs(MID_2022).teams
    # foundation operating 27 = 28 less NorPIP (closed June 2021); in development 4 = the 5 less Oldham,
    # whose 2021 launch is the provider's own news (service). Service operating: i-CAMHS, Oldham, Sefton's
    # pilot; service in development: Blackpool, Dumfries and Galloway, Lanarkshire; mention: Tayside.
    assert by_grade(current) == {("foundation", "operating"): 27, ("foundation", "in development"): 4,
                                 ("service", "operating"): 3, ("service", "in development"): 3,
                                 ("mention", "in development"): 1}
    assert teams(current, TeamStatus.OPERATING) - teams(inputs(MID_2022, FOUNDATION).teams) == {
        "shsct-icamhs", "oldham-new", "sefton-babs"}
    assert by_nation(current) == {"England": 32, "Scotland": 3, "Northern Ireland": 2, "Wales": 1}
    assert len(teams(current)) == 38


def test_today_by_grade_and_nation(mirror):
    current = inputs(date.today()).teams
    # foundation operating 28 = 27 and Cardiff Parents Plus (2023); service operating 7: i-CAMHS, Oldham,
    # Sefton (relaunched), Nottingham, Blackpool, Wee Minds Matter, Fife; in development: Lanarkshire; mention: Tayside.
    assert by_grade(current) == {("foundation", "operating"): 28, ("foundation", "in development"): 4,
                                 ("service", "operating"): 7, ("service", "in development"): 1,
                                 ("mention", "in development"): 1}
    assert teams(current, TeamStatus.OPERATING) - teams(inputs(date.today(), FOUNDATION).teams) == {
        "shsct-icamhs", "oldham-new", "sefton-babs", "nottingham-hlm", "blackpool-pairs", "dg-wee-minds-matter",
        "fife-imht"}
    assert by_nation(current) == {"England": 33, "Scotland": 4, "Northern Ireland": 2, "Wales": 2}
    assert len(teams(current)) == 41


def test_foundation_only_holds_no_service_or_mention_row(mirror):
    for when in (MID_2019, MID_2022, date.today()):
        chosen = inputs(when, FOUNDATION)
        assert set(chosen.teams["evidence_grade"]) == {"foundation"}, when
        assert set(chosen.all_teams["evidence_grade"]) == {"foundation"}
        assert set(chosen.register.teams["evidence_grade"]) == {"foundation", "service", "mention"}
    today = inputs(date.today(), FOUNDATION)
    assert len(teams(today.teams)) == 32 and by_nation(today.teams) == {"England": 29, "Wales": 2, "Northern Ireland": 1}
    assert len(teams(inputs(date.today(), ("service", "mention")).teams)) == 9


def test_every_grade_is_the_same_as_no_choice(mirror):
    everything = inputs(MID_2022, ("foundation", "service", "mention"))
    assert everything.teams.equals(inputs(MID_2022).teams)


@pytest.mark.parametrize("when", [MID_2019, MID_2022])
def test_the_register_rows_for_the_mid_year_catchments_match_the_counts(mirror, when):
    chosen = inputs(when)
    assert set(chosen.catchments(TEAM_MARKER_STATUSES)["team_id"]) == teams(chosen.teams)


def test_cli_grades_foundation_counts_only_the_teams_the_foundation_names(mirror, capsys):
    """``--grades foundation`` on 1 July 2022: 27 operating Foundation-named teams of the 30 named in public sources
    (the table in data/README.md: 27 Foundation, 3 service-described operating on that date)."""
    import json

    from mapping.cli import main

    counts = {}
    for grades in ("all", "foundation"):
        assert main(["summary", "--geography", "uk2023", "--year", "2020", "--as-of", "2022-07-01",
                     "--grades", grades, "--json"]) == 0
        counts[grades] = json.loads(capsys.readouterr().out)["teams_operating"]
    assert counts == {"all": 30, "foundation": 27}


def test_headline_states_our_list_beside_the_foundations_published_count(mirror):
    """The list's headline on three dates, each number the distinct teams of the table above."""
    from mapping.analysis.list_count import list_count_of

    today = list_count_of(inputs(date(2026, 12, 1)))
    assert (today.named, today.operating, today.in_development, today.foundation) == (41, 35, 6, 32)
    assert (today.published_teams, today.published_as_of) == (51, "2025-12")  # not the CfMH's "about 51"
    assert today.sentence() == (
        "Our list on 1 December 2026: 41 teams named in public sources (35 operating, 6 in development), of which "
        "32 named by the Parent-Infant Foundation; published UK count: 51 (Parent-Infant Foundation, December 2025).")
    mid_2022 = list_count_of(inputs(MID_2022))
    assert (mid_2022.named, mid_2022.foundation, mid_2022.published_teams) == (38, 31, 39)
    assert list_count_of(inputs(MID_2019)).published_teams is None  # Rare Jewels' 27 is dated only "2019"
    foundation_only = list_count_of(inputs(date(2026, 12, 1), FOUNDATION))
    assert foundation_only.counted == 32 and foundation_only.named == 41
    scotland = list_count_of(load_inputs(Selection("hb2019", 2020, date(2026, 12, 1))))
    assert scotland.nations == ("Scotland",) and scotland.named == by_nation(inputs(date(2026, 12, 1)).teams)["Scotland"]


def test_summary_command_states_the_headline(mirror, capsys):
    from mapping.cli import main

    assert main(["summary", "--geography", "uk2023", "--year", "2020", "--as-of", "2026-12-01"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1].startswith("Our list on 1 December 2026: 41 teams named in public sources")
    assert main(["summary", "--geography", "uk2023", "--year", "2020", "--as-of", "2026-12-01", "--json"]) == 0
    import json

    figures = json.loads(capsys.readouterr().out)["our_list"]
    assert (figures["named"], figures["foundation"], figures["published_teams"]) == (41, 32, 51)
