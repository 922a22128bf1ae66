"""A nämnd's own report tables and Öppna jämförelser sheets, turned into the report layout
and handed to the C core cell by cell (all or nothing; each cell carries its line and column in
the original document, so errors point there).

The report layout is the KOLADA CSV layout with optional columns:

    kpi,municipality,period,gender,kind,value,unit,title,source
    BORAS_IFO_SJUKFRANVARO,1490,2024,T,utfall,"7,7",%,"Andel sjukfrånvaro, %",årsredovisning 2024:1090

kind is utfall, målvärde, budget or prognos; period 2024, 2024-T1 (jan–apr), 2024-T2
(jan–aug), 2024-Q3 or 2024-03; source says where the figure stands.
"""

import csv
import io
import os
import re
import stat
import unicodedata
import zipfile
from html.parser import HTMLParser

from ._native import error, kind_name, lib
from .errors import BenchError, InvalidArgumentError

__all__ = ["report_cells", "html_tables", "tab_tables", "oj_rows", "indicator_id", "REPORT_COLUMNS"]

REPORT_COLUMNS = ["kpi", "municipality", "period", "gender", "kind", "value", "unit", "title", "source"]
# "Utfall Apr 2017" is the first tertial (jan-apr), "Aug" the second (jan-aug)
MONTH_TERTIAL = {"apr": "T1", "april": "T1", "aug": "T2", "augusti": "T2", "dec": "", "december": ""}


