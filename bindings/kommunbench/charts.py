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

from .compare import COLOURS  # noqa: E402
from .periods import period_key  # noqa: E402

__all__ = ["ranking", "trend", "save", "values_series", "granularity", "FOCUS_COLOUR",
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


def ranking(comparison, unit=None, riket=None, source="Källa: Kolada", title=None, labels=None):
    """Sorted bars of a Comparison, coloured by KKiK colour, the focus kommun highlighted.

    riket: the Riket value to draw as a line (None: not drawn).  labels: "all" names every
    bar (good for peer sets up to ~40 areas); default names bars when there are at most 40."""
    t = comparison.table[comparison.table["rank"] > 0].sort_values(["rank", "area"])
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
    _caption(fig, f"{words} {comparison.period}, {GENDER_WORDS[comparison.gender]}; "
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
