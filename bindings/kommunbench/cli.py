"""kommunbench on the command line: import files into a snapshot, compare, export, build the pack.

    kommunbench import db.kbsnap FILE... [--layout wide]   CSV (Kolada or wide), Kolada JSON, SCB JSON
    kommunbench compare db.kbsnap U33401 2022 --focus 1490 [--areas "Större stad"] [--csv out.csv]
    kommunbench export db.kbsnap out.csv|out.xlsx [--indicator U33401] [--area 1490]
    kommunbench per-capita db.kbsnap N01990 --store-as ASYL1000 [--scale 1000] [--population-period previous]
    kommunbench ratio db.kbsnap N31001 N28811 --store-as KR_PER_BRUKARE [--scale 1]
    kommunbench deflate db.kbsnap N31001 --base 2022 --store-as N31001_FP [--index KPI]
    kommunbench pack --focus 1490 [--peers "Större stad"] [--indicators U33401,U35400] [--snapshot S] [--out out]
    kommunbench --version

Exit codes: 0 done, 1 the data or a file was refused (the message names file, line and
column), 2 the command line was wrong.
"""

import argparse
import os
import sys

from ._native import gender_word
from .database import Database
from .errors import BenchError

__all__ = ["main"]


def _open(path, create=False):
    if os.path.exists(path):
        return Database.open(path)
    if create:
        return Database()
    raise BenchError(f"{path}: no such snapshot (make one with `kommunbench import {path} FILE...`)")


def _kind_of(path):
    """csv, kolada-json or scb-json, from the extension and the first bytes of a JSON file."""
    if not path.lower().endswith(".json"):
        return "csv"
    from .reports import regular_file

    with open(regular_file(path), "rb") as f:  # a FIFO is refused, not opened (it would block)
        head = f.read(4096)
    return "scb-json" if b'"columns"' in head or b'"dimension"' in head else "kolada-json"


def _wide_hint(path):
    """A hint when a CSV header looks like the wide layout (geo,year,u33401)."""
    try:
        with open(path, encoding="utf-8-sig", errors="replace") as f:
            header = f.readline().strip().lower()
    except OSError:
        return None
    cols = [c.strip().strip('"') for c in header.replace(";", ",").split(",")]
    if "kpi" in cols or "value" in cols:
        return None
    if any(c in ("geo", "municipality", "kommun", "area") for c in cols) and any(
        c in ("year", "period", "time") for c in cols
    ):
        return (
            f"the header of {os.path.basename(path)} ({','.join(cols[:5])}) looks like the wide layout, "
            "one column per indicator: try --layout wide"
        )
    return None


def cmd_import(args):
    from tqdm.auto import tqdm

    db = _open(args.snapshot, create=True)
    total = 0
    for path in tqdm(args.files, desc="importing", unit="file", disable=len(args.files) < 2 or args.quiet):
        kind = _kind_of(path)
        if kind == "csv":
            try:
                rep = db.import_csv(path, layout=args.layout, source=args.source)
            except BenchError as e:
                hint = _wide_hint(path) if args.layout == "kolada" else None
                if hint:
                    raise type(e)(f"{e}\n{hint}", code=e.code, file=e.file, line=e.line, column=e.column) from None
                raise
        elif kind == "scb-json":
            rep = db.import_population(path, source=args.source)
        else:
            rep = db.import_kolada_json(path, source=args.source)
        total += rep.accepted
        if not args.quiet:
            print(rep)
    db.save(args.snapshot)
    print(f"{args.snapshot}: {len(db)} observations ({total} imported now)")
    return 0


COLOUR_WORDS = {"green": "grön", "yellow": "gul", "red": "röd", "grey": "grå", "": ""}
COLUMN_WORDS = {
    "area": "kod",
    "name": "kommun",
    "value": "värde",
    "rank": "plats",
    "n": "antal",
    "percentile": "percentil",
    "colour": "färg",
    "source": "källa",
    "indicator": "nyckeltal",
    "period": "period",
    "gender": "kön",
    "kind": "typ",
    "count": "antal bakom",
    "status": "status",
    "title": "titel",
    "unit": "enhet",
    "direction": "riktning",
}
SHEET_WORDS = {"table": "Jämförelse", "values": "Värden"}


