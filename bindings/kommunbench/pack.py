"""The omvärldsbevakning pack for one or more focus kommuner: one HTML page readable offline
(out/index.html, Swedish headings, a table of contents), each chart also as PNG and SVG.

For each focus kommun: its place among all kommuner and in its kommungrupp for every measure
with a direction (KKiK colours), a scorecard against the kommungrupp, trends against the
kommungrupp's mean and the ovägt medel, maps (with the [maps] extra), the nämnd's own figures
from its reports, and Öppna jämförelser where imported.

    kommunbench pack --focus 1490 [--peers "Större stad"] [--indicators U33401,U35400] [--snapshot S]
"""

import html
import os
import re
import unicodedata
from collections import Counter

import pandas as pd

from . import charts, sources
from .compare import resolve_areas
from .periods import period_key

__all__ = ["build_pack", "build_focus_pack", "default_focus", "slug"]

PERIOD_WORDS = {"year": "år", "tertial": "tertial", "quarter": "kvartal", "month": "månad"}
COLOUR_WORDS = {"green": "grön", "yellow": "gul", "red": "röd", "grey": "grå", "": ""}
SECTIONS = [
    ("placering", "Placering bland alla kommuner"),
    ("kommungrupp", "Placering i kommungruppen"),
    ("styrkort", "Styrkort mot kommungruppen"),
    ("utveckling", "Utveckling över tid"),
    ("karta", "Kartor"),
    ("egna", "Nämndens egna tal ur rapporterna"),
    ("oj", "Öppna jämförelser"),
]


def slug(text):
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^0-9a-z]+", "-", ascii_text.lower()).strip("-")


def documents(srcs):
    """The documents behind sources, never a file name (see kommunbench.sources)."""
    return sorted({o for o in (sources.origin(s) for s in srcs) if o})


def _own(values):
    """Rows from a nämnd's own reports (not Kolada, not SCB)."""
    orig = pd.Series(
        [sources.origin(s, i) for s, i in zip(values["source"], values["indicator"])], index=values.index, dtype=object
    )
    return values[~orig.isin([sources.KOLADA, sources.SCB]) & orig.notna()]


def default_focus(db):
    """The kommuner whose own report figures are in `db` (the seed figures: Borås, Tyresö)."""
    areas = db.areas()
    kommuner = set(areas.loc[areas["type"] == "kommun", "code"])
    v = db.values(gender=None, kind=None)
    v = v.astype({"area": str, "source": str})
    own = _own(v[v["area"].isin(kommuner)])
    return sorted(set(own["area"]))


def comparable(db, indicators=None, min_kommuner=charts.MIN_KOMMUNER):
    """{indicator: latest period} of indicators with a direction and values for at least
    min_kommuner kommuner in that period (the measures a ranking says something about)."""
    cat = db.indicators().set_index("id")
    areas = db.areas()
    kommuner = set(areas.loc[areas["type"] == "kommun", "code"])
    v = db.values(indicators, gender="T")
    v = v.astype({"indicator": str, "area": str, "period": str})
    v = v[v["area"].isin(kommuner) & v["value"].notna()]
    v = v[v["period"].map(charts.granularity) == "year"]
    counts = v.groupby(["indicator", "period"]).size().reset_index(name="n")
    counts = counts[counts["n"] >= min_kommuner]
    out = {}
    wanted = indicators if indicators is not None else sorted(set(counts["indicator"]))
    for ind in wanted:
        if indicators is None and (ind not in cat.index or cat.loc[ind, "direction"] not in ("lower", "higher")):
            continue
        periods = counts.loc[counts["indicator"] == ind, "period"]
        if len(periods):
            out[ind] = max(periods, key=period_key)
    return out


class _Plan:
    """The charts to draw, so that a progress bar knows the total before the work starts."""

    def __init__(self, out):
        self.out = out
        self.items = []  # (focus, section, file, title, caption_html, make)
        self.tables = {}  # (focus, section) -> html

    def add(self, focus, section, file, title, make, note=""):
        self.items.append((focus, section, file, title, note, make))


