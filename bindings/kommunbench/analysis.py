"""Questions asked of a comparison: against which peers, over time, against targets, by kön.

Each is a function of data the Database hands it (Comparisons, a compare_all or values
DataFrame, the indicator's direction); the Database methods of the same names fetch that data
from the C core and call them, so nothing here calls back into a Database.  The rules are
written here and in the README, and tested in tests/python/test_analysis.py.
"""

import math

import numpy as np
import pandas as pd

from .periods import period_key

__all__ = ["peer_sets", "peers", "changes", "trend_marks", "target_status", "targets", "gender_gap"]


def peer_sets(area, catalogue):
    """The peer sets of a kommun: its SKR kommungrupp, its län and all kommuner, as (label,
    areas) pairs.  area: the kommun as Database.area gives it; catalogue: Database.areas()."""
    sets = []
    if area["kommungrupp"]:
        name = catalogue.loc[catalogue["code"] == area["kommungrupp"], "name"]
        label = name.iloc[0] if len(name) else area["kommungrupp"]
        sets.append((f"kommungrupp: {label}", area["kommungrupp"]))
    if area["lan"]:
        region = catalogue.loc[(catalogue["type"] == "region") & (catalogue["lan"] == area["lan"]), "name"]
        sets.append((f"län: {region.iloc[0] if len(region) else area['lan']}", area["lan"]))
    sets.append(("alla kommuner", "kommuner"))
    return sets


def peers(comparisons):
    """The focus kommun against each peer set: its rank and colour there, and the difference
    between its value and each set statistic (ovägt medel, vägt medel, median).

    comparisons: (label, Comparison) pairs, one per peer set, each made with the focus."""
    rows = []
    for label, c in comparisons:
        row = c.focus_row()
        value = float(row["value"]) if row is not None else math.nan
        s = c.stats
        rows.append(
            {
                "peer_set": label,
                "n": s["n"],
                "n_areas": s["n_areas"],
                "value": value,
                "rank": row["rank"] if row is not None else pd.NA,
                "colour": row["colour"] if row is not None else "grey",
                "unweighted_mean": s["unweighted_mean"],
                "weighted_mean": s["weighted_mean"],
                "median": s["median"],
                "diff_unweighted_mean": value - s["unweighted_mean"],
                "diff_weighted_mean": value - s["weighted_mean"],
                "diff_median": value - s["median"],
            }
        )
    out = pd.DataFrame(rows)
    out["rank"] = out["rank"].astype("Int32")
    return out


def changes(values, periods=1):
    """Change per area from `periods` periods earlier, absolute and in %.

    values: a values() DataFrame (one indicator, gender and kind).  Periods are taken in
    their chronological order as present in the data; a missing value on either side gives
    a missing change."""
    df = values[["indicator", "area", "gender", "period", "value"]].copy()
    df["period"] = df["period"].astype(str)
    order = sorted(df["period"].unique(), key=period_key)
    df["_pos"] = df["period"].map({p: i for i, p in enumerate(order)})
    df = df.sort_values(["indicator", "gender", "area", "_pos"])
    prev = df.copy()
    prev["_pos"] = prev["_pos"] + periods
    merged = df.merge(
        prev[["indicator", "gender", "area", "_pos", "value", "period"]],
        on=["indicator", "gender", "area", "_pos"],
        how="left",
        suffixes=("", "_before"),
    )
    merged["change"] = merged["value"] - merged["value_before"]
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = 100.0 * merged["change"] / merged["value_before"].abs()
    merged["change_pct"] = pct.where(merged["value_before"] != 0)
    return merged.drop(columns="_pos").rename(columns={"period_before": "from_period"})