def _num(v, decimals=1):
    """Swedish number text: 1 533,5; – for a missing value (a no-break space for terminals)."""
    from .compare import swedish_number

    return swedish_number(v, decimals, thousands="\u00a0")


def _has_rank(rank):
    """A rank is missing (<NA>) for an area without a value or in a set too few report in."""
    import pandas as pd

    return bool(pd.notna(rank)) and rank > 0


def swedish_table(c, rows=30):
    """The comparison as a Swedish text table: plats, kod, kommun, värde, färg."""
    t = c.table  # best first; areas without a value (no rank) last
    lines = [f"{'plats':>5}  {'kod':<6}{'kommun':<22}{'värde':>10}  färg"]
    shown = t.head(rows)
    if c.focus is not None and c.focus not in set(shown["area"]):
        shown = t[t["area"].isin(list(shown["area"]) + [c.focus])]
    for r in shown.itertuples(index=False):
        mark = " <" if r.area == c.focus else ""
        lines.append(
            f"{(str(r.rank) if _has_rank(r.rank) else '–'):>5}  {r.area:<6}{(r.name or '')[:21]:<22}"
            f"{_num(r.value):>10}  {COLOUR_WORDS.get(r.colour, r.colour)}{mark}"
        )
    if len(t) > len(shown):
        lines.append(f"  … {len(t) - len(shown)} rader till (--rows, --csv eller --xlsx för alla)")
    return "\n".join(lines)


def _source_row(text, ncols):
    return [text] + [None] * (ncols - 1)


def write_xlsx(path, frames, source):
    """Write DataFrames to an xlsx workbook: Swedish sheet names and column names, colour
    words (grön/gul/röd/grå), cells of the colour column filled, number formats, and a
    "Källa: …" row under each table."""
    import pandas as pd
    from openpyxl.styles import Font, PatternFill

    fills = {"grön": "3A9D23", "gul": "F2C12E", "röd": "D7301F", "grå": "BDBDBD"}
    with pd.ExcelWriter(path, engine="openpyxl") as xw:
        for sheet, df in frames.items():
            df = df.copy()
            if "colour" in df.columns:
                df["colour"] = df["colour"].map(lambda c: COLOUR_WORDS.get(c, c))
            df = df.rename(columns=COLUMN_WORDS)
            df.to_excel(xw, sheet_name=sheet, index=False)
            ws = xw.sheets[sheet]
            cols = list(df.columns)
            for j, col in enumerate(cols, start=1):
                letter = ws.cell(row=1, column=j).column_letter
                ws.column_dimensions[letter].width = max(8, min(40, len(col) + 4))
                ws.cell(row=1, column=j).font = Font(bold=True)
                fmt = {"värde": "# ##0.0", "percentil": "0.0", "plats": "0", "antal": "0"}.get(col)
                for i in range(2, len(df) + 2):
                    cell = ws.cell(row=i, column=j)
                    if cell.data_type == "f":  # text such as "=HYPERLINK(...)" stays text, never a formula
                        cell.data_type = "s"
                        cell.quotePrefix = True
                    if fmt:
                        cell.number_format = fmt
                    if col == "färg" and cell.value in fills:
                        cell.fill = PatternFill("solid", fgColor=fills[cell.value])
            ws.cell(row=len(df) + 3, column=1, value=source).font = Font(italic=True)


def cmd_compare(args):
    from . import charts

    db = _open(args.snapshot)
    areas = args.areas.split(",") if args.areas and "," in args.areas else args.areas
    c = db.compare(
        args.indicator, args.period, gender=args.gender, areas=areas, direction=args.direction, focus=args.focus
    )
    source = charts.comparison_caption(c, db)
    if args.csv:
        c.table.to_csv(args.csv, index=False)
    if args.xlsx:
        write_xlsx(args.xlsx, {SHEET_WORDS["table"]: c.table}, source)
    if args.chart:
        charts.save(charts.ranking(c, db=db), args.chart)
    title = c.params.get("title") or c.indicator
    s = c.stats
    print(f"{title} ({c.indicator}), {c.period}, {gender_word(c.gender)}, {charts.area_set_words(c)}")
    if c.focus_text:
        print(c.focus_text)
    print(
        f"{s['n']} av {s['n_areas']} har värde; ovägt medel {_num(s['unweighted_mean'])}, "
        f"median {_num(s['median'])}, min {_num(s['min'])}, max {_num(s['max'])}"
    )
    if not (args.csv or args.xlsx):
        print(swedish_table(c, args.rows))
    print(source)
    return 0


