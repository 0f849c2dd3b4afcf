"""Write the SYNTHETIC FOI replies fixture whose funnel equals Rare Jewels' published figures.

Rare Jewels (2019, section 8) publishes only totals, not per-CCG replies. This script invents 200
replies (160 from CCGs, 40 from invented mental health trusts) for the 195 real April 2018 CCG
areas, arranged so that the recomputed funnel is the report's: 129 usable areas, 75 accept / 54 do
not, 39 with age data (20 from CCGs, 19 from trusts: footnote 14), 33 with referrals (8 of them 1-5,
6 with none), 25 with children seen (10 of them 1-5, 14 with none), 32 with full data. The replies
use the spellings real replies use ("Y", "yes - consultation only", "N/A", "<5", "*", "1-5").
Deterministic: the same seed and the same area table give the same bytes.

Usage: PIMAP_DATA_MIRROR=../shared/data/raw python scripts/make_synthetic_foi.py [OUT.csv]
"""

from __future__ import annotations

import csv
import random
import sys
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "tests" / "fixtures" / "synthetic_foi_rare_jewels.csv"
SEED = 2019
HEADER_COMMENTS = (
    "# SYNTHETIC TEST DATA: invented FOI replies, not real ones. Area codes and names are real April 2018 CCGs;"
    " every reply, count, date and trust is made up.",
    "# Built by scripts/make_synthetic_foi.py so that its funnel equals the figures published in Rare Jewels"
    " (2019), section 8. The per-CCG returns behind the report are not published.",
)

sys.path.insert(0, str(ROOT))
from mapping.inputs.foi_schema import COLUMNS  # noqa: E402

UNKNOWN_SPELLINGS = ("not recorded", "N/A", "", "unknown", "Not known")
YES_SETS = (
    ("Yes", "Yes", "Yes"),
    ("Y", "Y", "Y"),
    ("yes", "yes", "yes"),
    ("yes - consultation only", "Yes", "Yes"),
    ("No", "Yes", "Yes"),
    ("no", "no", "yes"),
)
NO_SETS = (
    ("No", "No", "No"),
    ("N", "N", "N"),
    ("no", "no", "no"),
    ("No - from age 5", "No", "No"),
    ("no", "no", "No (from 3 years)"),
)