def _peer_group(db, focus, peers):
    """(group id or list, words) of the peer set: --peers, else the focus's SKR kommungrupp."""
    names = db.areas().set_index("code")["name"]
    if peers is None:
        group = db.area(focus)["kommungrupp"] or None
        return group, (names.get(group, "kommungruppen") if group else None)
    codes = resolve_areas(db, peers)  # an unknown name or code is a NotFoundError here
    if isinstance(peers, str):
        cat = db.areas()
        groups = cat[cat["type"].isin(["kommungrupp", "group"])]
        key = peers.strip()
        hit = groups[(groups["code"] == key) | (groups["name"].str.casefold() == key.casefold())]
        if len(hit):  # a group by id or name: named as the catalogue names it
            return str(hit["code"].iloc[0]), str(hit["name"].iloc[0])
        if len(codes) == 1 and codes[0] in names.index:
            return codes[0], str(names[codes[0]])
    return codes, "jämförelsegruppen"


def _compare_table(db, focus, periods, peer_group):
    """The focus kommun's place for each measure, as an HTML table in Swedish."""
    cat = db.indicators().set_index("id")
    rows = []
    for ind, period in periods.items():
        c = db.compare(ind, period, focus=focus)
        r = c.focus_row()
        g = db.compare(ind, period, focus=focus, areas=peer_group) if peer_group is not None else None
        gr = g.focus_row() if g is not None else None
        colour = COLOUR_WORDS.get(r["colour"], "") if r is not None else "grå"
        rows.append(
            f"<tr><td>{html.escape(ind)}</td><td class='l'>{html.escape(cat.loc[ind, 'title'] if ind in cat.index else ind)}</td>"
            f"<td>{period}</td><td>{charts._number(r['value']) if r is not None else '–'}</td>"
            f"<td>{(str(int(r['rank'])) + ' av ' + str(int(r['n']))) if r is not None and pd.notna(r['rank']) else '–'}</td>"
            f"<td class='c {r['colour'] if r is not None else 'grey'}'>{colour}</td>"
            f"<td>{charts._number(c.stats['unweighted_mean'])}</td>"
            f"<td>{(str(int(gr['rank'])) + ' av ' + str(int(gr['n']))) if gr is not None and pd.notna(gr['rank']) else '–'}</td></tr>"
        )
    if not rows:
        return ""
    return (
        "<table class='t'><tr><th>Nyckeltal</th><th class='l'>Titel</th><th>År</th><th>Värde</th>"
        "<th>Plats bland alla</th><th>Färg</th><th>Ovägt medel</th><th>Plats i gruppen</th></tr>"
        + "".join(rows)
        + "</table>"
    )


def _own_table(rows):
    wide = rows.pivot_table(index="period", columns="kind", values="value", aggfunc="last")
    wide = wide.reindex(sorted(wide.index, key=period_key))
    wide.index.name = "Period"
    wide.columns.name = None
    wide = wide.rename(columns=str.capitalize)
    return wide.reset_index().to_html(
        index=False, na_rep="–", border=0, classes="t", float_format=lambda v: charts._number(v)
    )


