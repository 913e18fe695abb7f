"""Errors a user can cause, each carrying where it happened and how to fix it.

The CLI turns these into `file:line:column: message` lines and exit status 2;
anything else that escapes is a bug in codegen, not a user mistake.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Callable, Iterable


class Location:
    """`file:line:column` of something a user wrote.

    The position may be worked out only when first asked for (`find`): entity
    files are read without positions, and a file is read again with them only
    if something in it has to be pointed at (see loader.yaml_source).
    """

    __slots__ = ("file", "_line", "_column", "_find")

    def __init__(self, file: str, line: int | None = None, column: int | None = None,
                 find: Callable[[], tuple[int | None, int | None]] | None = None):
        self.file, self._line, self._column, self._find = file, line, column, find

    def _found(self) -> None:
        if self._find is not None:
            self._line, self._column = self._find()
            self._find = None

    @property
    def line(self) -> int | None:  # 1-based, as editors show it
        self._found()
        return self._line

    @property
    def column(self) -> int | None:  # 1-based
        self._found()
        return self._column

    def _key(self) -> tuple:
        return (self.file, self.line, self.column)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Location) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"Location({self.file!r}, {self.line!r}, {self.column!r})"

    def __str__(self) -> str:
        parts = [self.file]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)


@dataclass(frozen=True)
class Problem:
    """One input mistake: where, in which entity/field, what, and the fix."""

    location: Location
    message: str
    fix: str | None = None
    entity: str | None = None
    field: str | None = None

    def render(self) -> str:
        subject = ""
        if self.entity and self.field:
            subject = f"{self.entity}.{self.field}: "
        elif self.entity:
            subject = f"{self.entity}: "
        text = f"{self.location}: error: {subject}{self.message}"
        if self.fix:
            text += f"\n    fix: {self.fix}"
        return text


class UserError(Exception):
    """Bad input or usage; exit status 2, nothing written."""

    exit_status = 2

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = problems if isinstance(problems, list) else [problems]
        super().__init__("\n".join(p.render() for p in self.problems))

    @classmethod
    def at(cls, file: str, message: str, fix: str | None = None, line: int | None = None,
           column: int | None = None, entity: str | None = None, field: str | None = None) -> "UserError":
        return cls(Problem(Location(file, line, column), message, fix, entity, field))


class BusyError(UserError):
    """Another run holds the project's lock for too long: not the user's input, so exit status 1."""

    exit_status = 1


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean `{close[0]}`?" if close else None
