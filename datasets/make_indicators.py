"""Build datasets/indicators.csv: title, unit and direction of the Kolada KPIs kommunbench knows.

usage: python3 datasets/make_indicators.py ../shared/data/kolada-rkolada-snapshot/kpi.csv

Titles come from Kolada's /kpi metadata (v3).  The unit column is left empty: libbench reads
the unit from the title's conventions when it loads the file (bench_indicator_set), so there is
one implementation of that rule.  The direction is set only
where the measure says which way is better: KKiK's väntetider and utredningstider (lower),
brukarbedömningar, behörighet and valdeltagande (higher).  Population counts have none.
"""

import csv
import sys

KPIS = [
    "N00938",
    "N01817",
    "N01921",
    "N01926",
    "N01927",
    "N01951",
    "N01952",
    "N01953",
    "N01954",
    "N01955",
    "N01956",
    "N01957",
    "N01960",
    "N01976",
    "N01994",
    "N02832",
    "N02833",
    "N05401",
    "N15428",
    "N31807",
    "U07451",
    "U21401",
    "U21468",
    "U23401",
    "U23471",
    "U31402",
    "U33401",
    "U35400",
]

DIRECTION = {
    "U33401": "lower",  # utredningstid barn och unga (KKiK)
    "U35400": "lower",  # utredningstid vuxna med missbruk (KKiK)
    "U31402": "lower",  # väntetid till beslut, försörjningsstöd (KKiK)
    "U23401": "lower",  # väntetid till särskilt boende (KKiK)
    "U21401": "lower",  # antal personal en hemtjänsttagare möter (KKiK)
    "N00938": "lower",  # sjukpenningtal
    "U21468": "higher",  # brukarbedömning hemtjänst (KKiK)
    "U23471": "higher",  # brukarbedömning särskilt boende (KKiK)
    "N15428": "higher",  # behöriga till yrkesprogram
    "N05401": "higher",  # valdeltagande
    "U07451": "higher",  # företagsklimat, index
}


def main(path):
    rows = {r["id"]: r for r in csv.DictReader(open(path, encoding="utf-8"))}
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(["id", "title", "unit", "direction"])
    for kpi in KPIS:
        title = rows[kpi]["title"]
        w.writerow([kpi, title, "", DIRECTION.get(kpi, "")])


if __name__ == "__main__":
    main(sys.argv[1])
