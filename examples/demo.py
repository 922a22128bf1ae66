"""The demo that `make demo` runs: the omvärldsbevakning pack built from the datasets shipped
with kommunbench alone (the area and indicator catalogues and the figures transcribed from
Borås and Tyresö reports), written to out/.

    .venv/bin/python examples/demo.py --out out
"""
import argparse

import kommunbench as kb
from kommunbench.pack import build_pack


def main():
    ap = argparse.ArgumentParser(description="Build the omvärldsbevakning demo pack.")
    ap.add_argument("--out", default="out", help="output folder (default: out)")
    args = ap.parse_args()
    with kb.Database(with_datasets=True) as db:
        charts = build_pack(db, args.out)
    print(f"wrote {len(charts)} charts and {args.out}/index.html")


if __name__ == "__main__":
    main()
