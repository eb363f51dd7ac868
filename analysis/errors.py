"""Errors that name the file, row and column of bad input."""

from __future__ import annotations


class InputError(ValueError):
    """Malformed raw input. `row` is the 1-based data row (header excluded) or None for file-level errors."""

    def __init__(self, file: str, message: str, row: int | None = None, column: str | None = None):
        self.file, self.row, self.column, self.message = str(file), row, column, message
        where = self.file
        if row is not None:
            where += f", row {row}"
        if column is not None:
            where += f", column {column!r}"
        super().__init__(f"{where}: {message}")

    def __reduce__(self):
        # Keep the file/row/column when the error crosses a process boundary (parallel readers).
        return (InputError, (self.file, self.message, self.row, self.column))


class BuildCheckError(RuntimeError):
    """A whole-build check failed (e.g. district count dropped); the previous database is kept."""
