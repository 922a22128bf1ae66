"""Comparison of one indicator across areas: ranks, KKiK colours, ovägt medel, peer sets."""

import html
import math

import pandas as pd

from ._native import HANDLE as _DB
from ._native import CStrings, area_code, error, gender_word, lib
from .errors import InvalidArgumentError

__all__ = [
    "Comparison",
    "resolve_areas",
    "resolve_area",
    "position_text",
    "swedish_number",
    "KOLADA_CAPTION",
    "PROCESSED_CAPTION",
]

# Kolada's terms of use: unprocessed values are credited "Källa: Kolada"; values processed by the
# user (normalized, combined) must not be credited to Kolada itself.
KOLADA_CAPTION = "Källa: Kolada"
PROCESSED_CAPTION = "Bearbetning av data från Kolada"

COLOURS = {
    "green": "#3a9d23",
    "yellow": "#f2c12e",
    "red": "#d7301f",
    "grey": "#bdbdbd",
    "": "#ffffff",
    # significance without a direction (Fingertips' neutral scale)
    "higher": "#08519c",
    "lower": "#9ecae1",
    "similar": "#f2c12e",
}


def resolve_areas(db, areas):
    """Turn an area selection into the sorted list of its area codes (None stays None: the C
    core's default, all kommuner).

    Accepts "kommuner", a group or kommungrupp id ("G92790") or name ("Större stad"), a län
    code ("14"), an area code ("1490", 138), or a list of any of these (their union), as the C
    core's bench_area_set_resolve reads them; an unknown one is a NotFoundError naming it."""
    if areas is None:
        return None
    names = [areas] if isinstance(areas, (str, int)) else list(areas)
    for a in names:
        if isinstance(a, bool) or not isinstance(a, (str, int)):
            raise InvalidArgumentError(f"areas: expected codes or names as str, got {a!r}")
    keep = CStrings()
    array, n = keep.array([str(a) for a in names])
    frame = db._frame(lib.bench_area_set_resolve, _DB, array, n)
    return [str(c) for c in frame.series("code")]


def resolve_area(db, area):
    """One area as its catalogue code: a code ("1490", 138 -> "0138", padded by the C core) or
    a name ("Borås", any case).  An unknown one is a NotFoundError naming it."""
    catalogue = db.areas()
    key = str(area).strip()
    code = area_code(key)
    if code is not None and code in set(catalogue["code"]):
        return code
    by_name = catalogue[catalogue["name"].str.casefold() == key.casefold()]
    if len(by_name):
        kommun = by_name[by_name["type"] == "kommun"]
        return str((kommun if len(kommun) else by_name)["code"].iloc[0])
    raise error(
        lib.BENCH_ENOTFOUND, f"area {area!r} is neither a code nor a name in the catalogue (e.g. \"1490\" or \"Borås\")"
    )


def swedish_number(v, decimals=1, thousands="\u202f"):
    """Swedish number text: 1 533,5 (whole numbers without decimals); – for a missing value."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    if float(v).is_integer():
        decimals = 0
    return f"{v:,.{decimals}f}".replace(",", thousands).replace(".", ",")


def _fmt(v):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    return f"{v:,.1f}".replace(",", " ").replace(".", ",")


def position_text(rank, n, colour, name, significance=False):
    """The focus kommun's place in words for a report."""
    if rank is None or pd.isna(rank) or not rank:
        return f"{name} har inget värde."
    band = {"green": "bland de 25 % bästa", "red": "bland de 25 % sämsta", "yellow": "bland de 50 % i mitten"}.get(
        colour
    )
    if significance:
        band = {
            "green": "signifikant bättre än jämförelsevärdet",
            "red": "signifikant sämre än jämförelsevärdet",
            "yellow": "inte säkert skild från jämförelsevärdet",
            "higher": "signifikant högre än jämförelsevärdet",
            "lower": "signifikant lägre än jämförelsevärdet",
            "similar": "inte säkert skild från jämförelsevärdet",
        }.get(colour)
    text = f"{name} har plats {rank} av {n}"
    return f"{text}, {band}." if band else f"{text}."


class Comparison:
    """The result of Database.compare: `.table`, `.stats` and the parameters used."""

    def __init__(self, table, stats, params, names):
        self.table = table
        self.stats = stats
        self.params = params
        self.indicator = params["indicator"]
        self.period = params["period"]
        self.gender = params["gender"]
        self.direction = params["direction"]
        self.focus = params.get("focus")
        self._names = names

    def focus_row(self):
        if self.focus is None:
            return None
        rows = self.table[self.table["area"] == self.focus]
        return None if rows.empty else rows.iloc[0]

    @property
    def focus_text(self):
        row = self.focus_row()
        if row is None:
            return None
        name = row["name"] or row["area"]
        if not self.params.get("ranked", True):
            s = self.stats
            have = "" if pd.isna(row["value"]) else f"{name} har värdet {_fmt(row['value'])}, men "
            text = (
                f"för få redovisar för en rangordning: {s['n']} av {s['n_areas']} "
                f"({100 * self.params.get('coverage', 0):.0f} %)."
            )
            return (have + text) if have else text[0].upper() + text[1:]
        return position_text(
            row["rank"], int(row["n"]), row["colour"], name, self.params.get("colours") == "significance"
        )

    def caption(self):
        """A caption for a chart or table built from the parameters."""
        title = self.params.get("title") or self.indicator
        source = PROCESSED_CAPTION if self.params.get("derived") else KOLADA_CAPTION
        return (
            f"{title}, {self.period}, {gender_word(self.gender)}; "
            f"{self.stats['n']} av {self.stats['n_areas']} områden har värde. {source}"
        )

    def __repr__(self):
        s = self.stats
        head = (
            f"<Comparison {self.indicator} {self.period} {self.gender}: n={s['n']}, "
            f"ovägt medel={_fmt(s['unweighted_mean'])}, median={_fmt(s['median'])}>"
        )
        return head if self.focus is None else f"{head}\n{self.focus_text}"

    def _repr_html_(self):
        rows = []
        for r in self.table.itertuples(index=False):
            style = f"background:{COLOURS.get(r.colour, '#fff')}"
            bold = "font-weight:bold;" if r.area == self.focus else ""
            rows.append(
                f"<tr style='{bold}'><td>{'' if pd.isna(r.rank) else r.rank}</td><td>{html.escape(r.area)}</td>"
                f"<td>{html.escape(r.name or '')}</td><td style='text-align:right'>{_fmt(r.value)}</td>"
                f"<td style='{style}'>&nbsp;&nbsp;&nbsp;</td></tr>"
            )
        s = self.stats
        stats = (
            f"n = {s['n']} av {s['n_areas']}, ovägt medel {_fmt(s['unweighted_mean'])}, "
            f"vägt medel {_fmt(s['weighted_mean'])}, median {_fmt(s['median'])}, "
            f"min {_fmt(s['min'])}, max {_fmt(s['max'])}"
        )
        focus = f"<p>{html.escape(self.focus_text)}</p>" if self.focus_text else ""
        return (
            f"<div><b>{html.escape(self.caption())}</b>{focus}<p>{stats}</p>"
            f"<table><tr><th>Rank</th><th>Kod</th><th>Namn</th><th>Värde</th><th></th></tr>"
            f"{''.join(rows)}</table></div>"
        )
