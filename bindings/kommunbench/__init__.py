"""kommunbench: compare Swedish municipalities.

Import Kolada, KKiK, SCB and a nämnd's own tables, normalize per invånare, rank and chart.
The heavy work is done by libbench, a C library; this package is its Python face.
"""

from ._native import Frame, Status, ffi, lib
from .database import Database, ImportReport
from .errors import (
    BenchError,
    ClosedError,
    CorruptError,
    FileError,
    InvalidArgumentError,
    LimitError,
    NotFoundError,
    OutOfMemoryError,
    ParseError,
    UnitWarning,
    VersionError,
)
from .periods import period_key, period_label
from .population import population_terms

__version__ = ffi.string(lib.bench_version()).decode()

# The compiled library and the header it was built from must agree.
if lib.bench_version_number() != lib.BENCH_VERSION_NUMBER:  # pragma: no cover
    raise ImportError(f"libbench {__version__} does not match its header ({lib.BENCH_VERSION_NUMBER})")

__all__ = [
    "Database",
    "ImportReport",
    "Frame",
    "Status",
    "BenchError",
    "ClosedError",
    "CorruptError",
    "FileError",
    "InvalidArgumentError",
    "LimitError",
    "NotFoundError",
    "OutOfMemoryError",
    "ParseError",
    "UnitWarning",
    "VersionError",
    "population_terms",
    "period_key",
    "period_label",
    "__version__",
]
