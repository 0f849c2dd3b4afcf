"""Back-test of the authority-constrained population method, where the truth is published.

Runs :func:`boundaries.population.backtest`: small areas of an earlier year, constrained to the local
authority totals of mid-2020 (the sums of mid-2020's published small areas), against mid-2020's
published small areas, summed to Sub-ICB locations 2023, ICBs 2023 and per small area (England, ages
0-2). Mid-2019 -> mid-2020 is one year of drift, as mid-2020 shares are one year old at mid-2021;
mid-2017 -> mid-2020 is three years, close to the two (mid-2022) and four (mid-2024) the project uses.

Usage: ``.venv/bin/python scripts/backtest_population.py`` (reads the mirror through PIMAP_DATA_MIRROR).
"""

from __future__ import annotations

from boundaries.population import backtest


def main() -> None:
    print("base  target geography  areas  mean |%err|  median |%err|  max |%err|  areas exact")
    for base in (2019, 2017):
        for geography in ("sicbl2023", "icb2023", None):
            result = backtest(base, 2020, geography)
            result = result[result["truth"] > 0]
            err = result["abs_pct_error"]
            exact = int((result["error"].abs() < 1e-6).sum())
            print(f"{base}  2020   {geography or 'LSOA 2011':10} {len(result):6}  {err.mean():10.3f}  "
                  f"{err.median():12.3f}  {err.max():10.3f}  {exact:6}")


if __name__ == "__main__":
    main()
