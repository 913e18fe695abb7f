"""Errors a user can cause, each carrying where it happened and how to fix it.

The CLI turns these into `file:line:column: message` lines and exit status 2;
anything else that escapes is a bug in codegen, not a user mistake.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Location:
    file: str
    line: int | None = None  # 1-based, as editors show it
    column: int | None = None  # 1-based

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

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = problems if isinstance(problems, list) else [problems]
        super().__init__("\n".join(p.render() for p in self.problems))

    @classmethod
    def at(cls, file: str, message: str, fix: str | None = None, line: int | None = None,
           column: int | None = None, entity: str | None = None, field: str | None = None) -> "UserError":
        return cls(Problem(Location(file, line, column), message, fix, entity, field))
