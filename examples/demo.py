"""The demo that `make demo` runs: the omvärldsbevakning pack for Borås (1490) and Tyresö
(0138), written to out/.

It reads the datasets shipped with kommunbench (the area and indicator catalogues and the
figures transcribed from the Borås and Tyresö reports) and, where ../shared/data is beside the
project (or KOMMUNBENCH_DATA names it), Kolada's values for the KKiK measures and the
population, so that the rankings, scorecards, trends and maps have every kommun to compare with.

    .venv/bin/python examples/demo.py --out out
"""

import argparse
import os
from pathlib import Path

import kommunbench as kb
from kommunbench.pack import build_focus_pack, summary_text

ROOT = Path(__file__).resolve().parents[1]
KPIS = ["u33401", "u35400", "u31402", "u23401", "u21401", "u21468", "u23471", "n15428", "n01951"]


def main():
    ap = argparse.ArgumentParser(description="Build the omvärldsbevakning demo pack.")
    ap.add_argument("--out", default="out", help="output folder (default: out)")
    ap.add_argument("--focus", default="1490,0138", help="kommun codes (default: Borås and Tyresö)")
    args = ap.parse_args()
    data = Path(os.environ.get("KOMMUNBENCH_DATA", ROOT.parent / "shared" / "data"))
    ddf = data / "kolada-ddf-dump" / "datapoints--by--geo--year"
    with kb.Database(with_datasets=True) as db:
        if ddf.is_dir():
            for kpi in KPIS:
                db.import_csv(ddf / f"ddf--datapoints--{kpi}--by--geo--year.csv", layout="wide")
            # a per-capita figure ranked like any indicator: asylsökande per 1 000 invånare, divided
            # as Kolada divides its N01993 (invånare 31/12 the year before)
            db.import_csv(ddf / "ddf--datapoints--n01990--by--geo--year.csv", layout="wide")
            db.set_indicator("N01990", title="Asylsökande/inskrivna i Migrationsverkets mottagningssystem, antal")
            db.per_capita(
                "N01990",
                scale=1000,
                population_period="previous",
                store_as="ASYL1000",
                title="Asylsökande per 1 000 invånare (31/12 året före)",
            )
        else:
            print(f"{ddf} is absent: the demo shows the shipped report figures only")
        # the KKiK measures of individ- och familjeomsorgen first, then the others with a direction,
        # then the per-capita figure
        order = ["U33401", "U35400", "U31402", "U23401", "U21401", "U21468", "U23471", "N15428", "ASYL1000"]
        known = set(db.indicators()["id"])
        summary = build_focus_pack(
            db, args.focus.split(","), args.out, indicators=[i for i in order if i in known] if ddf.is_dir() else None
        )
    print(summary_text(summary))


if __name__ == "__main__":
    main()
