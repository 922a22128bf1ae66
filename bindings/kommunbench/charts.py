"""Charts for omvärldsbevakning: ranking bars with KKiK colours and trends against peers.

Every function returns a matplotlib Figure sized for a report page (16 x 9 cm) with a caption
naming the source: "Källa: Kolada" for unprocessed Kolada values, "Bearbetning av data från
Kolada" for normalized or combined ones, as Kolada's terms ask.  save() writes PNG and SVG.
"""
import math
import textwrap

import matplotlib

matplotlib.use("Agg")  # no screen needed; notebooks still show the Figure
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from .compare import COLOURS, KOLADA_CAPTION, PROCESSED_CAPTION  # noqa: E402
from .periods import period_key  # noqa: E402

__all__ = ["ranking", "trend", "trend_of", "scorecard", "small_multiples", "save", "values_series", "granularity", "FOCUS_COLOUR",
           "REPORT_SIZE_CM"]

REPORT_SIZE_CM = (16.0, 9.0)
FOCUS_COLOUR = "#08306b"   # the focus kommun's bar and line
PEER_COLOUR = "#6baed6"
MEAN_COLOUR = "#525252"
GENDER_WORDS = {"T": "totalt", "K": "kvinnor", "M": "män"}


def _figure(size_cm=REPORT_SIZE_CM):
    fig, ax = plt.subplots(figsize=(size_cm[0] / 2.54, size_cm[1] / 2.54), dpi=100,
                           layout="constrained")
    ax.spines[["top", "right"]].set_visible(False)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: _number(v, 1 if abs(v) < 10 else 0)))
    return fig, ax


def _caption(fig, text):
    # supxlabel takes part in the constrained layout, so the caption never overlaps the axes
    fig.supxlabel("\n".join(textwrap.wrap(text, 125)), x=0.01, ha="left", fontsize=6.5,
                  color="#444444")


def _title(ax, text):
    ax.set_title("\n".join(textwrap.wrap(text, 95)), fontsize=8, loc="left")


