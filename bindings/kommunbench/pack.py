"""The omvärldsbevakning pack: a trend chart per indicator and kommun, with tables, in one
HTML page readable offline (out/index.html), each chart also as PNG and SVG.

    kommunbench pack --out out            (the seed figures shipped with kommunbench)
    kommunbench pack --snapshot db.kbsnap --out out
"""
import html
import os
import re
import unicodedata

from . import charts
from .periods import period_key

COMPARISON_AREAS = {"0000": "Riket", "G2328": "Alla kommuner (ovägt medel)"}
PERIOD_WORDS = {"year": "år", "tertial": "tertial", "quarter": "kvartal", "month": "månad"}


def slug(text):
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^0-9a-z]+", "-", ascii_text.lower()).strip("-")


def documents(sources):
    """The documents behind sources: seed sources read "<title> | <file>:<line>"."""
    return sorted({s.split(" | ")[0] for s in sources})


def build_charts(values, names, indicators, out):
    """One trend chart per indicator, kommun and kind of period with at least two utfall."""
    made = []
    values = values.assign(granularity=values["period"].map(charts.granularity))
    kommuner = {code for code, (name, kind) in names.items() if kind == "kommun"}
    for (indicator, area, gran), rows in values.groupby(["indicator", "area", "granularity"]):
        utfall = rows[rows["kind"] == "utfall"]
        if area not in kommuner or utfall["value"].notna().sum() < 2:
            continue
        name = names[area][0]
        series = {name: charts.values_series(utfall)}
        target = rows[rows["kind"].isin(["målvärde", "budget"])]
        for kind, part in target.groupby("kind"):
            series["Målvärde" if kind == "målvärde" else "Målvärde (budget)"] = charts.values_series(part)
        for other, label in COMPARISON_AREAS.items():
            o = values[(values["indicator"] == indicator) & (values["area"] == other)
                       & (values["kind"] == "utfall") & (values["granularity"] == gran)]
            if len(o):
                series[label] = charts.values_series(o)
        title = indicators.get(indicator, (indicator, ""))[0]
        unit = indicators.get(indicator, ("", ""))[1]
        sources = documents(rows["source"])
        fig = charts.trend(series, name, unit=unit, title=f"{title} – {name}, per {PERIOD_WORDS[gran]}",
                           source="Källa: " + "; ".join(sources))
        file = f"{slug(name)}-{slug(indicator)}-{gran}"
        charts.save(fig, os.path.join(out, file))
        charts.plt.close(fig)
        made.append({"file": file, "title": title, "area": name, "granularity": gran,
                     "rows": rows, "sources": sources})
    return made


def table_html(rows):
    wide = rows.pivot_table(index="period", columns="kind", values="value", aggfunc="last")
    wide = wide.reindex(sorted(wide.index, key=period_key))
    return wide.reset_index().to_html(
        index=False, na_rep="–", border=0, classes="t",
        float_format=lambda v: charts._number(v))


def build_pack(db, out):
    """Write the pack for everything in `db` to the folder `out`; returns the chart files."""
    os.makedirs(out, exist_ok=True)
    areas = db.areas()
    names = {c: (n, t) for c, n, t in zip(areas["code"], areas["name"], areas["type"])}
    ind = db.indicators()
    indicators = {i: (t or i, u) for i, t, u in zip(ind["id"], ind["title"], ind["unit"])}
    values = db.values(gender=None, kind=None)
    values = values.astype({c: str for c in ("indicator", "area", "period", "gender", "kind",
                                             "status", "source")})
    values.to_csv(os.path.join(out, "values.csv"), index=False)
    made = build_charts(values, names, indicators, out)
    docs = documents(values["source"])
    parts = ["<!doctype html><html lang='sv'><head><meta charset='utf-8'>",
             "<title>Omvärldsbevakning</title>",
             "<style>body{font-family:sans-serif;max-width:62em;margin:2em auto;color:#222}"
             "img{max-width:100%} table.t{border-collapse:collapse;font-size:85%;margin-bottom:2em}"
             "table.t td,table.t th{padding:2px 10px;border-bottom:1px solid #ddd;text-align:right}"
             ".src{color:#555;font-size:85%}</style></head><body>",
             "<h1>Omvärldsbevakning</h1>",
             f"<p>{len(values)} värden ur {len(docs)} källor. Diagrammen finns också som SVG; "
             "värdena som <a href='values.csv'>CSV</a>.</p>"]
    for m in made:
        parts.append(f"<h2>{html.escape(m['title'])} – {html.escape(m['area'])}</h2>")
        parts.append(f"<img src='{m['file']}.png' alt='{html.escape(m['title'])}'>")
        parts.append(f"<p class='src'>Källa: {html.escape('; '.join(m['sources']))}</p>")
        parts.append(table_html(m["rows"]))
    parts.append("</body></html>")
    with open(os.path.join(out, "index.html"), "w", encoding="utf-8") as f:
        f.write("\n".join(parts))
    return [m["file"] for m in made]
