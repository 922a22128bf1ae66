"""Database: the store of observations, with importers, queries and normalization."""

import os
import threading
import warnings
from dataclasses import dataclass, field

import pandas as pd

from ._native import HANDLE as _DB
from ._native import (
    CStrings,
    Frame,
    area_code,
    area_type_name,
    check,
    ctext,
    direction_code,
    direction_name,
    error,
    ffi,
    gender_code,
    gender_name,
    kind_code,
    lib,
    text,
)
from .compare import PROCESSED_CAPTION, Comparison, resolve_area, resolve_areas
from .errors import ClosedError, InvalidArgumentError, UnitWarning
from .population import population_terms, single_year_terms

__all__ = ["Database", "ImportReport"]

_LAYOUTS = {"kolada": lib.BENCH_CSV_KOLADA, "wide": lib.BENCH_CSV_WIDE}


@dataclass
class ImportReport:
    """What an import did.  `errors` lists (line, column, message) of the first problems."""

    source: str
    rows_read: int = 0
    accepted: int = 0
    replaced: int = 0
    skipped: int = 0
    skipped_blank: int = 0
    skipped_filtered: int = 0
    skipped_deleted: int = 0
    missing: int = 0
    errors: list = field(default_factory=list)

    @classmethod
    def _from_c(cls, source, rep):
        errors = [
            (int(e.line) or None, int(e.column) or None, text(e.message))
            for e in list(rep.errors)[: min(rep.n_errors, lib.BENCH_IMPORT_MAX_ERRORS)]
        ]
        return cls(
            source,
            int(rep.rows_read),
            int(rep.accepted),
            int(rep.replaced),
            int(rep.skipped),
            int(rep.skipped_blank),
            int(rep.skipped_filtered),
            int(rep.skipped_deleted),
            int(rep.missing),
            errors,
        )

    def __str__(self):
        lines = [
            f"{self.source}: {self.rows_read} rows read, {self.accepted} observations "
            f"accepted ({self.missing} without a value, {self.replaced} replaced), "
            f"{self.skipped} rows skipped"
        ]
        lines += [f"  line {line}, column {column}: {message}" for line, column, message in self.errors]
        return "\n".join(lines)


def _cpath(path):
    """A path for the C core: bytes without NUL (a NUL would silently cut the path short)."""
    try:
        raw = os.fsencode(os.fspath(path))
    except TypeError:
        raise InvalidArgumentError(f"expected a path, got {type(path).__name__}") from None
    if b"\0" in raw:
        raise InvalidArgumentError(f"{os.fsdecode(raw)!r}: a path with a NUL byte")
    return raw


def _codes(value, name):
    """None, one code or an iterable of codes -> list of str.  Ints are years/periods."""
    if value is None:
        return None
    if isinstance(value, (str, int)):
        value = [value]
    out = []
    for v in value:
        if isinstance(v, bool) or not isinstance(v, (str, int)):
            raise InvalidArgumentError(f"{name}: expected a code as str, got {v!r}")
        out.append(str(v))
    return out


_COLOUR_MODES = {"rank": lib.BENCH_COLOURS_RANK, "significance": lib.BENCH_COLOURS_SIGNIFICANCE}
_DENOMINATOR_PERIODS = {"same": lib.BENCH_DENOMINATOR_SAME, "previous": lib.BENCH_DENOMINATOR_PREVIOUS}


def _denominator_period(value, name):
    if value not in _DENOMINATOR_PERIODS:
        raise InvalidArgumentError(
            f"{name} must be 'same' (31/12 the same year) or 'previous' (31/12 the year before), not {value!r}"
        )
    return _DENOMINATOR_PERIODS[value]


def _direction(value, unset, unset_word, what="direction"):
    """A direction for the C core: None is `unset` (the catalogue's, none ...), `unset_word`
    ("inherit", "keep") BENCH_DIRECTION_DEFAULT, else a word C reads (higher, lower, none)."""
    if value is None:
        return unset
    if unset_word is not None and value == unset_word:
        return lib.BENCH_DIRECTION_DEFAULT
    return direction_code(value, what, ["None"] + ([repr(unset_word)] if unset_word else []))


def _stored_direction(value):
    return _direction(value, lib.BENCH_DIRECTION_NONE, "inherit")


def _compare_direction(value):
    return _direction(value, lib.BENCH_DIRECTION_DEFAULT, None)


def _mask(value, code, name):
    """The bit mask of one or more genders or kinds (None: all of them, 0)."""
    if value is None:
        return 0
    mask = 0
    for v in _codes(value, name):
        mask |= 1 << code(v)
    return mask


MIN_COVERAGE = float(lib.BENCH_MIN_COVERAGE_DEFAULT)


def _coverage(value):
    if value is None:
        return MIN_COVERAGE
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise InvalidArgumentError(f"min_coverage must be a share from 0 to 1 (0: rank always), not {value!r}")
    return float(value)


def _level(value):
    if value is None:
        return 0.0
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < 1:
        raise InvalidArgumentError(f"ci must be a confidence level between 0 and 1 such as 0.95, not {value!r}")
    return float(value)