def indicator_id(title, prefix=""):
    """An own indicator id from a title: ASCII upper case with underscores, at most 60 chars."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^0-9A-Za-z]+", "_", ascii_text).strip("_").upper()
    return (prefix + slug)[:60].rstrip("_") or "INDICATOR"


def kind_and_period(header):
    """("utfall", "2024") from "Utfall 2024"; "Utfall T1 2018" -> 2018-T1; "Utfall Apr 2017"
    -> 2017-T1; "Målvärde 2018" -> målvärde.  None when the header is no such column."""
    words = header.strip().split()
    if len(words) < 2 or kind_name(words[0]) is None or not re.fullmatch(r"\d{4}", words[-1]):
        return None
    kind, year, middle = kind_name(words[0]), words[-1], [w.lower() for w in words[1:-1]]
    if not middle:
        return kind, year
    if len(middle) == 1 and re.fullmatch(r"t[1-3]", middle[0]):
        return kind, f"{year}-{middle[0].upper()}"
    if len(middle) == 1 and middle[0] in MONTH_TERTIAL:
        t = MONTH_TERTIAL[middle[0]]
        return kind, f"{year}-{t}" if t else year
    return None


def unit_of(text):
    m = re.search(r"\(([^()]{1,12})\)\s*$", text.strip())
    if m:
        return m.group(1)
    return "%" if text.strip().endswith("%") else ""


class _Tables(HTMLParser):
    """The <table>s of a document read as HTML5 does: a <td>/<th> closes the open cell, a <tr>
    the open row, </table> both (so optional end tags may be left out).  Each table has its
    caption, header rows (in <thead> or all <th>), body rows (cells and line), the tables
    inside its cells as (line, column) and, when the document ends inside it, `ended_in`."""

    # content a browser does not show as text: skipped with every tag inside it
    HIDDEN_CONTENT = ("script", "style", "template", "textarea", "noscript")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables, self.open = [], []  # all tables in document order; the open ones, innermost last
        self.skip, self.skip_depth = None, 0  # inside <script> etc.: its tag and nesting
        self.hidden_depth = 0  # inside a hidden cell or row (hidden attribute, display: none)

    @staticmethod
    def _hidden(attrs):
        a = dict(attrs)
        style = (a.get("style") or "").replace(" ", "").lower()
        return "hidden" in a or "display:none" in style

    def handle_startendtag(self, tag, attrs):
        if tag not in self.HIDDEN_CONTENT:  # <script/> opens nothing
            self.handle_starttag(tag, attrs)
            if tag not in ("td", "th", "tr", "table", "caption", "thead", "tbody", "tfoot"):
                self.handle_endtag(tag)

    def handle_starttag(self, tag, attrs):
        if self.skip:
            self.skip_depth += tag == self.skip
            return
        if tag in self.HIDDEN_CONTENT:
            self.skip, self.skip_depth = tag, 1
            return
        line = self.getpos()[0]
        t = self.open[-1] if self.open else None
        if t is not None and t["cell"] is not None and tag in ("sup", "sub"):
            t["cell"].append(" ")  # 12<sup>1</sup> shows as 12¹, a footnote mark: never 121
            return
        if tag in ("td", "th", "tr") and t is not None and self._hidden(attrs):
            if tag == "tr":
                self._end_row(t)
            else:
                self._end_cell(t)
            self.hidden_depth = 1
            t["hidden_tag"] = tag
            return
        if tag in ("td", "th", "tr", "table") and self.hidden_depth and t is not None:
            if tag == "tr" or (tag in ("td", "th") and t.get("hidden_tag") != "tr"):
                self.hidden_depth = 0  # the next cell or row ends a hidden one (optional end tags)
            else:
                return
        if tag == "table":
            if t is not None and t["cell"] is not None:
                t["nested"].append((line, len(t["row"]["cells"]) + 1))
            elif t is not None:
                self._end_table()  # a <table> in a table but outside a cell ends that table
            t = {
                "caption": "",
                "header": [],
                "rows": [],
                "line": line,
                "nested": [],
                "ended_in": None,
                "row": None,
                "cell": None,
                "in_caption": False,
                "in_head": False,
            }
            self.tables.append(t)
            self.open.append(t)
        elif t is None:
            return
        elif tag == "caption":
            self._end_row(t)
            t["in_caption"] = True
        elif tag in ("thead", "tbody", "tfoot", "tr"):
            self._end_row(t)
            t["in_caption"] = False
            if tag == "tr":
                t["row"] = {"cells": [], "line": line, "all_th": True}
            else:
                t["in_head"] = tag == "thead"
        elif tag in ("td", "th"):
            self._end_cell(t)
            t["in_caption"] = False
            if t["row"] is None:  # a cell outside a row opens one
                t["row"] = {"cells": [], "line": line, "all_th": True}
            t["row"]["all_th"] &= tag == "th"
            t["cell"], t["cell_line"] = [], line
            span = dict(attrs).get("colspan") or "1"
            t["span"] = int(span) if span.strip().isdigit() and 1 < int(span) <= 1000 else 1

    def handle_endtag(self, tag):
        if self.skip:
            if tag == self.skip:
                self.skip_depth -= 1
                if not self.skip_depth:
                    self.skip = None
            return
        if not self.open:
            return
        t = self.open[-1]
        if self.hidden_depth:
            if tag == t.get("hidden_tag") or tag == "table":
                self.hidden_depth = 0
            if tag != "table":
                return
        if t["cell"] is not None and tag in ("sup", "sub"):
            t["cell"].append(" ")
            return
        if tag == "table":
            self._end_table()
        elif tag == "caption":
            t["in_caption"] = False
        elif tag in ("td", "th"):
            self._end_cell(t)
        elif tag in ("tr", "thead", "tbody", "tfoot"):
            self._end_row(t)
            t["in_head"] = t["in_head"] and tag == "tr"

    def handle_data(self, data):
        if not self.open or self.skip or self.hidden_depth:
            return
        t = self.open[-1]
        if t["cell"] is not None:
            t["cell"].append(data)
        elif t["in_caption"]:
            t["caption"] += data

    def close(self):
        super().close()
        while self.open:  # the document ends inside these tables
            t = self.open[-1]
            row = t["row"]
            t["ended_in"] = (row["line"], len(row["cells"]) + (t["cell"] is not None) or 1) if row else (t["line"], 1)
            self._end_table()

    def _end_cell(self, t):
        if t["cell"] is not None:
            text = " ".join("".join(t["cell"]).split())
            t["row"]["cells"].append(text)
            span = t.get("span", 1)
            if span > 1:  # a cell over several columns: the columns after it stay in place
                if t["in_head"] or t["row"]["all_th"]:
                    t["row"]["cells"] += [text] * (span - 1)
                else:
                    t["row"].setdefault("spans", []).append((len(t["row"]["cells"]), span, text))
                    t["row"]["cells"] += [""] * (span - 1)
            lines = t["row"].setdefault("lines", [])  # the line each cell starts on
            lines += [t.get("cell_line") or t["row"]["line"]] * (len(t["row"]["cells"]) - len(lines))
            t["cell"], t["span"] = None, 1

    def _end_row(self, t):
        self._end_cell(t)
        row, t["row"] = t["row"], None
        if row and row["cells"]:
            (t["header"] if t["in_head"] or row["all_th"] else t["rows"]).append(row)

    def _end_table(self):
        self._end_row(self.open.pop())


def html_tables(text, area, name, prefix="", ids=None):
    """Rows of the report layout from the HTML "Data for Indikator" tables of a report: one
    table per indicator, a year column and one column per kind ("Utfall (%)").  A cell under
    no header, a year twice for one indicator, a table inside a value cell or a document
    ending inside a table is a ParseError at its line and cell."""
    parser = _Tables()
    parser.feed(text)
    parser.close()
    rows, problems, seen = [], [], {}
    for t in parser.tables:
        title = re.sub(r"^\s*Data for Indikator\s*\d*\s*:\s*", "", t["caption"]).strip()
        if title and t["ended_in"]:
            problems.append(t["ended_in"] + (f"the document ends inside the table {title!r}; is the file cut off?",))
        if not title or not t["header"]:
            continue
        head = t["header"][0]["cells"]
        kinds = [(kind_name(h.split()[0]) if h.split() else None) for h in head]
        if not any(kinds[1:]):
            continue  # no Utfall, Målvärde, ... column: no indicator table
        problems += [
            (line, column, f"a table inside a cell is not read (in the table {title!r}); move it out of the cell")
            for line, column in t["nested"]
        ]
        kpi = (ids or {}).get(title) or indicator_id(title, prefix)
        for r in t["rows"]:
            line, period = r["line"], r["cells"][0]
            lines = r.get("lines") or [line] * len(r["cells"])
            for column, span, text in r.get("spans", []):
                if text and column > 1:
                    problems.append(
                        (line, column, f"the value {text!r} spans {span} columns (colspan): which column is meant?")
                    )
            for j, cell in enumerate(r["cells"][1:], start=1):
                if j >= len(kinds):
                    if cell:
                        problems.append(
                            (
                                line,
                                j + 1,
                                f"the cell {cell!r} stands under no header column "
                                f"(the table {title!r} has {len(kinds)} columns)",
                            )
                        )
                    continue
                if not kinds[j]:
                    continue
                first = seen.setdefault((kpi, period, kinds[j]), r)
                if first is not r:
                    problems.append(
                        (
                            line,
                            1,
                            f"the year {period} stands twice for {title!r}, on line {first['line']} and on line {line}",
                        )
                    )
                rows.append(
                    {
                        "kpi": kpi,
                        "municipality": area,
                        "period": period,
                        "gender": "T",
                        "kind": kinds[j],
                        "value": cell,
                        "unit": unit_of(head[j]) or unit_of(title),
                        "title": title,
                        "source": f"{name}:{line}",
                        "_place": (lines[j], j + 1),
                        "_places": {"period": (lines[0], 1)},
                    }
                )
    if problems:
        line, column, message = min(problems, key=lambda p: p[:2])  # the first in the document
        raise error(
            lib.BENCH_EPARSE, f"{name}:{line}:{column}: {message}", file=name, line=line, column=column, text=message
        )
    return rows


def is_value(text):
    """A number as libbench reads it ("7,1", "2 594", "12 %") or a missing marker ("..")."""
    from ._native import ffi, lib

    raw = text.encode("utf-8")
    value = ffi.new("double *")
    return (
        lib.bench_parse_number(value, ffi.NULL, raw, len(raw)) == lib.BENCH_OK
        or lib.bench_missing_marker(raw, len(raw)) >= 0
    )


def tab_tables(text, area, name, prefix="", ids=None, skipped=None):
    """Rows of the report layout from tab-separated tables whose header names kinds and
    periods ("Verksamhetsmått, Utfall 2022, Utfall 2023, Budget 2024, Utfall 2024"): each
    following line up to a blank line is an indicator with its values.  A line whose cells
    hold words instead of numbers ("Ja", "Bedömning ej gjord") is no measure: it is left out
    and listed in `skipped` as (line, title)."""
    rows = []
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        cells = lines[i].rstrip("\r").split("\t")
        columns = {j: kind_and_period(c) for j, c in enumerate(cells) if j and kind_and_period(c)}
        if len(cells) < 2 or not columns:
            i += 1
            continue
        i += 1
        while i < len(lines) and lines[i].strip() and "\t" in lines[i]:
            row = lines[i].rstrip("\r").split("\t")
            title = re.sub(r"^[■◆\s]+", "", row[0]).strip().rstrip(".")
            words = [
                row[j].strip() for j in columns if j < len(row) and row[j].strip() and not is_value(row[j].strip())
            ]
            if words and skipped is not None:
                skipped.append((i + 1, title))
            if title and not title.startswith("<") and not words:
                kpi = (ids or {}).get(title) or indicator_id(title, prefix)
                for j, (kind, period) in columns.items():
                    value = row[j].strip() if j < len(row) else ""
                    if not value:
                        continue  # an empty cell: nothing reported for that column
                    rows.append(
                        {
                            "kpi": kpi,
                            "municipality": area,
                            "period": period,
                            "gender": "T",
                            "kind": kind,
                            "value": value,
                            "unit": unit_of(title),
                            "title": title,
                            "source": f"{name}:{i + 1}",
                            "_place": (i + 1, j + 1),
                        }
                    )
            i += 1
    return rows


def oj_rows(table, name, period=None, prefix="OJ_", catalogue=None):
    """Rows of the report layout from an Öppna jämförelser sheet: a header block, then a
    header row naming the kommun column and one column per indicator, then one row per
    kommun.  `table` is a list of rows (lists of cell values); kommuner are matched by
    code or by name.  The period is read from the header block when not given."""
    codes = {}
    if catalogue is not None:
        kommuner = catalogue[catalogue["type"] == "kommun"]
        codes = {n.lower(): c for c, n in zip(kommuner["code"], kommuner["name"])}
    header_at = None
    for k, row in enumerate(table):
        cells = [str(c).strip().lower() if c is not None else "" for c in row]
        if any(c in ("kommun", "kommunnamn", "kommunkod", "kod", "område") for c in cells):
            header_at = k
            break
    if header_at is None:
        raise error(lib.BENCH_EPARSE, f"{name}: no header row naming the kommun column (Kommun, Kommunkod)", file=name)
    if period is None:
        years = re.findall(r"\b(19\d\d|20\d\d)\b", " ".join(str(c) for r in table[:header_at] for c in r if c))
        if not years:
            raise InvalidArgumentError(f"{name}: the sheet does not say its year; pass period=")
        period = years[-1]
    header = [str(c).strip() if c is not None else "" for c in table[header_at]]
    lower = [h.lower() for h in header]
    code_col = next((j for j, h in enumerate(lower) if h in ("kommunkod", "kod")), None)
    name_col = next((j for j, h in enumerate(lower) if h in ("kommun", "kommunnamn", "område")), None)
    value_cols = [j for j, h in enumerate(header) if h and j not in (code_col, name_col)]
    body = [[("" if c is None else str(c).strip()) for c in row] + [""] * len(header) for row in table[header_at + 1 :]]
    yes_no = _yes_no_columns(body, value_cols)
    rows = []
    for k, cells in enumerate(body, start=header_at + 2):
        code = cells[code_col] if code_col is not None else ""
        code_at = (k, code_col + 1) if code else None
        if not code and name_col is not None:
            code = codes.get(cells[name_col].lower(), "")
            code_at = (k, name_col + 1)
        if not code:
            if (
                any(cells[j] for j in value_cols)
                and name_col is not None
                and cells[name_col]
                and cells[name_col].lower() not in ("riket", "samtliga kommuner", "totalt")
            ):
                raise error(
                    lib.BENCH_EPARSE, f"{name}:{k}: {cells[name_col]!r} is no kommun name or code", file=name, line=k
                )
            continue  # a blank or summary row
        for j in value_cols:
            value, unit = cells[j], unit_of(header[j])
            if j in yes_no:  # as Kolada reads them: Ja = 1, Nej = 0
                value, unit = YES_NO.get(value.casefold(), value), "ja/nej"
            rows.append(
                {
                    "kpi": indicator_id(header[j], prefix),
                    "municipality": code,
                    "period": str(period),
                    "gender": "T",
                    "kind": "utfall",
                    "value": value,
                    "unit": unit,
                    "title": header[j],
                    "source": f"{name}:{k}",
                    "_place": (k, j + 1),
                    "_places": {"municipality": code_at},
                }
            )
    return rows


YES_NO = {"ja": "1", "nej": "0"}
# what a sheet writes for "no value": the C core reads these as missing, bortfall, ej
# tillämplig and sekretess
_NO_VALUE = {"", "-", "–", "−", ".", "..", "na", "n/a", "nan", "null"}


def _yes_no_columns(body, value_cols):
    """The columns whose values are all Ja or Nej (any case), besides cells without a value."""
    out = set()
    for j in value_cols:
        words = {cells[j].casefold() for cells in body} - _NO_VALUE
        if words and words <= set(YES_NO):
            out.add(j)
    return out


def report_cells(rows):
    """Rows of the report layout as the cells of one table for bench_import_cells: the layout's
    header, then each row's cells with their place (line, column) in the document, so that an
    error names the document's own line and column.  Returns (cells, count, keep): `keep`
    holds the cells' bytes alive for the length of the call."""
    from ._native import ffi

    texts, places = [], []
    for r in rows:
        own = r.get("_places", {})
        for column in REPORT_COLUMNS:
            value = r.get(column)
            texts.append("" if value is None else str(value))
            places.append(own.get(column) or r.get("_place") or (0, 0))
    n_columns = len(REPORT_COLUMNS)
    header = [c.encode() for c in REPORT_COLUMNS]  # the layout's header: not in the document
    encoded = header + [t.encode("utf-8", "surrogatepass") for t in texts]
    blob = ffi.new("char[]", b"".join(encoded) or b"\0")
    cells = ffi.new("bench_cell[]", max(1, len(encoded)))
    at = 0
    for i, raw in enumerate(encoded):
        cell = cells[i]
        cell.text, cell.len = blob + at, len(raw)
        cell.row, cell.col = divmod(i, n_columns)
        if i >= n_columns:
            cell.line, cell.column = places[i - n_columns]
        at += len(raw)
    return cells, len(encoded), blob


