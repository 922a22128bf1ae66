"""The omvärldsbevakning demo: charts and tables from the datasets shipped with kommunbench.

    .venv/bin/python examples/demo.py --out out

Reads only what the library embeds: the area catalogue, the indicator catalogue and the
figures transcribed from Borås and Tyresö reports (datasets/seed_figures.csv, each row with
its document and line).  Writes out/index.html, a PNG and an SVG per chart, and CSV tables.
"""
import argparse
import html
import os
import re

import pandas as pd

import kommunbench as kb
from kommunbench import charts

AREA_LABELS = {"0000": "Riket", "G2328": "Alla kommuner (ovägt medel)"}


def slug(text):
    return re.sub(r"[^0-9a-z]+", "-", text.lower()).strip("-")


def indicator_charts(db, values, catalogue, names, out):
    """One trend chart per indicator and kommun that has at least two periods of utfall."""
    made = []
    kommuner = set(catalogue.loc[catalogue["type"] == "kommun", "code"])
    for (indicator, area), rows in values.groupby(["indicator", "area"], observed=True):
        if area not in kommuner:
            continue
        utfall = rows[rows["kind"] == "utfall"]
        if utfall["period"].nunique() < 2 or utfall["value"].notna().sum() < 2:
            continue
        series = {names.get(area, area): charts.values_series(utfall)}
        target = rows[rows["kind"] == "målvärde"]
        if len(target):
            series["Målvärde"] = charts.values_series(target)
        # the same indicator for Riket or all kommuner, where the report quotes it
        for other, label in AREA_LABELS.items():
            o = values[(values["indicator"] == indicator) & (values["area"] == other)
                       & (values["kind"] == "utfall")]
            if len(o):
                series[label] = charts.values_series(o)
        info = catalogue_indicator(catalogue_ind=INDICATORS, indicator=indicator)
        sources = sorted({s.split(":")[0] for s in rows["source"].astype(str)})
        fig = charts.trend(series, names.get(area, area), unit=info["unit"],
                           title=f"{info['title']} – {names.get(area, area)}",
                           source=f"Källa: {kommun_source(sources)}")
        name = f"{slug(names.get(area, area))}-{slug(indicator)}"
        charts.save(fig, os.path.join(out, name))
        charts.plt.close(fig)
        made.append((name, info["title"], names.get(area, area), utfall, target))
    return made


INDICATORS = None


def catalogue_indicator(catalogue_ind, indicator):
    row = catalogue_ind[catalogue_ind["id"] == indicator]
    if row.empty:
        return {"title": indicator, "unit": ""}
    return {"title": row["title"].iloc[0] or indicator, "unit": row["unit"].iloc[0]}


def kommun_source(documents):
    return "kommunens rapporter (" + ", ".join(documents) + "), sammanställt i kommunbench"


def table_html(df):
    return df.to_html(index=False, na_rep="–", float_format=lambda v: f"{v:,.1f}".replace(",", " ").replace(".", ","),
                      border=0, classes="t")


def main():
    global INDICATORS
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="out", help="output folder (default: out)")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    with kb.Database(with_datasets=True) as db:
        catalogue = db.areas()
        names = dict(zip(catalogue["code"], catalogue["name"]))
        INDICATORS = db.indicators()
        values = db.values(gender=None, kind=None)
        values = values.astype({"indicator": str, "area": str, "period": str, "kind": str,
                                "gender": str, "status": str, "source": str})
        values.to_csv(os.path.join(args.out, "seed_values.csv"), index=False)
        made = indicator_charts(db, values, catalogue, names, args.out)

    parts = ["<!doctype html><html lang='sv'><meta charset='utf-8'>",
             "<title>Omvärldsbevakning – kommunbench demo</title>",
             "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto;color:#222}"
             "img{max-width:100%} table.t{border-collapse:collapse;font-size:85%}"
             "table.t td,table.t th{padding:2px 8px;border-bottom:1px solid #ddd;text-align:right}"
             "</style>",
             "<h1>Omvärldsbevakning – demo</h1>",
             f"<p>{len(values)} värden ur {values['source'].nunique()} källrader i "
             "Borås och Tyresös rapporter (datasets/seed_figures.csv). "
             "Varje diagram finns som PNG och SVG.</p>"]
    for name, title, area, utfall, target in made:
        table = utfall[["period", "value"]].rename(columns={"period": "Period", "value": "Utfall"})
        if len(target):
            table = table.merge(target[["period", "value"]].rename(
                columns={"period": "Period", "value": "Målvärde"}), on="Period", how="outer")
        parts.append(f"<h2>{html.escape(title)} – {html.escape(area)}</h2>")
        parts.append(f"<img src='{name}.png' alt='{html.escape(title)}'>")
        parts.append(table_html(table))
    with open(os.path.join(args.out, "index.html"), "w", encoding="utf-8") as f:
        f.write("\n".join(parts))
    print(f"wrote {len(made)} charts, {args.out}/index.html and {args.out}/seed_values.csv")


if __name__ == "__main__":
    main()