def _plan_focus(plan, db, focus, peers, indicators, values, maps):
    names = db.areas().set_index("code")["name"]
    cat = db.indicators().set_index("id")
    name = names.get(focus, focus)
    fs = slug(name)
    peer_group, peer_words = _peer_group(db, focus, peers)
    periods = comparable(db, indicators)
    periods = {i: p for i, p in periods.items() if not i.upper().startswith("OJ_")}
    plan.tables[(focus, "placering")] = _compare_table(db, focus, periods, peer_group)
    for ind, period in periods.items():
        plan.add(
            focus,
            "placering",
            f"{fs}-{slug(ind)}-alla",
            f"{ind} {period}, alla kommuner",
            lambda ind=ind, period=period: charts.ranking(db.compare(ind, period, focus=focus), db=db),
        )
        if peer_group is not None:
            plan.add(
                focus,
                "kommungrupp",
                f"{fs}-{slug(ind)}-grupp",
                f"{ind} {period}, {peer_words}",
                lambda ind=ind, period=period: charts.ranking(
                    db.compare(ind, period, focus=focus, areas=peer_group), db=db, labels="all"
                ),
            )
    if periods:
        common = Counter(periods.values()).most_common(1)[0][0]
        inds = [i for i, p in periods.items() if p == common]
        plan.add(
            focus,
            "styrkort",
            f"{fs}-styrkort",
            f"Styrkort {common}",
            lambda inds=inds, common=common: charts.scorecard(
                db, inds, common, focus, peers=peer_group if isinstance(peer_group, (str, list)) else None
            ),
        )
    for ind in periods:
        plan.add(
            focus,
            "utveckling",
            f"{fs}-{slug(ind)}-utveckling",
            f"{ind} över tid",
            lambda ind=ind: charts.trend_of(db, ind, focus, peers=peer_group),
        )
    if maps and periods:
        try:
            charts.kommun_shapes()
        except ImportError as e:
            plan.tables[(focus, "karta")] = f"<p>Kartor saknas: {html.escape(str(e))}</p>"
        else:
            for ind, period in list(periods.items())[:2]:
                plan.add(
                    focus,
                    "karta",
                    f"{fs}-{slug(ind)}-karta",
                    f"{ind} {period}, karta",
                    lambda ind=ind, period=period: charts.map(db.compare(ind, period, focus=focus), db=db),
                )
            first, first_period = next(iter(periods.items()))
            plan.add(
                focus,
                "karta",
                f"{fs}-{slug(first)}-karta-lan",
                f"{first} {first_period}, länet",
                lambda ind=first, period=first_period: charts.map_lan(db.compare(ind, period, focus=focus), db=db),
            )
    # the nämnd's own figures: one chart per indicator, gender and kind of period
    mine = values[values["area"] == focus]
    own = _own(mine)
    own = own.assign(granularity=own["period"].map(charts.granularity))
    for (ind, gender, gran), rows in own.groupby(["indicator", "gender", "granularity"]):
        section = "oj" if ind.upper().startswith("OJ_") else "egna"
        utfall = rows[rows["kind"] == "utfall"]
        if utfall["value"].notna().sum() < 2:
            continue
        title = (cat.loc[ind, "title"] if ind in cat.index else "") or ind
        unit = cat.loc[ind, "unit"] if ind in cat.index else ""
        gender_words = {"T": "", "K": ", kvinnor/flickor", "M": ", män/pojkar"}[gender]
        targets = mine[
            (mine["indicator"] == ind) & (mine["gender"] == gender) & mine["kind"].isin(["målvärde", "budget"])
        ]

        def make(
            rows=rows,
            utfall=utfall,
            targets=targets,
            title=title,
            unit=unit,
            gran=gran,
            gender_words=gender_words,
            ind=ind,
        ):
            series = {name: charts.values_series(utfall)}
            for kind, part in targets.groupby("kind"):
                series["Målvärde" if kind == "målvärde" else "Målvärde (budget)"] = charts.values_series(part)
            cap = sources.caption(pd.concat([utfall, targets])["source"], indicators=ind)
            return charts.trend(
                series, name, unit=unit, source=cap, title=f"{title}{gender_words} – {name}, per {PERIOD_WORDS[gran]}"
            )

        file = f"{fs}-{slug(ind)}-{gender.lower()}-{gran}"
        plan.add(focus, section, file, f"{title}{gender_words}", make, note=_own_table(pd.concat([utfall, targets])))
    if not any(f == focus and s == "oj" for f, s, *_ in plan.items):
        plan.tables[(focus, "oj")] = (
            "<p>Inga resultat ur Öppna jämförelser är inlästa för "
            f"{html.escape(name)}. Läs in ett ÖJ-blad med <code>db.import_oj(fil)</code> "
            "(xlsx eller csv); nyckeltalen får prefixet <code>OJ_</code> och visas här.</p>"
        )


STYLE = (
    "body{font-family:sans-serif;max-width:62em;margin:2em auto;color:#222;line-height:1.4}"
    "img{max-width:100%} figure{margin:1em 0 2em 0} figcaption{color:#555;font-size:85%}"
    "nav{background:#f5f5f5;padding:.5em 1.5em;margin-bottom:2em} nav ul{margin:.2em 0}"
    "table.t{border-collapse:collapse;font-size:85%;margin-bottom:2em}"
    "table.t td,table.t th{padding:2px 10px;border-bottom:1px solid #ddd;text-align:right}"
    "table.t .l{text-align:left;max-width:28em}"
    ".c.green{background:#3a9d23;color:#fff}.c.yellow{background:#f2c12e}.c.red{background:#d7301f;color:#fff}"
    ".c.grey{background:#bdbdbd} .src{color:#555;font-size:85%}"
)