def cmd_export(args):
    from . import sources

    db = _open(args.snapshot)
    df = db.with_labels(
        db.values(
            args.indicator,
            area=args.area,
            period=args.period,
            gender=None if args.gender == "all" else args.gender,
            kind=None,
        )
    )
    if args.out.lower().endswith(".xlsx"):
        caption = sources.caption(df["source"].astype(str).unique(), indicators=None)
        write_xlsx(args.out, {SHEET_WORDS["values"]: df}, caption)
    else:
        df.to_csv(args.out, index=False)
    print(f"{args.out}: {len(df)} rows")
    return 0


def _store_normalized(db, args, df):
    """Save the snapshot with the stored result and say what was stored."""
    db.save(args.snapshot)
    ok = int((df["status"] == "ok").sum())
    print(
        f"{args.snapshot}: {args.store_as} = {df.attrs['derived']} ({df.attrs['title']}, {df.attrs['unit']}); "
        f"{ok} values, {len(df) - ok} without a value"
    )
    if df.attrs.get("warning"):
        print(f"kommunbench: note: {df.attrs['warning']}", file=sys.stderr)
    return 0


def cmd_per_capita(args):
    import warnings

    db = _open(args.snapshot)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # said once, below
        df = db.per_capita(
            args.indicator,
            population=args.population.split(","),
            scale=args.scale,
            age=args.age,
            population_period=args.population_period,
            store_as=args.store_as,
            title=args.title,
            unit=args.unit,
        )
    return _store_normalized(db, args, df)


def cmd_ratio(args):
    db = _open(args.snapshot)
    df = db.ratio(
        args.numerator,
        args.denominator,
        scale=args.scale,
        denominator_period=args.denominator_period,
        store_as=args.store_as,
        title=args.title,
        unit=args.unit,
    )
    return _store_normalized(db, args, df)


def cmd_deflate(args):
    db = _open(args.snapshot)
    df = db.deflate(args.indicator, args.index, args.base, store_as=args.store_as, title=args.title, unit=args.unit)
    return _store_normalized(db, args, df)


def cmd_pack(args):
    from .pack import build_focus_pack, default_focus, summary_text

    db = _open(args.snapshot) if args.snapshot else Database(with_datasets=True)
    focus = [f.strip() for f in args.focus.split(",")] if args.focus else default_focus(db)
    if not focus:
        raise BenchError("no focus kommun: give one with --focus, e.g. --focus 1490")
    indicators = [i.strip() for i in args.indicators.split(",")] if args.indicators else None
    summary = build_focus_pack(db, focus, args.out, peers=args.peers, indicators=indicators, progress=not args.quiet)
    print(summary_text(summary))
    return 0


