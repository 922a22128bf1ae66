"""Price indexes shipped with libbench (datasets/price_index.csv), for fixed prices.

KPI: SCB's konsumentprisindex, fastställda tal, annual averages (årsmedel), 1980=100, each row
with its source and the state of SCB's table it was read from.  PKV (SKR's prisindex för
kommunal verksamhet) is not shipped: SKR publishes it as yearly percentage changes in Excel files
that are revised with each skatteunderlagsprognos, and no published figures could be sourced
here; import it yourself (as an indicator for Riket, 0000) and pass its id to deflate().
"""

import csv
import io

import pandas as pd

from .errors import NotFoundError

__all__ = ["price_index", "PRICE_INDEXES"]

PRICE_INDEXES = {
    "KPI": "SCB, Konsumentprisindex (KPI), fastställda tal, årsmedel, 1980=100",
}

NOT_SHIPPED = {
    "PKV": (
        "PKV (SKR:s prisindex för kommunal verksamhet) is not shipped: SKR publishes it as "
        "yearly changes in Excel files revised with each skatteunderlagsprognos, and no "
        "published figures could be sourced for the dataset.  Import the figures you use "
        "as an indicator for Riket (0000) and pass its id: db.deflate(ind, \"MYPKV\", base)."
    ),
}


def _rows():
    from .datasets import dataset_bytes

    text = dataset_bytes("price_index").decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def price_index(name="KPI"):
    """A shipped price index as a DataFrame of period (str, a year) and value (float).
    attrs: "name", "source" (who published it, and where), "base" ("1980=100") and "as_of"
    (the state of the published table the figures were read from)."""
    key = str(name).upper()
    if key in NOT_SHIPPED:
        raise NotFoundError(NOT_SHIPPED[key])
    rows = [r for r in _rows() if r["series"] == key]
    if not rows:
        raise NotFoundError(f"no shipped price index {name!r}; shipped: {', '.join(PRICE_INDEXES)}")
    df = pd.DataFrame({"period": [r["period"] for r in rows], "value": [float(r["value"]) for r in rows]})
    sources = sorted({r["source"] for r in rows})
    df.attrs.update(
        name=key,
        title=PRICE_INDEXES.get(key, key),
        source="; ".join(sources),
        base=rows[0]["base"],
        as_of=max(r["as_of"] for r in rows),
    )
    return df