def label_of(name):
    """A document's name as a source label a snapshot keeps: tabs, newlines, other control
    characters and undecodable bytes become U+FFFD, at most 4 000 bytes (the line is added)."""
    text = (
        "".join(
            "\ufffd" if ord(ch) < 0x20 or ord(ch) == 0x7F or 0xD800 <= ord(ch) <= 0xDFFF or ch == "\ufeff" else ch
            for ch in str(name)
        )
        or "<unnamed>"
    )
    return text.encode("utf-8")[:4000].decode("utf-8", "ignore")


def regular_file(path):
    """The path as str or bytes, after checking that it names a regular file: a FIFO, a device or a
    directory is refused from its stat() before it is opened (a FIFO would block, /dev/zero never
    ends).  A NUL byte in the path is an InvalidArgumentError."""
    try:
        path = os.fspath(path)
    except TypeError:
        raise InvalidArgumentError(f"expected a path, got {type(path).__name__}") from None
    name = os.path.basename(path)
    if ("\0" if isinstance(path, str) else b"\0") in path:
        raise InvalidArgumentError(f"{name!r}: a path with a NUL byte")
    try:
        st = os.stat(path)
    except OSError as e:
        raise error(lib.BENCH_EIO, f"{os.fsdecode(path)}: cannot open: {e.strerror}", file=os.fsdecode(path)) from None
    if not stat.S_ISREG(st.st_mode):
        what = (
            "a directory"
            if stat.S_ISDIR(st.st_mode)
            else "a FIFO (named pipe)"
            if stat.S_ISFIFO(st.st_mode)
            else "a device"
            if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode)
            else "a special file"
        )
        raise error(lib.BENCH_EIO, f"{os.fsdecode(path)}: not a regular file: it is {what}", file=os.fsdecode(path))
    return path