class Builder:
    """Accumulates reply rows; every choice goes through one seeded random generator."""

    def __init__(self, areas: pd.DataFrame, seed: int = SEED) -> None:
        self.rng = random.Random(seed)
        self.names = dict(zip(areas["code"], areas["name"]))
        self.rows: list[dict[str, str]] = []

    def pick(self, options):
        return options[self.rng.randrange(len(options))]

    def _date(self, start: date, days: int) -> str:
        return (start + timedelta(days=self.rng.randrange(days))).isoformat()

    def ccg_reply(self, code: str, accepts, counts: dict[str, str] | None = None, notes: str = "") -> None:
        n = sum(1 for r in self.rows if r["responder_type"] == "CCG") + 1
        self.rows.append(self._row(
            reply_id=f"SYN-CCG-{n:03d}", responder_type="CCG", responder_code=code, responder_name=self.names[code],
            codes=[code], request_reference=f"SYN-FOI-CCG-{n:03d}", request_date="2018-06-04",
            reply_date=self._date(date(2018, 6, 18), 45), accepts=accepts, counts=counts, notes=notes,
        ))

    def trust_reply(self, codes: list[str], accepts, counts: dict[str, str] | None = None, notes: str = "") -> None:
        n = sum(1 for r in self.rows if r["responder_type"] == "mental health trust") + 1
        self.rows.append(self._row(
            reply_id=f"SYN-MHT-{n:02d}", responder_type="mental health trust", responder_code=f"SYNT{n:02d}",
            responder_name=f"Synthetic Mental Health Trust {n:02d}", codes=codes,
            request_reference=f"SYN-FOI-MHT-{n:02d}", request_date="2018-08-06",
            reply_date=self._date(date(2018, 8, 20), 40), accepts=accepts, counts=counts, notes=notes,
        ))

    def _row(self, *, reply_id, responder_type, responder_code, responder_name, codes, request_reference,
             request_date, reply_date, accepts, counts, notes) -> dict[str, str]:
        counts = counts or {}
        row = {
            "reply_id": reply_id, "responder_type": responder_type, "responder_code": responder_code,
            "responder_name": responder_name, "area_geography": "ccg2018", "area_codes": ";".join(codes),
            "area_names": ";".join(self.names[c] for c in codes), "request_reference": request_reference,
            "request_date": request_date, "reply_date": reply_date, "period": "2017-18", "notes": notes,
        }
        for band, answer in zip(("0_12", "12_24", "24_36"), accepts):
            row[f"accepts_{band}"] = answer
        for column in COLUMNS:
            row.setdefault(column, counts.get(column, ""))
        return row

    # -- count patterns ---------------------------------------------------------------------------

    def unknown_counts(self, with_totals: bool) -> dict[str, str]:
        spelling = self.pick(UNKNOWN_SPELLINGS)
        counts = {f"{k}_{b}": spelling for k in ("referrals", "seen") for b in ("0_12", "12_24", "24_36")}
        if with_totals:
            counts.update(self.totals())
        return counts

    def totals(self) -> dict[str, str]:
        referrals = self.rng.randrange(1200, 6000)
        return {"referrals_0_18": str(referrals), "seen_0_18": str(int(referrals * self.rng.uniform(0.55, 0.85)))}

    def spread(self, total: int, bands: list[str]) -> dict[str, int]:
        """Split a whole number over the accepted bands."""
        shares = {b: 0 for b in ("0_12", "12_24", "24_36")}
        for _ in range(total):
            shares[self.pick(bands)] += 1
        return shares

    def small(self, bands: list[str]) -> dict[str, str]:
        """A count of 1 to 5 for certain, in one of the spellings replies use."""
        out = {b: "0" for b in ("0_12", "12_24", "24_36")}
        kind = self.pick(("<5", "*", "1-5", "exact"))
        if kind == "exact":
            for band, value in self.spread(self.rng.randrange(1, 6), bands).items():
                out[band] = str(value)
        else:
            out[bands[-1]] = kind
        return out

    def age_counts(self, profile: tuple[str, str], bands: list[str], full: bool) -> dict[str, str]:
        referred, seen = profile
        counts: dict[str, str] = {}
        if referred == "none":
            ref = {b: "0" for b in ("0_12", "12_24", "24_36")}
        elif referred == "1-5":
            ref = self.small(bands)
        else:
            ref = {b: str(v) for b, v in self.spread(self.rng.randrange(8, 160), bands).items()}
            # Sometimes a suppressed band beside others that already make more than 5.
            if len(bands) > 1 and ref[bands[0]] != "0" and sum(int(ref[b]) for b in bands[1:]) >= 6:
                if self.rng.random() < 0.3:
                    ref[bands[0]] = "<5"
        if seen == "none":
            seen_counts = {b: self.pick(("0", "0", "none", "nil")) for b in ("0_12", "12_24", "24_36")}
        elif seen == "1-5":
            seen_counts = self.small(bands)
        else:
            seen_counts = {b: str(v) for b, v in self.spread(self.rng.randrange(6, 120), bands).items()}
        for band in ("0_12", "12_24", "24_36"):
            counts[f"referrals_{band}"] = ref[band]
            counts[f"seen_{band}"] = seen_counts[band]
        totals = self.totals()
        if not full:
            missing = self.pick((("referrals_0_18",), ("seen_0_18",), ("referrals_0_18", "seen_0_18")))
            for column in missing:
                totals[column] = self.pick(("not recorded", "N/A"))
        counts.update(totals)
        return counts


def accepted_bands(accepts) -> list[str]:
    return [b for b, a in zip(("0_12", "12_24", "24_36"), accepts) if a.lower().startswith("y")]


