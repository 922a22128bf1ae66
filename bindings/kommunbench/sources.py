"""Who to credit under a chart or table: the one place where the caption rule lives.

Kolada's terms ask for "Källa: Kolada" under unprocessed Kolada values and "Bearbetning av data
från Kolada" under values that were normalized or combined.  A nämnd's own figures are credited
to the report they were transcribed from.  A file name is never shown: what a source string
says is resolved to the organisation or document behind it.

    caption(["ddf--datapoints--u33401--by--geo--year.csv"])        -> "Källa: Kolada"
    caption(["Kolada API (https://api.kolada.se/v3)"])             -> "Källa: Kolada"
    caption(["...Kolada...", "v1_BefolkningNy-21059a-POST.json"], processed=True)
                                                   -> "Bearbetning av data från Kolada och SCB"
    caption(["Borås Stad, ..., Tertialrapport 1 2018 | 001_x.txt:133"])
                                                   -> "Källa: Borås Stad, ..., Tertialrapport 1 2018"
"""

import os
import re

__all__ = ["caption", "origin", "is_derived", "derived_from", "indicator_caption"]

KOLADA = "Kolada"
SCB = "SCB"
OJ = "Öppna jämförelser"
PROCESSED_MARK = "bearbetning"  # a source label that says its values were computed

_KOLADA_ID = re.compile(r"^[NU]\d{5}$", re.I)
_SCB_WORDS = re.compile(r"scb|pxweb|befolkning|be0101|tab\d{3,}|statistikdatabasen", re.I)
_KOLADA_WORDS = re.compile(r"kolada|ddf--datapoints--|^values_[nu]\d{5}", re.I)


def origin(source, indicator=None):
    """The organisation or document behind one source string (None when it says nothing)."""
    s = str(source or "").strip()
    if not s or s in ("nan", "None"):
        return None
    if " | " in s:  # "<document title> | <file>:<line>" (the seed figures)
        return s.split(" | ", 1)[0].strip()
    if s.lower().startswith(PROCESSED_MARK):
        return KOLADA if "kolada" in s.lower() or not _SCB_WORDS.search(s) else SCB
    if _KOLADA_WORDS.search(s):
        return KOLADA
    if _SCB_WORDS.search(s):
        return SCB
    if indicator is not None and str(indicator).upper().startswith("OJ_"):
        return OJ
    if indicator is not None and _KOLADA_ID.match(str(indicator)):
        return KOLADA  # a Kolada KPI id read from bytes or a renamed file
    # a file name of the user's own: its name without folder, line and extension
    stem = os.path.basename(s).split(":")[0]
    stem = re.sub(r"\.(csv|json|xlsx|xls|html?|txt|tsv)$", "", stem, flags=re.I)
    return stem.replace("_", " ").strip() or None


def caption(sources, processed=False, indicators=None):
    """The caption text for values from `sources` (an iterable of source strings).

    processed: the values were normalized or combined (per capita, a mean, a ratio): credit
    "Bearbetning av data från Kolada [och SCB]" instead of "Källa: ...".  `indicators` (one id
    or several, aligned with `sources` or applying to all) helps to tell a Kolada id read from
    bytes."""
    sources = list(sources)
    if isinstance(indicators, str) or indicators is None:
        indicators = [indicators] * len(sources)
    found = []
    for s, ind in zip(sources, indicators):
        if str(s or "").lower().startswith(PROCESSED_MARK):
            processed = True
        o = origin(s, ind)
        if o and o not in found:
            found.append(o)
    if not found:
        return "Bearbetning av data från Kolada" if processed else "Källa: Kolada"
    if processed:
        agencies = [o for o in found if o in (KOLADA, SCB)]
        others = [o for o in found if o not in (KOLADA, SCB)]
        text = ("Bearbetning av data från " + " och ".join(agencies)) if agencies else "Bearbetning av uppgifter"
        return text + (f" och ur {'; '.join(others)}" if others else "")
    order = [o for o in (KOLADA, SCB) if o in found] + [o for o in found if o not in (KOLADA, SCB)]
    return "Källa: " + "; ".join(order)


def derived_from(db, indicator):
    """The description of how an indicator was made (the catalogue's `derived` column, where
    the Database has one); "" for imported indicators."""
    cat = db.indicators()
    if "derived" not in cat.columns:
        return ""
    row = cat[cat["id"] == str(indicator)]
    text = str(row["derived"].iloc[0]) if len(row) else ""
    return "" if text.strip() in ("", "nan", "None") else text.strip()


def is_derived(db, indicator):
    """Whether an indicator was computed by kommunbench rather than imported."""
    return bool(derived_from(db, indicator))


def indicator_caption(db, indicator, sources=None, processed=False):
    """caption() for one indicator in `db`: its values' sources (all of them when `sources` is
    None); for a derived indicator the sources of the indicators it was made from."""
    desc = derived_from(db, indicator)
    if desc:
        known = set(db.indicators()["id"])
        parts = [p for p in re.findall(r"[A-Za-z][A-Za-z0-9_]+", desc) if p in known and p != str(indicator)]
        found, inds = [], []
        for p in parts:
            v = db.values(p, gender=None, kind=None)
            for s in dict.fromkeys(v["source"].astype(str)):
                found.append(s)
                inds.append(p)
        return caption(found, processed=True, indicators=inds)
    if sources is None:
        v = db.values(indicator, gender=None, kind=None)
        sources = list(dict.fromkeys(v["source"].astype(str)))
    return caption(sources, processed=processed, indicators=str(indicator))