def read_bounded(path, max_bytes=None):
    """The bytes of a regular file, refused (LimitError) past max_bytes without reading more."""
    path = regular_file(path)
    name = os.path.basename(os.fsdecode(path))
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
        with os.fdopen(fd, "rb") as f:
            if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):  # swapped meanwhile
                raise error(lib.BENCH_EIO, f"{os.fsdecode(path)}: not a regular file", file=os.fsdecode(path))
            data = f.read() if max_bytes is None else f.read(max_bytes + 1)
    except OSError as e:
        raise error(lib.BENCH_EIO, f"{os.fsdecode(path)}: cannot read: {e.strerror}", file=os.fsdecode(path)) from None
    if max_bytes is not None and len(data) > max_bytes:
        raise error(
            lib.BENCH_ELIMIT,
            f"{name}: the document is larger than the limit of {max_bytes} bytes (max_input_bytes)",
            file=name,
        )
    return data


def read_document(path_or_text, max_bytes=None):
    """(text, name) of a path or of text given directly.  A document larger than max_bytes
    is refused before it is read; bytes that are not UTF-8 are named by line and column."""
    if isinstance(path_or_text, str) and ("\n" in path_or_text or "<table" in path_or_text):
        data, name = path_or_text.encode("utf-8", "surrogatepass"), "<text>"
    elif isinstance(path_or_text, bytes):
        data, name = path_or_text, "<text>"
    else:
        path = regular_file(path_or_text)  # an InvalidArgumentError for what is no path
        name = os.path.basename(os.fsdecode(path))
        data = read_bounded(path, max_bytes)
    if max_bytes is not None and len(data) > max_bytes:
        raise error(
            lib.BENCH_ELIMIT,
            f"{name}: the document is larger than the limit of {max_bytes} bytes (max_input_bytes)",
            file=name,
        )
    try:
        return data.decode("utf-8-sig"), name
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        column = len(data[data.rfind(b"\n", 0, e.start) + 1 : e.start].decode("utf-8", "replace")) + 1
        raise error(
            lib.BENCH_EPARSE,
            f"{name}:{line}:{column}: not UTF-8 (byte 0x{data[e.start]:02X}); save the document as UTF-8",
            file=name,
            line=line,
            column=column,
        ) from None


