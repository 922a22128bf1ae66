"""Exceptions.  Every error of the C core is a BenchError carrying file, line and column
where known; subclasses also inherit the matching builtin, so `except ValueError` works."""

__all__ = [
    "BenchError",
    "OutOfMemoryError",
    "InvalidArgumentError",
    "FileError",
    "ParseError",
    "NotFoundError",
    "LimitError",
    "CorruptError",
    "VersionError",
    "ClosedError",
    "UnitWarning",
]


class BenchError(Exception):
    """Base of all kommunbench errors.

    Attributes: code (the C status), file, line, column (where known; line and column are
    1-based), text (the message without its "file:line:column: "), errors (list of (line,
    column, message) for imports) and report (the ImportReport of a failed import).
    """

    def __init__(self, message, code=None, file=None, line=None, column=None, errors=None, report=None, text=None):
        super().__init__(message)
        self.message = message
        self.text = message if text is None else text
        self.code = code
        self.file = file
        self.line = line
        self.column = column
        self.errors = list(errors or [])
        self.report = report

    def __str__(self):
        return self.message


class OutOfMemoryError(BenchError, MemoryError):
    pass


class InvalidArgumentError(BenchError, ValueError):
    pass


class FileError(BenchError, OSError):
    def __str__(self):
        return self.message


class ParseError(BenchError, ValueError):
    pass


class NotFoundError(BenchError, KeyError):
    def __str__(self):  # KeyError would quote the message
        return self.message


class LimitError(BenchError, ValueError):
    pass


class CorruptError(BenchError, ValueError):
    pass


class VersionError(BenchError, ValueError):
    pass


class ClosedError(BenchError, ValueError):
    """The Database was closed."""


class UnitWarning(UserWarning):
    """A normalization that is almost always a mistake: per_capita of a rate, a share, a mean
    or an amount per invånare.  Said, not refused."""