def parser():
    p = argparse.ArgumentParser(
        prog="kommunbench",
        description=__doc__.splitlines()[0],
        epilog="Källa: Kolada for unprocessed Kolada values; Bearbetning av data från Kolada for normalized ones.",
    )
    from . import __version__

    p.add_argument("--version", action="version", version=f"kommunbench {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    i = sub.add_parser("import", help="import files into a snapshot (created if missing)")
    i.add_argument("snapshot")
    i.add_argument("files", nargs="+")
    i.add_argument("--layout", choices=["kolada", "wide"], default="kolada", help="CSV layout")
    i.add_argument("--source", help="source label (default: the file name)")
    i.add_argument("--quiet", action="store_true")
    i.set_defaults(run=cmd_import)
    c = sub.add_parser("compare", help="rank and colour the areas for one indicator and period")
    c.add_argument("snapshot")
    c.add_argument("indicator")
    c.add_argument("period")
    c.add_argument("--gender", choices=["T", "K", "M"], default="T")
    c.add_argument(
        "--areas", help='kommuner (default), a group or kommungrupp ("Större stad"), a län ("14") or codes "0138,1490"'
    )
    c.add_argument("--direction", choices=["lower", "higher", "none"])
    c.add_argument("--focus", help="the kommun to describe, e.g. 1490")
    c.add_argument("--csv")
    c.add_argument("--xlsx")
    c.add_argument("--chart", help="write a ranking chart (PNG and SVG) to this path")
    c.add_argument("--rows", type=int, default=30, help="rows to print")
    c.set_defaults(run=cmd_compare)
    e = sub.add_parser("export", help="export values as CSV or XLSX")
    e.add_argument("snapshot")
    e.add_argument("out")
    e.add_argument("--indicator", nargs="*")
    e.add_argument("--area", nargs="*")
    e.add_argument("--period", nargs="*")
    e.add_argument("--gender", choices=["T", "K", "M", "all"], default="all")
    e.set_defaults(run=cmd_export)
    n = sub.add_parser("per-capita", help="store an indicator per invånare (per 1 000 ...) in the snapshot")
    n.add_argument("snapshot")
    n.add_argument("indicator")
    n.add_argument("--store-as", required=True, help="the id of the stored result, e.g. ASYL1000")
    n.add_argument("--population", default="N01951", help="population indicator(s), summed: N01952,N01953")
    n.add_argument("--age", help='an age band such as "0-19" or "65+"')
    n.add_argument("--scale", type=float, default=1000, help="1, 100 (%%), 1000 (default), 10000, 100000")
    n.add_argument(
        "--population-period",
        choices=["same", "previous"],
        default="same",
        help="invånare 31/12 the same year (default) or the year before",
    )
    n.add_argument("--title")
    n.add_argument("--unit")
    n.set_defaults(run=cmd_per_capita)
    r = sub.add_parser("ratio", help="store one indicator over another in the snapshot")
    r.add_argument("snapshot")
    r.add_argument("numerator")
    r.add_argument("denominator")
    r.add_argument("--store-as", required=True)
    r.add_argument("--scale", type=float, default=1, help="1 (default), 100 (%%), 1000 ...")
    r.add_argument("--denominator-period", choices=["same", "previous"], default="same")
    r.add_argument("--title")
    r.add_argument("--unit")
    r.set_defaults(run=cmd_ratio)
    d = sub.add_parser("deflate", help="store an indicator in fixed prices (fasta priser) in the snapshot")
    d.add_argument("snapshot")
    d.add_argument("indicator")
    d.add_argument("--base", required=True, help="the year whose prices the result is in, e.g. 2022")
    d.add_argument("--index", default="KPI", help="KPI (shipped, SCB) or an indicator id in the snapshot")
    d.add_argument("--store-as", required=True, help="the id of the stored result, e.g. N31001_FP")
    d.add_argument("--title")
    d.add_argument("--unit")
    d.set_defaults(run=cmd_deflate)
    k = sub.add_parser("pack", help="build the omvärldsbevakning pack for focus kommuner (HTML, PNG, SVG)")
    k.add_argument("--snapshot", help="default: the seed figures shipped with kommunbench")
    k.add_argument(
        "--focus", help="kommun codes, e.g. 1490 or 1490,0138 (default: the kommuner with their own report figures)"
    )
    k.add_argument("--peers", help='the peer set, e.g. "Större stad" (default: the SKR kommungrupp)')
    k.add_argument(
        "--indicators",
        help="the measures to rank, e.g. U33401,U35400 (default: every "
        "indicator with a direction and values for 30 kommuner)",
    )
    k.add_argument("--out", default="out")
    k.add_argument("--quiet", action="store_true", help="no progress bar")
    k.set_defaults(run=cmd_pack)
    return p


def main(argv=None):
    for stream in (sys.stdout, sys.stderr):  # a file name the terminal cannot show is escaped, not a traceback
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except BenchError as e:
        print(f"kommunbench: {e}", file=sys.stderr)
        return 1
    except (OSError, ImportError) as e:
        print(f"kommunbench: {e}", file=sys.stderr)
        return 1