def build_focus_pack(db, focus, out, peers=None, indicators=None, maps=True, progress=True, title="Omvärldsbevakning"):
    """Write the pack for the focus kommuner (a code or a list) to the folder `out`.
    peers: the peer set (default: each focus's SKR kommungrupp), e.g. "Större stad".
    indicators: the measures to rank (default: every indicator with a direction and values
    for at least 30 kommuner).  Returns a summary dict: charts, per section, files."""
    focus = [focus] if isinstance(focus, str) else list(focus)
    os.makedirs(out, exist_ok=True)
    names = db.areas().set_index("code")["name"]
    values = db.values(gender=None, kind=None)
    values = values.astype({c: str for c in ("indicator", "area", "period", "gender", "kind", "status", "source")})
    values[values["area"].isin(focus)].to_csv(os.path.join(out, "values.csv"), index=False)
    plan = _Plan(out)
    for f in focus:
        _plan_focus(plan, db, f, peers, indicators, values, maps)
    from tqdm.auto import tqdm

    made = []
    bar = tqdm(plan.items, desc="diagram", unit="diagram", disable=not progress or len(plan.items) < 10)
    for f, section, file, what, note, make in bar:
        fig = make()
        charts.save(fig, os.path.join(out, file))
        label = getattr(fig, "_supxlabel", None) or (fig.texts[-1] if fig.texts else None)
        caption = label.get_text().replace("\n", " ") if label is not None else ""  # also in alt
        charts.close(fig)
        made.append((f, section, file, what, note, caption))
    bar.close()
    # the page
    parts = [
        "<!doctype html><html lang='sv'><head><meta charset='utf-8'>",
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body>",
        f"<h1>{html.escape(title)}: {html.escape(' och '.join(names.get(f, f) for f in focus))}</h1>",
        f"<p>{len(made)} diagram. Varje diagram finns också som SVG; de fokuserade kommunernas värden "
        "som <a href='values.csv'>CSV</a>. Grön = bästa 25 %, gul = mittersta 50 %, röd = sämsta 25 %, "
        "grå = inget värde.</p>",
        "<nav><h2>Innehåll</h2><ul>",
    ]
    for f in focus:
        parts.append(f"<li><a href='#{slug(names.get(f, f))}'>{html.escape(names.get(f, f))} ({f})</a><ul>")
        for key, heading in SECTIONS:
            n = sum(1 for m in made if m[0] == f and m[1] == key)
            if n or (f, key) in plan.tables:
                parts.append(f"<li><a href='#{slug(names.get(f, f))}-{key}'>{heading}</a> ({n} diagram)</li>")
        parts.append("</ul></li>")
    parts.append("</ul></nav>")
    for f in focus:
        fname = names.get(f, f)
        parts.append(f"<h2 id='{slug(fname)}'>{html.escape(fname)} ({f})</h2>")
        for key, heading in SECTIONS:
            items = [m for m in made if m[0] == f and m[1] == key]
            if not items and (f, key) not in plan.tables:
                continue
            parts.append(f"<h3 id='{slug(fname)}-{key}'>{heading}</h3>")
            parts.append(plan.tables.get((f, key), ""))
            for _, _, file, what, note, caption in items:
                parts.append(
                    f"<figure><img src='{file}.png' alt='{html.escape(what)}. {html.escape(caption)}'>"
                    f"<figcaption><a href='{file}.svg'>SVG</a></figcaption>"
                    f"</figure>{note}"
                )
    parts.append("</body></html>")
    with open(os.path.join(out, "index.html"), "w", encoding="utf-8") as fh:
        fh.write("\n".join(parts))
    per_section = Counter(m[1] for m in made)
    return {
        "charts": len(made),
        "sections": {h: per_section.get(k, 0) for k, h in SECTIONS},
        "focus": focus,
        "files": [m[2] for m in made],
        "index": os.path.join(out, "index.html"),
    }


def build_pack(db, out, focus=None, **kw):
    """build_focus_pack for `focus` (default: the kommuner with their own report figures in
    `db`); returns the chart files."""
    focus = focus or default_focus(db)
    if not focus:
        from .errors import InvalidArgumentError

        raise InvalidArgumentError("no focus kommun: give one, e.g. --focus 1490")
    return build_focus_pack(db, focus, out, **kw)["files"]


def summary_text(summary):
    """The summary a command line prints after building a pack."""
    lines = [f"{summary['index']}: {summary['charts']} diagram för {', '.join(summary['focus'])}"]
    lines += [f"  {heading}: {n}" for heading, n in summary["sections"].items() if n]
    return "\n".join(lines)