def trend_marks(table, indicator, gender="T", last=3, direction=None):
    """Per area: better (or worse) than ovägt medel in each of the last `last` periods.

    table: a compare_all DataFrame over the area set; direction: "lower", "higher" or None.
    mark "*" = better than the unweighted mean of the set in each of the last three periods
    with a value for the set, "#" = worse in each of them, "" otherwise (also when the area
    lacks a value in one of them, and always without a direction).  Equal to the mean counts
    as neither."""
    ca = table[(table["indicator"] == indicator) & (table["gender"] == gender)].copy()
    if ca.empty:
        return pd.DataFrame(columns=["area", "mark", "periods"])
    ca["period"] = ca["period"].astype(str)
    means = ca[ca["rank"] > 0].groupby("period")["value"].mean()
    recent = sorted(means.index, key=period_key)[-last:]
    dirn = direction
    out = []
    for area, g in ca[ca["period"].isin(recent)].groupby("area", observed=True):
        v = g.set_index("period")["value"].reindex(recent)
        m = means.reindex(recent)
        if dirn is None or v.isna().any():
            mark = ""
        else:
            better = (v < m) if dirn == "lower" else (v > m)
            worse = (v > m) if dirn == "lower" else (v < m)
            mark = "*" if better.all() else ("#" if worse.all() else "")
        out.append({"area": str(area), "mark": mark, "periods": ",".join(recent)})
    return pd.DataFrame(out)


def target_status(utfall, malvarde, direction, tolerance=0.10, previous=None):
    """Status word for utfall against målvärde, as the reports write it.

    - "uppfyllt": the utfall is at the target or better (≤ when lower is better, ≥ when higher).
    - "delvis uppfyllt": not reached, but within `tolerance` (share of the target, default
      10 %) of it, or better than the previous period's utfall when `previous` is given.
    - "ej uppfyllt": otherwise.
    - None when utfall or målvärde is missing or the direction is unknown."""
    if direction not in ("lower", "higher") or _missing(utfall) or _missing(malvarde):
        return None
    sign = -1 if direction == "lower" else 1
    if sign * (utfall - malvarde) >= 0:
        return "uppfyllt"
    close = abs(utfall - malvarde) <= tolerance * abs(malvarde)
    improved = previous is not None and not _missing(previous) and sign * (utfall - previous) > 0
    return "delvis uppfyllt" if close or improved else "ej uppfyllt"


def targets(values, direction, tolerance=0.10):
    """Utfall against målvärde per period for one area, with the status word of each.

    values: a values() DataFrame of one indicator, area and gender with kinds utfall and
    målvärde; direction: "lower", "higher" or None (no status then)."""
    v = values.astype({"period": str, "kind": str})
    wide = v.pivot_table(index="period", columns="kind", values="value", aggfunc="last")
    wide = wide.reindex(sorted(wide.index, key=period_key))
    dirn = direction
    utfall = wide["utfall"] if "utfall" in wide else pd.Series(np.nan, index=wide.index)
    target = wide["målvärde"] if "målvärde" in wide else pd.Series(np.nan, index=wide.index)
    prev = utfall.shift(1)
    status = [target_status(u, t, dirn, tolerance, p) for u, t, p in zip(utfall, target, prev)]
    return pd.DataFrame(
        {"period": wide.index, "utfall": utfall.to_numpy(), "målvärde": target.to_numpy(), "status": status}
    )


def gender_gap(values):
    """Per area and period: the K − M gap and the K/M ratio (NaN where either is missing or
    M is 0).  values: a values() DataFrame of one indicator with genders K and M."""
    v = values.astype({"area": str, "period": str, "gender": str})
    wide = v.pivot_table(index=["area", "period"], columns="gender", values="value", aggfunc="last")
    k = wide["K"] if "K" in wide else pd.Series(np.nan, index=wide.index)
    m = wide["M"] if "M" in wide else pd.Series(np.nan, index=wide.index)
    out = pd.DataFrame({"K": k, "M": m}).reset_index()
    out["gap_k_minus_m"] = out["K"] - out["M"]
    out["ratio_k_m"] = (out["K"] / out["M"]).where(out["M"] != 0)
    return out


def _missing(v):
    return v is None or (isinstance(v, float) and math.isnan(v))