BOMB_FLOOR = 64 << 20  # an .xlsx may unpack to this much whatever its ratio
BOMB_RATIO = 100  # real sheets compress 5 to 20 times


def check_xlsx(path, max_bytes, max_rows=None):
    """Refuse an .xlsx whose parts would unpack to more than max_bytes (a zip bomb, a huge
    shared-strings table) before openpyxl reads any of it.  A zip's member sizes are what
    Python's zipfile stops at, so the declared sizes bound what is read."""
    name = os.path.basename(os.fsdecode(os.fspath(path)))
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError) as e:
        raise error(lib.BENCH_EPARSE, f"{name}: not a readable .xlsx (zip) file: {e}", file=name) from None
    except OSError as e:
        raise error(lib.BENCH_EIO, f"{name}: cannot read: {e.strerror or e}", file=name) from None
    if max_rows is not None and len(infos) > 10000:
        raise error(lib.BENCH_ELIMIT, f"{name}: {len(infos)} parts in the .xlsx, more than 10000", file=name)
    total = sum(i.file_size for i in infos)
    packed = max(1, os.path.getsize(path))
    if total > BOMB_FLOOR and total > BOMB_RATIO * packed:
        raise error(
            lib.BENCH_ELIMIT,
            f"{name}: the .xlsx unpacks to {total} bytes, {total // packed} times its size: refused as a zip bomb",
            file=name,
        )
    if max_bytes is not None and total > max_bytes:
        biggest = max(infos, key=lambda i: i.file_size)
        raise error(
            lib.BENCH_ELIMIT,
            f"{name}: the .xlsx unpacks to {total} bytes ({biggest.filename}: {biggest.file_size}), "
            f"more than the limit of {max_bytes} bytes (max_input_bytes)",
            file=name,
        )