def _scale(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidArgumentError(f"scale must be a number such as 1, 100, 1000 or 10000, not {value!r}")
    return float(value)


LIMITS = {
    "max_field_bytes": "longest field (a record may hold four times that); default 1 MiB",
    "max_columns": "most columns in a CSV file; default 4096",
    "max_rows": "most data rows one import reads; default 200 000 000",
    "max_input_bytes": "largest file or buffer one import reads; default 8 GiB",
    "max_json_depth": "deepest nesting of JSON arrays and objects; default 64, at most 1000",
}


def _limit_options(limits):
    """A bench_db_options with the given limits set and the others 0 (default / unchanged)."""
    opts = ffi.new("bench_db_options *")
    opts.version = lib.BENCH_DB_OPTIONS_VERSION
    for name, value in limits.items():
        if name not in LIMITS:
            raise InvalidArgumentError(f"unknown limit {name!r}: expected one of {', '.join(LIMITS)}")
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise InvalidArgumentError(f"{name}: expected a positive int, got {value!r}")
        try:
            setattr(opts, name, value)
        except OverflowError:
            raise InvalidArgumentError(f"{name}: {value} is too large") from None
    return opts


def _import_report(status, db, rep, name):
    """The ImportReport of a C import named `name`; a failed import raises, the report attached."""
    report = ImportReport._from_c(name, rep)
    check(status, db, errors=report.errors, report=report)
    return report


class Database:
    """An in-memory database of municipal indicators.

    >>> with Database() as db:
    ...     rep = db.import_csv("u33401.csv", layout="wide")
    ...     df = db.values("U33401", area="1490")

    A Database may be shared between threads: calls are serialized by a lock.
    """

    def __init__(self, with_datasets=False, *, catalogue=True, **limits):
        """`limits` (see LIMITS) bound what any import of this Database reads; input
        beyond one is refused with LimitError and the Database stays as it was."""
        opts = _limit_options(limits)
        opts.load_catalogue = 1 if catalogue else 0
        out = ffi.new("bench_db **")
        err = ffi.new("bench_error *")
        check(lib.bench_db_new(out, opts, err), err=err)
        self._ptr = out[0]
        self._lock = threading.RLock()
        self.last_report = None  # the ImportReport of the last kolada.fetch_* into this Database
        if with_datasets:
            from .datasets import load_seed_datasets

            load_seed_datasets(self)

    @classmethod
    def open(cls, path):
        """Open a snapshot written by save(): the file is mapped and checked (magic,
        version, byte order, checksum, every offset and code), then used in place."""
        self = cls.__new__(cls)
        out = ffi.new("bench_db **")
        err = ffi.new("bench_error *")
        check(lib.bench_db_open(out, _cpath(path), err), err=err)
        self._ptr = out[0]
        self._lock = threading.RLock()
        self.last_report = None
        return self

    def save(self, path):
        """Write the whole database to a binary snapshot (atomically replaced)."""
        self._call(lib.bench_db_save, _DB, _cpath(path))

    @property
    def limits(self):
        """The limits of this Database, as a dict (see LIMITS)."""
        with self._lock:
            opts = ffi.new("bench_db_options *")
            lib.bench_db_limits(opts, self._db())
            return {name: int(getattr(opts, name)) for name in LIMITS}

    def set_limits(self, **limits):
        """Change some limits for the imports that follow, e.g. set_limits(max_rows=10_000)."""
        self._call(lib.bench_db_set_limits, _DB, _limit_options(limits))

    # ---- lifetime -----------------------------------------------------------

    def close(self):
        """Free the C database.  Frames and DataFrames made earlier stay valid."""
        with self._lock:
            if self._ptr is not None:
                lib.bench_db_free(self._ptr)
                self._ptr = None

    @property
    def closed(self):
        return self._ptr is None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        if getattr(self, "_ptr", None) is not None and hasattr(self, "_lock"):
            self.close()

    def _db(self):
        if self._ptr is None:
            raise ClosedError("the Database is closed", code=int(lib.BENCH_EINVAL))
        return self._ptr

    def _call(self, function, *args):
        """function(*args) with the handle in place of _DB, under the lock; a failure raises."""
        with self._lock:
            db = self._db()
            check(function(*(db if a is _DB else a for a in args)), db)

    def _frame(self, function, *args):
        """The Frame of function(out, *args), called as _call does."""
        out = ffi.new("bench_frame **")
        self._call(function, out, *args)
        return Frame(out[0])

    def __len__(self):
        with self._lock:
            return int(lib.bench_db_count(self._db()))

    def __repr__(self):
        if self._ptr is None:
            return "<kommunbench.Database closed>"
        return f"<kommunbench.Database {len(self)} observations>"

    # ---- import -------------------------------------------------------------

    def import_csv(
        self,
        path,
        layout="kolada",
        *,
        source=None,
        delimiter=None,
        area=None,
        period=None,
        gender=None,
        values=None,
        indicator=None,
        kind="utfall",
        genders=None,
        source_column=None,
    ):
        """Import a CSV file (path) or CSV text (bytes or str containing a newline).

        layout="kolada": columns kpi, municipality, period, gender, value, count, status.
        layout="wide": area and period columns (e.g. geo, year) and one column per indicator
        (e.g. u33401); `values` names the indicator columns, `indicator` renames a single one.
        `area`, `period` and `gender` name those columns when their names are unusual.
        `genders` keeps only some series ("T", or ["K", "M"]); other rows are skipped.
        `source` labels the rows (default: the file name); `source_column` names a column
        that gives each row its own source.
        An import is all or nothing; errors raise ParseError naming file:line:column.
        """
        if layout not in _LAYOUTS:
            raise InvalidArgumentError(f"layout must be 'kolada' or 'wide', not {layout!r}")
        opts = ffi.new("bench_csv_options *")
        opts.version = lib.BENCH_CSV_OPTIONS_VERSION
        opts.layout = _LAYOUTS[layout]
        opts.kind = kind_code(kind)
        if delimiter is not None:
            if delimiter not in (",", ";", "\t", "|"):
                raise InvalidArgumentError("delimiter must be ',', ';', '\\t' or '|'")
            opts.delimiter = delimiter.encode()
        keep = CStrings()
        opts.source = keep(source)
        opts.area_column = keep(area)
        opts.period_column = keep(period)
        opts.gender_column = keep(gender)
        opts.indicator = keep(indicator)
        opts.source_column = keep(source_column)
        opts.value_columns, opts.n_value_columns = keep.array(_codes(values, "values"))
        if genders is not None:
            opts.gender_mask = _mask(genders, gender_code, "genders")
        if isinstance(path, str) and "\n" in path:  # CSV text given directly
            path = path.encode("utf-8")
        return self._import_bytes_or_path(path, source, opts, lib.bench_import_csv_buffer, lib.bench_import_csv_file)

    def import_kolada_json(self, path_or_bytes, source=None, include_deleted=False):
        """Import a Kolada API response (v2 or v3), from a path or bytes: data responses
        ({values: [{kpi, municipality, period, values: [{gender, value, count, status}]}]}),
        or metadata from /kpi (titles, units), /municipality and /municipality_groups (groups
        usable as area sets).  Rows flagged deleted are skipped and counted unless
        include_deleted.  All or nothing; errors name line and column or a JSON path."""
        opts = ffi.new("bench_json_options *")
        opts.version = lib.BENCH_JSON_OPTIONS_VERSION
        keep = CStrings()
        opts.source = keep(source)
        opts.include_deleted = 1 if include_deleted else 0
        report = self._import_bytes_or_path(
            path_or_bytes, source, opts, lib.bench_import_kolada_json_buffer, lib.bench_import_kolada_json_file
        )
        self._pair_uncertainty()  # Kolada's osäkerhetstal beside their measures: see pair_uncertainty
        return report

    def import_kolada_pages(self, pages, source=None, include_deleted=False, name=None):
        """Import the pages of one Kolada download in one all-or-nothing import.

        `pages` is an iterable of response bodies (bytes), or of (name, bytes) pairs naming each
        page in errors; a generator that downloads as it is read fits.  Each page is read by the
        C core as it arrives (no Python objects per row, one page in memory at a time besides
        the staged values), and all are stored together at the end: a bad page, or an exception
        raised by the iterable (a download that fails on page 17), leaves the Database as it
        was.  Returns one ImportReport over all pages."""
        opts = ffi.new("bench_json_options *")
        opts.version = lib.BENCH_JSON_OPTIONS_VERSION
        keep = CStrings()
        opts.source = keep(source)
        opts.include_deleted = 1 if include_deleted else 0
        label = source or name or "<pages>"
        rep = ffi.new("bench_import_report *")
        out = ffi.new("bench_import **")
        with self._lock:  # held for the whole import: no other call changes the Database meanwhile
            db = self._db()
            self._call(lib.bench_import_begin, out, _DB, ctext(name or label), opts)
            imp = out[0]
            try:
                for k, part in enumerate(pages, 1):
                    part_name, body = part if isinstance(part, tuple) else (f"{name or label}, page {k}", part)
                    if not isinstance(body, (bytes, bytearray, memoryview)):
                        raise InvalidArgumentError(f"page {k}: expected bytes, not {type(body).__name__}")
                    data = ffi.from_buffer(body)
                    if lib.bench_import_add_kolada_json(imp, data, len(data), ctext(part_name)) != lib.BENCH_OK:
                        break  # the commit reports the error and undoes every page
            except BaseException:
                lib.bench_import_rollback(imp)
                raise
            report = _import_report(lib.bench_import_commit(rep, imp), db, rep, label)
        self._pair_uncertainty()  # Kolada's osäkerhetstal beside their measures: see pair_uncertainty
        return report

    def pair_uncertainty(self):
        """Pair Kolada's osäkerhetstal with their measures and store the measures' intervals.

        Kolada publishes the margin of a survey measure as a KPI of its own, "Osäkerhetstal -
        <the measure's title>" (e.g. N01453 for N01452): the true value lies within value ±
        margin "med stor sannolikhet" (Kolada names no confidence level).  Each imported
        osäkerhetstal finds its measure by title -- compared with runs of whitespace as one
        space, none before a comma, capitals as lower case, and allowing one survey prefix on the
        measure ("NTU - ", "Medborgarundersökningen - "), nothing looser -- and the measure gets
        "<id>:ci_low" = value - margin and "<id>:ci_high" = value + margin per area, period and
        gender, as per_capita(..., ci=, store_as=) stores them, so compare(...,
        colours="significance") colours it.  import_kolada_json and import_kolada_pages (so every
        kommunbench.kolada fetch into a Database) do this after each import; call it after other
        imports.  Returns a DataFrame with one row per osäkerhetstal that has values: uncertainty,
        measure ("" when none), status ("paired", "no_measure", "ambiguous",
        "measure_without_values", "bounds_imported"), rows and intervals (keys with both bounds).
        """
        df = self._frame(lib.bench_uncertainty_pair, _DB).to_pandas()
        for column in ("uncertainty", "measure", "status"):
            df[column] = df[column].astype(str)
        df.attrs["caption"] = PROCESSED_CAPTION
        return df

    def _pair_uncertainty(self):
        self._call(lib.bench_uncertainty_pair, ffi.NULL, _DB)

    def _import_bytes_or_path(self, path_or_bytes, source, opts, from_bytes, from_path):
        rep = ffi.new("bench_import_report *")
        with self._lock:
            db = self._db()
            if isinstance(path_or_bytes, (bytes, bytearray, memoryview)):
                data = bytes(path_or_bytes)
                name = source or "<text>"
                status = from_bytes(rep, db, data, len(data), ctext(name), opts)
            else:
                raw = _cpath(path_or_bytes)  # an InvalidArgumentError for what is no path
                name = os.fsdecode(raw)
                status = from_path(rep, db, raw, opts)
            report = _import_report(status, db, rep, source or os.path.basename(name))
        return report

    def _import_rows(self, rows, name):
        """Rows of the report layout (kommunbench.reports) imported cell by cell
        (bench_import_cells): the CSV importer's own reading and checks, all or nothing, and
        errors at the document's own line and column."""
        from . import reports

        cells, n_cells, _bytes = reports.report_cells(rows)  # _bytes: the cells' text, alive for the call
        opts = ffi.new("bench_csv_options *")
        opts.version = lib.BENCH_CSV_OPTIONS_VERSION
        opts.layout = lib.BENCH_CSV_KOLADA
        opts.kind = lib.BENCH_KIND_UTFALL
        texts = CStrings()
        opts.source, opts.source_column = texts(name), texts("source")
        rep = ffi.new("bench_import_report *")
        with self._lock:
            db = self._db()
            report = _import_report(lib.bench_import_cells(rep, db, cells, n_cells, opts.source, opts), db, rep, name)
        return report

    def import_report(self, path_or_text, format="csv", area=None, prefix="", ids=None, source=None):
        """Import a nämnd's own report tables.

        format="csv": the report layout (kpi, municipality, period, gender, kind, value, unit,
        title, source; see kommunbench.reports).  format="html": the "Data for Indikator" tables
        of a published report; format="tab": tab-separated tables with a header such as
        "Verksamhetsmått, Utfall 2022, Utfall 2023, Budget 2024, Utfall 2024".  For html and
        tab, `area` is the kommun the report is about ("1490"); indicator ids are made from the
        titles (with `prefix`) unless `ids` maps a title to an id.  Every figure keeps the
        document and line it came from as its source; errors name the document's line."""
        from . import reports

        if format == "csv":
            if isinstance(path_or_text, (bytes, str)) and not os.path.exists(str(path_or_text)[:4096]):
                data = path_or_text.encode() if isinstance(path_or_text, str) else path_or_text
                has_source = b"source" in data.split(b"\n", 1)[0]
                return self.import_csv(
                    data, layout="kolada", source=source, source_column="source" if has_source else None
                )
            with open(reports.regular_file(path_or_text), "rb") as f:  # a FIFO is refused unopened
                has_source = b"source" in f.readline(1 << 20)
            return self.import_csv(
                path_or_text, layout="kolada", source=source, source_column="source" if has_source else None
            )
        if format not in ("html", "tab"):
            raise InvalidArgumentError("format must be 'csv', 'html' or 'tab'")
        if not area:
            raise InvalidArgumentError("area= is needed: the kommun the report is about, e.g. '1490'")
        with self._lock:
            max_bytes = self.limits["max_input_bytes"]
        text, name = reports.read_document(path_or_text, max_bytes)
        name = source or reports.label_of(name)
        skipped = []
        if format == "html":
            rows = reports.html_tables(text, str(area), name, prefix, ids)
        else:
            rows = reports.tab_tables(text, str(area), name, prefix, ids, skipped)
        if not rows:
            raise error(lib.BENCH_EPARSE, f"{name}: no {format} table with indicator values found", file=name)
        report = self._import_rows(rows, name)
        report.source = name
        report.skipped += len(skipped)  # lines of words, not numbers
        report.skipped_text = skipped
        return report

    def import_oj(self, path, period=None, sheet=None, prefix="OJ_", source=None):
        """Import an Öppna jämförelser result sheet (.xlsx with openpyxl, or .csv): a header
        block, a header row with the kommun column (Kommun, Kommunkod) and one column per
        indicator, then one row per kommun.  Indicator names and units are kept as titles;
        the year is read from the header block unless `period` is given."""
        from . import reports

        name = source or reports.label_of(os.path.basename(os.fsdecode(_cpath(path))))
        with self._lock:
            limits = self.limits
        sheet_rows = reports.read_sheet(path, sheet, limits["max_input_bytes"], limits["max_rows"])
        rows = reports.oj_rows(sheet_rows, name, period, prefix, self.areas())
        return self._import_rows(rows, name)

    def prefer_source(self, source):
        """Make `source` the most recent: comparisons and per-capita use its values where
        several sources give the same key (the default is the source imported last)."""
        self._call(lib.bench_source_prefer, _DB, ctext(source))

    def link_indicator(self, id, kolada_id):
        """Link an own indicator to the Kolada KPI it corresponds to (None unlinks); shown in
        indicators() as `link`."""
        keep = CStrings()
        self._call(lib.bench_indicator_link, _DB, ctext(id), keep(kolada_id))

    def import_population(self, path_or_bytes, source=None, indicator=None):
        """Import an SCB population table: a PxWeb API v1 JSON response or a JSON-stat 2
        dataset (API v2, e.g. table TAB638), from a path or bytes.  Single-year ages become
        indicators "BE0101N1:<age>", dimensions such as civilstånd are summed, and T = K + M
        is added where only K and M are given.  For Kolada's population (N01951, N01952-
        N01957) use import_csv or import_kolada_json."""
        opts = ffi.new("bench_population_options *")
        opts.version = lib.BENCH_POPULATION_OPTIONS_VERSION
        keep = CStrings()
        opts.source, opts.indicator = keep(source), keep(indicator)
        return self._import_bytes_or_path(
            path_or_bytes, source, opts, lib.bench_import_population_buffer, lib.bench_import_population_file
        )

    # ---- catalogue ----------------------------------------------------------

    def areas(self):
        """The area catalogue: code, name, type, lan, kommungrupp."""
        df = self._frame(lib.bench_areas_frame, _DB).to_pandas()
        return df.astype({c: str for c in df.columns}).sort_values("code", ignore_index=True)

    def area(self, code):
        """One area as a dict: code, name, type, lan, kommungrupp."""
        t = ffi.new("bench_area_type *")
        name, lan, group = ffi.new("const char **"), ffi.new("const char **"), ffi.new("const char **")
        with self._lock:
            self._call(lib.bench_area_info, t, name, lan, group, _DB, ctext(code))
            return {
                "code": area_code(code),
                "name": text(name[0]),
                "type": area_type_name(t[0]),
                "lan": text(lan[0]),
                "kommungrupp": text(group[0]),
            }

    def indicators(self):
        """The indicator catalogue: id, title, unit, direction, n (observations), link (the
        Kolada KPI an own indicator corresponds to) and derived (how a result stored by
        per_capita or ratio was made, e.g. "N01990 / N01951 × 1000, nämnare 31/12 året före";
        "" for imported indicators)."""
        df = self._frame(lib.bench_indicators_frame, _DB).to_pandas()
        return df.astype({c: str for c in ("id", "title", "unit", "direction", "link", "derived")}).sort_values(
            "id", ignore_index=True
        )

    def set_indicator(self, id, title=None, unit=None, direction="keep"):
        """Set an indicator's title, unit and direction ("higher", "lower", None for unknown,
        or "keep").  A unit not given is read from a Kolada-style title ("andel (%)" -> %)."""
        d = _direction(direction, lib.BENCH_DIRECTION_NONE, "keep")
        keep = CStrings()
        self._call(lib.bench_indicator_set, _DB, ctext(id), keep(title), keep(unit), d)

    def set_group(self, id, members, title=None):
        """Define a group of areas, e.g. "liknande kommuner": set_group("G36468", [...],
        "Liknande kommuner IFO, Borås, 2024").  The id then works wherever areas are asked."""
        keep = CStrings()
        codes, n = keep.array(_codes(list(members), "members"))
        self._call(lib.bench_group_set, _DB, ctext(id), keep(title or None), codes, n)

    def group_members(self, id):
        """The member codes of a group or kommungrupp, sorted: an id ("G92790", "G2328") or a
        name ("Större stad"), also "kommuner" or a län code ("14")."""
        key = id.strip() if isinstance(id, str) else id
        if isinstance(key, str) and area_code(key) is not None and not (key.isdigit() and len(key) <= 2):
            frame = self._frame(lib.bench_group_members, _DB, ctext(key))  # a code must be a group's
            return [str(c) for c in frame.to_pandas()["code"]]
        return resolve_areas(self, "kommuner" if key is None else key)

    # ---- queries --------------------------------------------------------------

    def values_frame(self, indicator=None, area=None, period=None, gender="T", kind="utfall"):
        """Like values(), as a Frame whose columns are zero-copy numpy views."""
        q = ffi.new("bench_query *")
        q.version = lib.BENCH_QUERY_VERSION
        keep = CStrings()
        q.indicators, q.n_indicators = keep.array(_codes(indicator, "indicator"))
        q.areas, q.n_areas = keep.array(_codes(area, "area"))
        q.periods, q.n_periods = keep.array(_codes(period, "period"))
        q.gender_mask = _mask(gender, gender_code, "gender")
        q.kind_mask = _mask(kind, kind_code, "kind")
        return self._frame(lib.bench_values, _DB, q)

    def values(self, indicator=None, area=None, period=None, gender="T", kind="utfall", as_arrow=False):
        """Observations as a DataFrame: indicator, area, period, gender, kind, value, count,
        status, source.  Each filter takes one code or a list; None means all.  period is a
        label ("2022", "2024-T1") or an int year; gender=None gives T, K and M.
        Missing values are NaN with their status ("missing", "bortfall", ...), never 0.
        as_arrow=True gives a pyarrow Table over the C buffers instead (no copy), which
        polars (pl.from_arrow) and DuckDB can take directly."""
        frame = self.values_frame(indicator, area, period, gender, kind)
        return frame.to_arrow() if as_arrow else frame.to_pandas()

    def with_labels(self, df):
        """Add the area's name and the indicator's title, unit and direction beside the codes
        of a values()/compare_all() DataFrame."""
        out = df.copy()
        names = self.areas().set_index("code")["name"]
        ind = self.indicators().set_index("id")
        if "area" in out:
            pos = list(out.columns).index("area") + 1
            out.insert(pos, "name", out["area"].astype(str).map(names).fillna(""))
        if "indicator" in out:
            codes = out["indicator"].astype(str)
            for column in ("title", "unit", "direction"):
                out[column] = codes.map(ind[column]).fillna("")
        return out

    def per_capita(
        self,
        indicator,
        population="N01951",
        scale=1000,
        age=None,
        label=None,
        population_period="same",
        store_as=None,
        title=None,
        unit=None,
        direction="inherit",
        ci=None,
    ):
        """Normalize an indicator: value / population * scale, matched on area, period and gender.
        indicator=None normalizes every indicator except the population itself, in one pass.

        population: a population indicator (default Kolada N01951, invånare totalt) or a list
        whose sum is the denominator.  age: an age band such as "0-19" or "65+", built from
        Kolada's band indicators (N01952-N01957 and finer) when population is a Kolada id, or
        from single-year ages imported with import_population when it is an SCB measure
        such as "BE0101N1"; see kommunbench.population.
        scale: 1 (per invånare), 100 (share in %), 1000, 10000 or 100000.
        population_period: "same" (invånare 31/12 the same year; a tertial or month uses its
        year) or "previous" (31/12 the year before, as Kolada divides e.g. N01993).
        store_as: also store the result as an indicator of that id, usable in compare(),
        charts, save() ... like an imported one (title, unit and direction from the parts
        unless given; a snapshot of today's parts: store again after re-importing them).
        Returns a DataFrame with value, denominator, result and status; df.attrs["method"]
        says how it was made ("per 1 000 invånare (N01951)").  A numerator that is already a
        rate, share or mean gives a UnitWarning (df.attrs["warning"]), not an error.
        ci=0.95 adds ci_low and ci_high: the exact Poisson (Garwood) interval of the count, or
        Wilson's score interval for a share (scale=100); with store_as they are stored as
        "<id>:ci_low" and "<id>:ci_high" (what compare(colours="significance") reads)."""
        if age is not None:
            pop = str(population)
            if pop.upper().startswith("N0"):
                terms, band_label = population_terms(age)
            else:  # single-year ages from SCB, e.g. population="BE0101N1"
                terms, band_label = single_year_terms(pop, age)
            label = label or f"invånare {band_label}"
        else:
            terms = _codes(population, "population")
        if store_as is not None and indicator is None:
            raise InvalidArgumentError("store_as needs one indicator to normalize, not indicator=None")
        opts = ffi.new("bench_per_capita_options *")
        opts.version = lib.BENCH_PER_CAPITA_VERSION
        keep = CStrings()
        opts.indicator = keep(indicator)
        opts.population, opts.n_population = keep.array(terms)
        opts.scale = _scale(scale)
        opts.population_label = keep(label)
        opts.population_period = _denominator_period(population_period, "population_period")
        opts.store_as, opts.title, opts.unit = keep(store_as), keep(title), keep(unit)
        opts.direction = _stored_direction(direction)
        opts.ci = _level(ci)
        return self._normalized(lib.bench_per_capita, opts, scale, keep)

    def ratio(
        self,
        numerator,
        denominator,
        scale=1,
        denominator_period="same",
        store_as=None,
        title=None,
        unit=None,
        direction="inherit",
        ci=None,
    ):
        """Any indicator over any other: numerator / denominator * scale, matched on area,
        period and gender (kronor per brukare, a count as a share of another count).

        denominator_period: "same" or "previous" (31/12 the year before), as per_capita's
        population_period.  scale: 1 (a quotient), 100 (%), 1000 ...  store_as, title, unit
        and direction as in per_capita.  Returns the same DataFrame as per_capita."""
        opts = ffi.new("bench_ratio_options *")
        opts.version = lib.BENCH_RATIO_VERSION
        keep = CStrings()
        opts.numerator, opts.denominator = keep(numerator), keep(denominator)
        opts.scale = _scale(scale)
        opts.denominator_period = _denominator_period(denominator_period, "denominator_period")
        opts.store_as, opts.title, opts.unit = keep(store_as), keep(title), keep(unit)
        opts.direction = _stored_direction(direction)
        opts.ci = _level(ci)
        return self._normalized(lib.bench_ratio, opts, scale, keep)

    def _normalized(self, function, opts, scale, keep):
        frame = self._frame(function, _DB, opts)  # keep: the strings opts points to
        df = frame.to_pandas()
        df.attrs.update(
            method=frame.meta("method"),
            population=frame.meta("population"),
            scale=float(scale),
            denominator_period=frame.meta("denominator_period"),
            derived=frame.meta("derived"),
            title=frame.meta("title"),
            unit=frame.meta("unit"),
            caption=PROCESSED_CAPTION,
        )
        if frame.meta("ci"):
            df.attrs.update(ci=float(frame.meta("ci")), ci_method=frame.meta("ci_method"))
        warning = frame.meta("warning")
        if warning:
            df.attrs["warning"] = warning
            warnings.warn(warning, UnitWarning, stacklevel=3)
        return df

    # ---- comparison -------------------------------------------------------------

    def compare(
        self,
        indicator,
        period,
        gender="T",
        areas=None,
        direction=None,
        focus=None,
        weight="N01951",
        kind="utfall",
        population_period="same",
        min_coverage=None,
        colours="rank",
        reference=None,
    ):
        """Where does each area stand for one indicator, period and gender?

        areas: None or "kommuner" (all 290), a list of codes, a group or kommungrupp id or name
        ("G92790", "Större stad", "G2328"), or a län code ("14").  direction: "lower", "higher",
        "none" or None (the catalogue decides; unknown gives ranks but no colours).
        focus: the kommun in question, a code or a name ("1490", "Borås"); it must be in the
        area set.  weight: the population for the weighted mean, one id or a list summed
        (the default N01951 is skipped when not imported), dated by population_period
        ("same" or "previous", as in per_capita).  min_coverage: rank and colour only when this
        share of the area set has a value, and at least two areas do (None: MIN_COVERAGE, a
        quarter; 0: always); otherwise every rank is missing, every colour grey, and focus_text
        says that too few report.  colours="significance" colours by confidence interval (stored
        by per_capita/ratio with ci= and store_as=) against `reference`: None for the ovägt
        medel, a number, or an area ("0000" Riket, "Borås"): green when the whole interval is on
        the better side, red on the worse, yellow when it holds the reference; without a
        direction "higher", "lower" or "similar".  The weighted mean is not Kolada's "Riket":
        that is the national total over the national population, the area 0000's own value.
        Returns a Comparison with .table (area, name, value, rank, n, percentile, colour;
        rank missing where an area has no value) and .stats (n, n_areas, unweighted_mean,
        weighted_mean, median, q1, q3, min, max)."""
        opts = ffi.new("bench_compare_options *")
        opts.version = lib.BENCH_COMPARE_VERSION
        opts.direction = _compare_direction(direction)
        opts.gender, opts.kind = gender_code(gender), kind_code(kind)
        gender, kind = gender_name(gender), text(lib.bench_kind_name(opts.kind))
        codes = resolve_areas(self, areas)
        focus = resolve_area(self, focus) if focus is not None else None
        keep = CStrings()
        opts.indicator, opts.period = keep(indicator), keep(period)
        if codes is not None:
            opts.areas, opts.n_areas = keep.array(codes, empty_is_none=False)
        opts.weight_period = _denominator_period(population_period, "population_period")
        opts.min_coverage = _coverage(min_coverage)
        if colours not in _COLOUR_MODES:
            raise InvalidArgumentError("colours must be 'rank' (KKiK) or 'significance'")
        opts.colours = _COLOUR_MODES[colours]
        opts.reference = float("nan")
        if isinstance(reference, (int, float)) and not isinstance(reference, bool):
            opts.reference = float(reference)
        elif reference is not None:
            opts.reference_area = keep(resolve_area(self, reference))
        stats = ffi.new("bench_compare_stats *")
        title, unit = ffi.new("const char **"), ffi.new("const char **")
        dirn = ffi.new("bench_direction *")
        with self._lock:
            if weight == "N01951" and not self._has_indicator("N01951"):
                weight = None  # the default population is used only when it is there
            opts.weights, opts.n_weights = keep.array(_codes(weight, "weight"))
            frame = self._frame(lib.bench_compare, stats, _DB, opts)
            self._call(lib.bench_indicator_info, title, unit, dirn, _DB, ctext(indicator))
            catalogue_direction = direction_name(dirn[0])
            title, unit = text(title[0]), text(unit[0])
        ranked, coverage = frame.meta("ranked") == "yes", float(frame.meta("coverage"))
        table = frame.to_pandas()
        table["area"] = table["area"].astype(str)
        table["colour"] = table["colour"].astype(str)
        table["source"] = table["source"].astype(str)
        names = self.areas().set_index("code")["name"]
        table.insert(1, "name", table["area"].map(names).fillna(""))
        table.insert(4, "n", int(stats.n))
        if focus is not None and focus not in set(table["area"]):
            raise error(
                lib.BENCH_ENOTFOUND,
                f"focus {names.get(focus, focus)} ({focus}) is not in the area set "
                f"{areas if areas is not None else 'kommuner'!r}",
            )
        s = {k: getattr(stats, k) for k in ("unweighted_mean", "weighted_mean", "median", "q1", "q3", "min", "max")}
        s = {"n": int(stats.n), "n_areas": int(stats.n_areas), **{k: float(v) for k, v in s.items()}}
        derived = self._derived(indicator)
        params = {
            "indicator": str(indicator),
            "period": str(period),
            "gender": gender,
            "areas": areas,
            "direction": direction if direction else catalogue_direction,
            "focus": focus,
            "weight": weight,
            "population_period": population_period,
            "kind": kind,
            "title": title or None,
            "unit": unit or None,
            "derived": derived or None,
            "ranked": ranked,
            "coverage": coverage,
            "min_coverage": opts.min_coverage,
            "colours": colours,
            "reference": reference,
        }
        return Comparison(table, s, params, names)

    def _derived(self, indicator):
        """How a stored result was made ("" for an imported indicator)."""
        ind = self.indicators()
        row = ind[ind["id"].str.casefold() == str(indicator).strip().casefold()]
        return row["derived"].iloc[0] if len(row) else ""

    def compare_all(self, areas="kommuner", direction=None, min_coverage=None, as_frame=False):
        """Rank and colour every (indicator, period, gender) group of utfall values at once:
        the KKiK table in bulk.  Columns: indicator, period, gender, area, value, rank, n,
        percentile, colour, mean.  Rows without a value are kept with rank <NA> and colour
        grey; a group too thinly covered (min_coverage, as in compare) is not ranked.
        areas and direction as in compare.  as_frame=True gives the Frame instead of a
        DataFrame (as compare_all_frame does): columns as zero-copy numpy views, rank 0 where
        an area has no value, for tables of millions of rows."""
        frame = self.compare_all_frame(areas, direction, min_coverage)
        return frame if as_frame else frame.to_pandas()

    def compare_all_frame(self, areas="kommuner", direction=None, min_coverage=None):
        """Like compare_all(), as a Frame whose columns are zero-copy numpy views (as
        values_frame is to values)."""
        opts = ffi.new("bench_compare_all_options *")
        opts.version = lib.BENCH_COMPARE_ALL_VERSION
        opts.direction = _compare_direction(direction)
        keep = CStrings()
        codes = resolve_areas(self, areas)
        if codes is not None:
            opts.areas, opts.n_areas = keep.array(codes, empty_is_none=False)
        opts.min_coverage = _coverage(min_coverage)
        return self._frame(lib.bench_compare_all_ext, _DB, opts)

    def latest_period(self, indicator, min_coverage=None, areas="kommuner", gender="T"):
        """The latest period of `indicator` for which at least min_coverage of the area set
        (default MIN_COVERAGE, a quarter; and at least two areas) has a value: the year to
        rank.  None when no period has enough."""
        from .periods import period_key

        share = _coverage(min_coverage)
        members = self.group_members(areas) if areas is not None else self.group_members("kommuner")
        v = self.values(indicator, area=members, gender=gender)
        v = v[v["status"] == "ok"]
        counts = v.groupby(v["period"].astype(str)).size()
        good = [p for p, n in counts.items() if n >= 2 and n >= share * len(members) - 1e-9]
        return max(good, key=period_key) if good else None

    def similar(self, focus, indicators, period, k=7, weights=None, areas="kommuner", gender="T", store_as=None):
        """The k kommuner most similar to `focus` on `indicators` in `period` (likhetsutsökning).

        The published CIPFA method, computed in the C core: each indicator standardized over the
        candidates (the areas of `areas` with a value of every indicator), z = (x − mean) / sd
        (population sd); distance = √(Σ wᵢ (zᵢ − zᵢ,focus)²), weights summing to 1 (equal by
        default, or a list or {id: weight}).  Returns a DataFrame sorted by distance (ties by
        code): area, name, distance and one column per indicator with its share of the squared
        distance (each row sums to 1: why the kommun is near).  store_as="GMINA" keeps the focus
        and its k neighbours as a group, usable as areas= anywhere (so compare(areas="GMINA",
        focus=...) ranks the kommun among its neighbours)."""
        focus = resolve_area(self, focus)
        ids = _codes(indicators, "indicators")
        if not ids:
            raise InvalidArgumentError("similar: name at least one indicator")
        if isinstance(weights, dict):
            weights = [weights.get(i, 0.0) for i in ids]
        if weights is not None:
            weights = [float(v) for v in weights]
            if len(weights) != len(ids):
                raise InvalidArgumentError(f"similar: {len(weights)} weights for {len(ids)} indicators")
        if isinstance(k, bool) or not isinstance(k, int) or k < 1:
            raise InvalidArgumentError(f"k must be a positive int, not {k!r}")
        opts = ffi.new("bench_similar_options *")
        opts.version = lib.BENCH_SIMILAR_VERSION
        opts.gender = gender_code(gender)
        gender = gender_name(gender)
        codes = resolve_areas(self, areas)
        keep = CStrings()
        opts.focus, opts.period = keep(focus), keep(period)
        opts.indicators, opts.n_indicators = keep.array(ids)
        w = ffi.new("double[]", weights) if weights is not None else ffi.NULL
        opts.weights = w
        if codes is not None:
            opts.areas, opts.n_areas = keep.array(codes, empty_is_none=False)
        opts.k = k
        frame = self._frame(lib.bench_similar, _DB, opts)
        df = frame.to_pandas()
        df["area"] = df["area"].astype(str)
        names = self.areas().set_index("code")["name"]
        df.insert(1, "name", df["area"].map(names).fillna(""))
        df.attrs.update(
            focus=focus,
            period=str(period),
            candidates=int(frame.meta("candidates")),
            areas=areas,
            gender=gender,
            weights=weights,
            indicators=[c for c in df.columns[3:]],
            method="CIPFA: standardiserade avstånd",
        )
        if store_as is not None:
            title = f"Liknande kommuner, {names.get(focus, focus)}, {period} ({', '.join(df.attrs['indicators'])})"
            self.set_group(store_as, [focus] + list(df["area"]), title)
        return df

    def memory(self):
        """Bytes the store holds for its observations (23 per observation)."""
        with self._lock:
            return int(lib.bench_db_memory(self._db()))

    # ---- questions built on compare ---------------------------------------------

    def peers(self, indicator, period, focus, gender="T", sets=None, direction=None):
        """The focus kommun in each peer set (kommungrupp, län, all kommuner or `sets`):
        rank, colour and the difference to ovägt medel, vägt medel and median.

        sets: list of (label, areas) pairs; any selection compare accepts works as areas, e.g.
        a list of "liknande kommuner" (the focus is added to a list)."""
        from .analysis import peer_sets, peers

        focus = resolve_area(self, focus)
        comparisons = []
        for label, areas in sets or peer_sets(self.area(focus), self.areas()):
            if not isinstance(areas, str):
                areas = list(dict.fromkeys([str(a) for a in areas] + [focus]))
            comparisons.append(
                (label, self.compare(indicator, period, gender=gender, areas=areas, direction=direction, focus=focus))
            )
        return peers(comparisons)

    def changes(self, indicator, area=None, gender="T", periods=1):
        """Change per area from `periods` periods earlier, absolute and in %."""
        from .analysis import changes

        return changes(self.values(indicator, area=area, gender=gender), periods)

    def trend_marks(self, indicator, gender="T", areas="kommuner", last=3, direction=None):
        """KKiK-style marks: "*" better than ovägt medel in each of the last three periods,
        "#" worse in each of them (direction None: the catalogue's)."""
        from .analysis import trend_marks

        table = self.compare_all(areas=areas, direction=direction)
        return trend_marks(
            table, indicator, gender_name(gender), last, direction or self._catalogue_direction(indicator)
        )

    def targets(self, indicator, area, gender="T", direction=None, tolerance=0.10):
        """Utfall against målvärde per period: uppfyllt / delvis uppfyllt / ej uppfyllt
        (direction None: the catalogue's)."""
        from .analysis import targets

        values = self.values(indicator, area=area, gender=gender, kind=["utfall", "målvärde"])
        return targets(values, direction or self._catalogue_direction(indicator), tolerance)

    def gender_gap(self, indicator, period=None, area=None):
        """K − M gap and K/M ratio per area and period."""
        from .analysis import gender_gap

        return gender_gap(self.values(indicator, area=area, period=period, gender=["K", "M"]))

    def _catalogue_direction(self, indicator):
        """ "higher" or "lower" as the catalogue says for an indicator; None when it says
        nothing or does not know the indicator."""
        dirn = ffi.new("bench_direction *")
        with self._lock:
            found = lib.bench_indicator_info(ffi.NULL, ffi.NULL, dirn, self._db(), ctext(indicator))
        return direction_name(dirn[0]) if found == lib.BENCH_OK else None

    # ---- fixed prices -------------------------------------------------------------

    def price_index(self, name="KPI"):
        """A shipped price index: DataFrame of period and value, attrs["source"] naming who
        published it.  "KPI": SCB's konsumentprisindex, annual averages, 1980=100.  "PKV" is not
        shipped (NotFoundError says why); import it as an indicator and give its id to deflate."""
        from .prices import price_index

        self._db()  # a closed Database says so, as every method does
        return price_index(name)

    def deflate(self, indicator, index, base, store_as=None, title=None, unit=None, direction="inherit"):
        """Fixed prices: value × index[base] / index[year], the year being the one a value's
        period begins with (a tertial uses its year's index).

        index: the id of an indicator in the database (its yearly utfall values for Riket,
        0000, gender T), "KPI" (the shipped series, see price_index), or a DataFrame with
        columns period and value.  base: the year whose prices the result is in (2022 or
        "2022").  store_as: also store the result as an ordinary indicator (compare, charts,
        save ...), titled "<title>, fasta priser (<base>)" unless title is given.
        Returns a DataFrame with value, index, result and status, like per_capita: a missing
        value keeps its status, a year without an index is "no_denominator", never 0.
        df.attrs["method"] says "fasta priser (2022), KPI"."""
        keep = CStrings()
        opts = ffi.new("bench_deflate_options *")
        opts.version = lib.BENCH_DEFLATE_VERSION
        opts.indicator = keep(indicator)
        series = None
        label = None
        if isinstance(index, pd.DataFrame):
            series = index
            label = index.attrs.get("name")
        elif isinstance(index, str) and not self._has_indicator(index):
            series = self.price_index(index)
            label = series.attrs["name"]
        elif isinstance(index, str):
            opts.index = keep(index)
        else:
            raise InvalidArgumentError(
                f"index: expected an indicator id, \"KPI\" or a DataFrame of "
                f"period and value, got {type(index).__name__}"
            )
        if series is not None:
            if not {"period", "value"} <= set(series.columns):
                raise InvalidArgumentError("index: a DataFrame needs the columns period and value")
            periods = [keep(str(p)) for p in series["period"]]
            arr_p = ffi.new("const char *[]", periods or 1)
            arr_v = ffi.new("double[]", [float(v) for v in series["value"]] or 1)
            keep.keep.extend([arr_p, arr_v])
            opts.index_periods, opts.index_values, opts.n_index = arr_p, arr_v, len(periods)
        opts.index_label = keep(label)
        if isinstance(base, bool) or not isinstance(base, (int, str)):
            raise InvalidArgumentError(f"base: expected a year such as 2022, got {base!r}")
        opts.base = keep(str(base))
        opts.store_as, opts.title, opts.unit = keep(store_as), keep(title), keep(unit)
        opts.direction = _stored_direction(direction)
        frame = self._frame(lib.bench_deflate, _DB, opts)
        df = frame.to_pandas()
        df.attrs.update(
            method=frame.meta("method"),
            base=frame.meta("base"),
            index=frame.meta("index"),
            base_index=float(frame.meta("base_index")),
            derived=frame.meta("derived"),
            title=frame.meta("title"),
            unit=frame.meta("unit"),
            caption=PROCESSED_CAPTION,
        )
        if series is not None and series.attrs.get("source"):
            df.attrs["index_source"] = series.attrs["source"]
        return df

    def _has_indicator(self, id):
        with self._lock:
            return lib.bench_indicator_info(ffi.NULL, ffi.NULL, ffi.NULL, self._db(), ctext(id)) == lib.BENCH_OK