def build(areas: pd.DataFrame, seed: int = SEED) -> list[dict[str, str]]:
    """The 200 synthetic replies, CCG rows first (by code), then trust rows."""
    builder = Builder(areas, seed)
    rng = builder.rng
    codes = sorted(areas["code"])
    if len(codes) != 195:
        raise SystemExit(f"expected the 195 April 2018 CCGs, got {len(codes)} areas")
    order = codes[:]
    rng.shuffle(order)
    take = iter(order)

    def grab(n: int) -> list[str]:
        return [next(take) for _ in range(n)]

    a_codes, b_codes = grab(20), grab(19)  # accept, with age data: from the CCG / from the trust
    c_ccg, c_trust = grab(30), grab(6)  # accept, no age breakdown
    d_ccg, d_conflict, d_trust = grab(44), grab(4), grab(6)  # do not accept
    e_ccg, e_none = grab(46), grab(20)  # no usable reply
    assert not list(take)

    # Age-data profiles (referrals, seen) for the 39 areas: 6 none referred; 8 with 1-5 referrals
    # (3 seeing 1-5, 5 seeing none); 25 with more (7 seeing 1-5, 15 more than 5, 3 none).
    profiles = ([("none", "none")] * 6 + [("1-5", "1-5")] * 3 + [("1-5", "none")] * 5
                + [("more", "1-5")] * 7 + [("more", "more")] * 15 + [("more", "none")] * 3)
    rng.shuffle(profiles)
    full = [True] * 32 + [False] * 7
    rng.shuffle(full)
    aged = dict(zip(a_codes + b_codes, zip(profiles, full)))

    plans: dict[str, tuple] = {}
    for code in a_codes + b_codes:
        accepts = builder.pick(YES_SETS)
        (profile, is_full) = aged[code]
        plans[code] = (accepts, builder.age_counts(profile, accepted_bands(accepts), is_full))

    # A "no" band with a child seen in it: flagged as a warning, kept as given.
    flagged = next(c for c in a_codes if aged[c][0][1] == "more")
    profile, is_full = aged[flagged]
    plans[flagged] = (("No", "Yes", "Yes"),
                      {**builder.age_counts(profile, ["12_24", "24_36"], is_full), "seen_0_12": "1"})

    unusable_trust_cover = a_codes[:6] + e_ccg[:10] + e_none[:6]
    for code in codes:
        if code in a_codes:
            accepts, counts = plans[code]
            builder.ccg_reply(code, accepts, counts)
        elif code in b_codes[:12] or code in e_ccg:
            accepts = builder.pick([(u, u, u) for u in UNKNOWN_SPELLINGS])
            if code == e_ccg[-1]:
                accepts = ("No", "No", "not recorded")  # partial: flagged, not usable
            builder.ccg_reply(code, accepts, builder.unknown_counts(False),
                              notes=builder.pick(("Information not held; please contact the provider trust.",
                                                  "The CCG does not hold this information.", "")))
        elif code in b_codes[12:16] or code in d_conflict:
            builder.ccg_reply(code, ("Yes", "Yes", "Yes"), builder.unknown_counts(builder.rng.random() < 0.5),
                              notes="CAMHS is commissioned for ages 0-18.")
        elif code in c_ccg:
            builder.ccg_reply(code, builder.pick(YES_SETS), builder.unknown_counts(builder.rng.random() < 0.5))
        elif code in d_ccg:
            builder.ccg_reply(code, builder.pick(NO_SETS),
                              {**{f"{k}_{b}": builder.pick(("N/A", "0", ""))
                                  for k in ("referrals", "seen") for b in ("0_12", "12_24", "24_36")},
                               **(builder.totals() if builder.rng.random() < 0.5 else {})})
        # b_codes[16:], c_trust, d_trust and e_none: no reply from the CCG.

    for code in b_codes:
        accepts, counts = plans[code]
        builder.trust_reply([code], accepts, counts, notes="Figures for this CCG's patients only.")
    for pair in (c_trust[0:2], c_trust[2:4], c_trust[4:6]):
        builder.trust_reply(pair, builder.pick(YES_SETS), builder.unknown_counts(False),
                            notes="Age at referral is not recorded in these bands.")
    for group in (d_conflict[0:2], d_conflict[2:4], d_trust[0:2], d_trust[2:4], d_trust[4:5], d_trust[5:6]):
        notes = "Clarification: the service accepts referrals from age 5." if group[0] in d_conflict else ""
        builder.trust_reply(group, builder.pick(NO_SETS), {}, notes=notes)
    cover = unusable_trust_cover[:]
    for size in (1, 2, 3, 2, 1, 2, 3, 1, 2, 2, 2, 1):
        group, cover = cover[:size], cover[size:]
        builder.trust_reply(group, ("not recorded",) * 3, builder.unknown_counts(False),
                            notes="The trust does not record referrals by these age bands.")
    assert not cover and len(builder.rows) == 200
    return builder.rows


def write(rows: list[dict[str, str]], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", newline="", encoding="utf-8") as fh:
        for line in HEADER_COMMENTS:
            fh.write(line + "\n")
        writer = csv.DictWriter(fh, fieldnames=list(COLUMNS), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main(argv: list[str]) -> None:
    import boundaries

    out = Path(argv[0]) if argv else DEFAULT_OUT
    write(build(boundaries.area_table("ccg2018")), out)
    print(f"wrote 200 synthetic replies to {out}")


if __name__ == "__main__":
    main(sys.argv[1:])
