"""kommunbench on the command line: import files into a snapshot, compare, export, build the pack.

    kommunbench import db.kbsnap FILE... [--layout wide]   CSV (Kolada or wide), Kolada JSON, SCB JSON
    kommunbench compare db.kbsnap U33401 2022 --focus 1490 [--areas "Större stad"] [--csv out.csv]
    kommunbench export db.kbsnap out.csv|out.xlsx [--indicator U33401] [--area 1490]
    kommunbench pack [--snapshot db.kbsnap] [--out out]

Exit codes: 0 done, 1 the data or a file was refused (the message names file, line and
column), 2 the command line was wrong.
"""
import argparse
import json
import os
import sys

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


def cmd_import(args):
    from tqdm.auto import tqdm
    db = _open(args.snapshot, create=True)
    total = 0
    for path in tqdm(args.files, desc="importing", unit="file", disable=len(args.files) < 2 or args.quiet):
        kind = _kind_of(path)
        if kind == "csv":
            rep = db.import_csv(path, layout=args.layout, source=args.source)
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


def cmd_compare(args):
    db = _open(args.snapshot)
    areas = args.areas.split(",") if args.areas and "," in args.areas else args.areas
    c = db.compare(args.indicator, args.period, gender=args.gender, areas=areas,
                   direction=args.direction, focus=args.focus)
    if args.csv:
        c.table.to_csv(args.csv, index=False)
    if args.xlsx:
        c.table.to_excel(args.xlsx, index=False)
    if args.chart:
        from . import charts
        ind = db.indicators().set_index("id")
        unit = ind.loc[args.indicator, "unit"] if args.indicator in ind.index else ""
        charts.save(charts.ranking(c, unit=unit), args.chart)
    print(c.caption())
    if c.focus_text:
        print(c.focus_text)
    print(json.dumps(c.stats, ensure_ascii=False))
    if not (args.csv or args.xlsx):
        print(c.table.to_string(index=False, max_rows=args.rows))
    return 0


def cmd_export(args):
    db = _open(args.snapshot)
    df = db.with_labels(db.values(args.indicator, area=args.area, period=args.period,
                                  gender=None if args.gender == "all" else args.gender, kind=None))
    if args.out.lower().endswith(".xlsx"):
        df.to_excel(args.out, index=False)
    else:
        df.to_csv(args.out, index=False)
    print(f"{args.out}: {len(df)} rows")
    return 0


def cmd_pack(args):
    from .pack import build_pack
    db = _open(args.snapshot) if args.snapshot else Database(with_datasets=True)
    made = build_pack(db, args.out)
    print(f"wrote {len(made)} charts and {os.path.join(args.out, 'index.html')}")
    return 0


def parser():
    p = argparse.ArgumentParser(prog="kommunbench", description=__doc__.splitlines()[0],
                                epilog="Källa: Kolada for unprocessed Kolada values; "
                                       "Bearbetning av data från Kolada for normalized ones.")
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
    c.add_argument("--areas", help='kommuner (default), a group or kommungrupp ("Större stad"), a län ("14") or codes "0138,1490"')
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
    k = sub.add_parser("pack", help="build the omvärldsbevakning pack (HTML, PNG, SVG)")
    k.add_argument("--snapshot", help="default: the seed figures shipped with kommunbench")
    k.add_argument("--out", default="out")
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