def _number(v, decimals=1):
    """Swedish number text: 1 533, 7,1 (whole numbers without decimals)."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    if float(v).is_integer():
        decimals = 0
    return f"{v:,.{decimals}f}".replace(",", "\u202f").replace(".", ",")


def ranking(comparison, unit=None, riket=None, source=None, title=None, labels=None,
            basis=None):
    """Sorted bars of a Comparison, coloured by KKiK colour, the focus kommun highlighted.

    unit: the axis label (default: the indicator's unit in the catalogue).  riket: the Riket
    value to draw as a line (None: not drawn).  labels: "all" names every bar (good for peer
    sets up to ~40 areas); default names bars when there are at most 40.  basis: how the
    values were made, for the caption (e.g. "per 1 000 invånare (N01951)"); give
    source: the caption's credit; default "Bearbetning av data från Kolada" for an indicator
    stored by per_capita or ratio (and when `basis` is given), else "Källa: Kolada"."""
    if source is None:
        processed = comparison.params.get("derived") or basis
        source = PROCESSED_CAPTION if processed else KOLADA_CAPTION
        if comparison.params.get("derived") and not basis:
            basis = comparison.params["derived"]
    unit = unit if unit is not None else comparison.params.get("unit")
    # the table is best first; a set too thinly covered has values but no ranks (all grey)
    t = comparison.table[comparison.table["value"].notna()]
    fig, ax = _figure()
    x = range(len(t))
    colours = [COLOURS.get(c) or PEER_COLOUR for c in t["colour"]]
    bars = ax.bar(x, t["value"], color=colours, width=0.85, linewidth=0)
    show_names = labels == "all" or (labels is None and len(t) <= 40)
    focus = comparison.focus
    for i, (area, name, value) in enumerate(zip(t["area"], t["name"], t["value"])):
        if area == focus:
            bars[i].set_edgecolor(FOCUS_COLOUR)
            bars[i].set_linewidth(1.5)
            bars[i].set_facecolor(FOCUS_COLOUR)
            ax.annotate(f"{name or area}\n{_number(value)}", (i, value), xytext=(0, 6),
                        textcoords="offset points", ha="center", va="bottom", fontsize=7,
                        fontweight="bold", color=FOCUS_COLOUR)
    if show_names:
        ax.set_xticks(list(x), [n or a for n, a in zip(t["name"], t["area"])], rotation=60,
                      ha="right", fontsize=6)
    else:
        ax.set_xticks([])
        ax.set_xlabel(f"{len(t)} kommuner, bästa till vänster", fontsize=7)
    mean = comparison.stats["unweighted_mean"]
    if not math.isnan(mean):
        ax.axhline(mean, color=MEAN_COLOUR, linestyle="--", linewidth=0.8)
        ax.text(1.0, mean, f" ovägt medel {_number(mean)}", fontsize=6.5, va="bottom",
                ha="left", color=MEAN_COLOUR, transform=ax.get_yaxis_transform())
    if riket is not None and not math.isnan(riket):
        ax.axhline(riket, color="#000000", linestyle=":", linewidth=0.8)
        ax.text(1.0, riket, f" riket {_number(riket)}", fontsize=6.5, va="top", ha="left",
                color="#000000", transform=ax.get_yaxis_transform())
    ax.set_ylabel(unit or "", fontsize=7)
    ax.tick_params(axis="y", labelsize=7)
    _title(ax, title or comparison.params.get("title") or comparison.indicator)
    ymax = max(t["value"].max() * 1.15, mean * 1.15 if not math.isnan(mean) else 0) if len(t) else 1
    ax.set_ylim(0, ymax)
    s = comparison.stats
    words = comparison.focus_text or ""
    based = f"{basis}; " if basis else ""
    _caption(fig, f"{words} {comparison.period}, {GENDER_WORDS[comparison.gender]}; {based}"
                  f"{s['n']} av {s['n_areas']} har värde; grön = bästa 25 %, röd = sämsta 25 %. "
                  f"{source}".strip())
    return fig


def trend(series, focus_label, unit=None, title=None, source="Källa: Kolada",
          population_note=None):
    """Lines over time.  `series` maps a label to a pandas Series indexed by period label;
    the label `focus_label` is drawn bold, a label starting with "Målvärde" dashed as a target,
    the others as comparison lines (peer mean, ovägt medel, riket)."""
    fig, ax = _figure()
    periods = sorted({p for s in series.values() for p in s.dropna().index}, key=period_key)
    if periods and all(str(p).isdigit() for p in periods):  # years: no year left out of the axis
        periods = [str(y) for y in range(int(periods[0]), int(periods[-1]) + 1)]
    pos = {p: i for i, p in enumerate(periods)}
    palette = [PEER_COLOUR, MEAN_COLOUR, "#fd8d3c", "#74c476", "#9e9ac8"]
    k = 0
    for label, s in series.items():
        s = s.dropna()
        if s.empty:
            continue
        xs = [pos[p] for p in s.index]
        if label == focus_label:
            ax.plot(xs, s.values, color=FOCUS_COLOUR, linewidth=2.2, marker="o", markersize=3.5,
                    label=label, zorder=3)
            ax.annotate(_number(s.values[-1]), (xs[-1], s.values[-1]), xytext=(4, 0),
                        textcoords="offset points", fontsize=7, color=FOCUS_COLOUR, va="center")
        elif label.lower().startswith("målvärde"):
            ax.plot(xs, s.values, color="#d7301f", linestyle="--", linewidth=1.2, marker="_",
                    markersize=8, label=label)
        else:
            colour = palette[k % len(palette)]
            ax.plot(xs, s.values, color=colour, linewidth=1.3, marker="o", markersize=2.5,
                    label=label)
            ax.annotate(_number(s.values[-1]), (xs[-1], s.values[-1]), xytext=(4, 0),
                        textcoords="offset points", fontsize=6.5, color=colour, va="center")
            k += 1
    ax.set_xticks(range(len(periods)), periods, fontsize=7,
                  rotation=45 if len(periods) > 8 else 0)
    ax.tick_params(axis="y", labelsize=7)
    ax.set_ylabel(unit or "", fontsize=7)
    present = [s for s in series.values() if s.notna().any()]
    top = max((s.max() for s in present), default=1)
    low = min((s.min() for s in present), default=0)
    # from zero when all values are positive (costs, counts); otherwise around the values
    ax.set_ylim(min(0.0, low * 1.12), max(0.0, top * 1.12) or 1.0)
    if low < 0:
        ax.axhline(0, color="#999999", linewidth=0.6)
    _title(ax, title or "")
    ax.legend(fontsize=6.5, frameon=False, loc="lower left", ncol=2)
    note = f"{population_note}. " if population_note else ""
    _caption(fig, f"{note}{source}")
    return fig


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
    """A value Series indexed by period from a values() DataFrame (one area, one kind)."""
    return pd.Series(df["value"].to_numpy(), index=df[index].astype(str).to_numpy())


def granularity(period):
    """"year", "tertial", "quarter" or "month" of a period label; a trend chart shows one kind."""
    _, _, sub = str(period).partition("-")
    return {"": "year", "T": "tertial", "Q": "quarter"}.get(sub[:1], "month")


def scorecard(db, indicators, period, focus, peers=None, gender="T", colour_against="kommuner",
              source="Källa: Kolada"):
    """A KKiK-style table: one row per area (the focus kommun first, then its peers), one column
    per indicator; each cell shows the value and is coloured by the area's KKiK colour among
    `colour_against` (all kommuner by default).  peers: area codes or a group id ("G36468")."""
    peer_codes = [] if peers is None else (db.group_members(peers) if isinstance(peers, str) else list(peers))
    areas = [focus] + [a for a in peer_codes if a != focus]
    names = db.areas().set_index("code")["name"]
    catalogue = db.indicators().set_index("id")
    cells, headers = {}, []
    for ind in indicators:
        c = db.compare(ind, period, gender=gender, areas=colour_against)
        t = c.table.set_index("area")
        unit = catalogue.loc[ind, "unit"] if ind in catalogue.index else ""
        title = (catalogue.loc[ind, "title"] if ind in catalogue.index else "") or ind
        lines = textwrap.wrap(title, 24)
        lines = lines[:4] + (["…"] if len(lines) > 4 else [])
        headers.append(f"{ind}\n" + "\n".join(lines) + (f"\n({unit})" if unit and unit not in title else ""))
        for a in areas:
            row = t.loc[a] if a in t.index else None
            cells[(a, ind)] = (row["value"] if row is not None else float("nan"),
                               row["colour"] if row is not None else "grey")
    width = max(12.0, 3.2 + 3.0 * len(indicators))
    height = 2.2 + 0.55 * len(areas)
    fig, ax = plt.subplots(figsize=(width / 2.54, height / 2.54), dpi=100, layout="constrained")
    ax.set_xlim(0, len(indicators))
    ax.set_ylim(len(areas), 0)
    ax.axis("off")
    for i, a in enumerate(areas):
        label = names.get(a, a)
        ax.text(-0.05, i + 0.5, label, ha="right", va="center", fontsize=7,
                fontweight="bold" if a == focus else "normal",
                color=FOCUS_COLOUR if a == focus else "#222222")
        for j, ind in enumerate(indicators):
            value, colour = cells[(a, ind)]
            ax.add_patch(plt.Rectangle((j + 0.03, i + 0.06), 0.94, 0.88,
                                       facecolor=COLOURS.get(colour) or "#ffffff",
                                       edgecolor=FOCUS_COLOUR if a == focus else "#ffffff",
                                       linewidth=1.4 if a == focus else 0.5))
            ax.text(j + 0.5, i + 0.5, _number(value), ha="center", va="center", fontsize=7)
    for j, h in enumerate(headers):
        ax.text(j + 0.5, -0.1, h, ha="center", va="bottom", fontsize=6)
    _caption(fig, f"{period}, {GENDER_WORDS[gender]}. Färg efter placering bland "
                  f"{'alla kommuner' if colour_against == 'kommuner' else colour_against}: grön = bästa 25 %, "
                  f"röd = sämsta 25 %, grå = inget värde. {source}")
    return fig


def small_multiples(db, indicators, focus, areas="kommuner", gender="T", ncols=3,
                    source="Bearbetning av data från Kolada"):
    """One small trend chart per indicator: the focus kommun against the ovägt medel of
    `areas` (all kommuner by default) over every period with values."""
    ca = db.compare_all(areas=areas)
    ca = ca[ca["gender"] == gender]
    names = db.areas().set_index("code")["name"]
    catalogue = db.indicators().set_index("id")
    nrows = max(1, math.ceil(len(indicators) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(REPORT_SIZE_CM[0] / 2.54, (4.2 * nrows + 1) / 2.54),
                             dpi=100, layout="constrained", squeeze=False)
    for k, ind in enumerate(indicators):
        ax = axes[k // ncols][k % ncols]
        part = ca[ca["indicator"] == ind]
        mean = part.groupby("period", observed=True)["mean"].first()
        mine = part[part["area"] == focus].set_index("period")["value"]
        periods = sorted(set(map(str, mean.index)) | set(map(str, mine.index)), key=period_key)
        x = range(len(periods))
        ax.plot(x, [mine.get(p, float("nan")) for p in periods], color=FOCUS_COLOUR, linewidth=1.8,
                label=names.get(focus, focus))
        ax.plot(x, [mean.get(p, float("nan")) for p in periods], color=MEAN_COLOUR, linewidth=1,
                label="ovägt medel")
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
    _caption(fig, f"{names.get(focus, focus)} ({GENDER_WORDS[gender]}) mot ovägt medel. {source}")
    return fig


def _group_means(frame, indicator, gender, min_n):
    part = frame[(frame["indicator"] == indicator) & (frame["gender"] == gender) & (frame["n"] >= min_n)]
    return part.groupby("period", observed=True)["mean"].first().rename(index=str)


def trend_of(db, indicator, focus, peers=None, gender="T", source=None, min_peers=3, min_kommuner=30):
    """The focus kommun over time against its peers' mean, the ovägt medel of all kommuner
    and its own målvärde (where imported): trend() with the series built from `db`.
    peers: area codes, a group or kommungrupp id, or None (the focus's SKR kommungrupp).
    A mean is drawn only for periods where at least min_peers peers (min_kommuner kommuner)
    have a value: a "mean" of one or two kommuner would mislead."""
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
    unit = catalogue.loc[indicator, "unit"] if indicator in catalogue.index else ""
    return trend(series, focus_name, unit=unit, title=f"{title} – {focus_name}",
                 source=source or "Bearbetning av data från Kolada")