def _no_formula_without_value(openpyxl, path, sheet, blanks, name):
    """A formula cell whose value was never calculated (the file was written by a program, not
    saved by Excel) reads as empty: that is an error, not a missing value."""
    wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        ws = wb[sheet] if sheet else wb.worksheets[0]
        if hasattr(ws, "reset_dimensions"):
            ws.reset_dimensions()
        for r in ws.iter_rows():
            for c in r:
                if (
                    getattr(c, "data_type", None) == "f"
                    and (getattr(c, "row", None), getattr(c, "column", None)) in blanks
                ):
                    ref = f"{openpyxl.utils.get_column_letter(c.column)}{c.row}"
                    raise error(
                        lib.BENCH_EPARSE,
                        f"{name}:{c.row}:{c.column}: the cell {ref} holds a formula ({c.value}) "
                        "without a calculated value; open and save the file in Excel",
                        file=name,
                        line=c.row,
                        column=c.column,
                    )
    finally:
        wb.close()


def read_sheet(path, sheet=None, max_bytes=None, max_rows=None):
    """Rows of cell values from an .xlsx (openpyxl) or a .csv file (delimiter sniffed).  The file
    must be a regular file; max_bytes bounds the file and what an .xlsx unpacks to, max_rows the
    rows read (the sheet's own <dimension> is not trusted)."""
    path = regular_file(path)
    name = os.path.basename(os.fsdecode(path))

    def too_many():
        return error(lib.BENCH_ELIMIT, f"{name}: more than {max_rows} rows (max_rows)", file=name)

    if os.fsdecode(path).lower().endswith((".xlsx", ".xlsm")):
        try:
            import openpyxl
        except ImportError as e:  # pragma: no cover
            raise BenchError("reading .xlsx needs openpyxl: pip install openpyxl") from e
        if max_bytes is not None and os.path.getsize(path) > max_bytes:
            raise error(
                lib.BENCH_ELIMIT,
                f"{name}: the file is larger than the limit of {max_bytes} bytes (max_input_bytes)",
                file=name,
            )
        check_xlsx(path, max_bytes, max_rows)
        try:
            wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
            try:
                if sheet and sheet not in wb.sheetnames:
                    raise InvalidArgumentError(f"{name}: no sheet {sheet!r}; the sheets are {wb.sheetnames}")
                ws = wb[sheet] if sheet else wb.worksheets[0]
                if hasattr(ws, "reset_dimensions"):
                    ws.reset_dimensions()  # a stale <dimension> must not cut rows or columns off
                rows, blanks = [], []
                for r in ws.iter_rows():
                    if max_rows is not None and len(rows) >= max_rows:
                        raise too_many()
                    values = []
                    for c in r:
                        v = getattr(c, "value", None)
                        fmt = getattr(c, "number_format", None) or ""
                        if isinstance(v, (int, float)) and not isinstance(v, bool) and "%" in fmt:
                            v = round(v * 100, 12)  # 0.125 shown as 12,5 %: the sheet's figure is 12.5
                        if v is None and getattr(c, "row", None):
                            blanks.append((c.row, c.column))
                        values.append(v)
                    rows.append(values)
            finally:
                wb.close()
            if blanks:
                _no_formula_without_value(openpyxl, path, sheet, set(blanks), name)
        except BenchError:
            raise
        except (zipfile.BadZipFile, KeyError, ValueError, TypeError, IndexError, OSError, EOFError) as e:
            raise error(lib.BENCH_EPARSE, f"{name}: not a readable .xlsx file: {e}", file=name) from None
        except Exception as e:  # XML errors from the parser openpyxl uses
            if type(e).__name__ in ("ParseError", "XMLSyntaxError", "ExpatError"):
                raise error(lib.BENCH_EPARSE, f"{name}: not a readable .xlsx file: {e}", file=name) from None
            raise
        return rows
    data = read_bounded(path, max_bytes)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise error(
            lib.BENCH_EPARSE,
            f"{name}:{line}: not UTF-8 (byte 0x{data[e.start]:02X}); save the sheet as UTF-8",
            file=name,
            line=line,
        ) from None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        rows = []
        for r in csv.reader(io.StringIO(text), dialect):
            if max_rows is not None and len(rows) >= max_rows:
                raise too_many()
            rows.append(r)
        return rows
    except csv.Error as e:
        raise error(lib.BENCH_EPARSE, f"{name}: not a readable CSV sheet: {e}", file=name) from None
