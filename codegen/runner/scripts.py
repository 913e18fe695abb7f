"""A migration file as the runner sends it: its statements, and the transaction around them.

The files codegen writes hold one `BEGIN; ... COMMIT;` around every change
(SQLite sets `PRAGMA foreign_keys` outside it, where the pragma works). The
runner sends that transaction itself rather than the file's two lines, so that
the history row is written inside it: the migration and its record commit
together or not at all. A file edited into another shape (statements outside
the transaction, several transactions, none at all, as `CREATE INDEX
CONCURRENTLY` needs) is run as written, one statement at a time, with the
history row marked dirty until the last statement has run.

PostgreSQL's online files (`postgresql: {online: true}`) add statements after
COMMIT that each run on their own. The runner commits the history row, marked
dirty, with the transaction, and marks it clean after the last of them; since
each may run twice, a run that stopped among them is finished by running them
all again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import sqlparse

# Comments and blank space before a statement's first word.
_LEADING = re.compile(r"\A(?:\s+|--[^\n]*(?:\n|\Z)|/\*.*?\*/)*", re.DOTALL)
_BEGIN = re.compile(r"\A(?:BEGIN|START\s+TRANSACTION)(?:\s+(?:TRANSACTION|WORK|DEFERRED|IMMEDIATE|EXCLUSIVE))?\s*;?\s*\Z",
                    re.IGNORECASE)
_COMMIT = re.compile(r"\A(?:COMMIT|END)(?:\s+(?:TRANSACTION|WORK))?\s*;?\s*\Z", re.IGNORECASE)
# Settings of the session, which may stand outside the transaction without making the file non-atomic.
_SESSION_SETTING = re.compile(r"\A(?:PRAGMA|SET)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Statement:
    text: str  # as written in the file, with the comments before it
    code: str  # without those comments: what the database is sent

    @property
    def kind(self) -> str:
        if _BEGIN.match(self.code):
            return "begin"
        if _COMMIT.match(self.code):
            return "commit"
        return "setting" if _SESSION_SETTING.match(self.code) else "change"


@dataclass(frozen=True)
class Script:
    path: Path
    # transactional: `before`, then the runner's BEGIN, `body`, the history row, COMMIT, then `after`.
    # Otherwise every statement, BEGIN and COMMIT included, is in `body`, run as written.
    transactional: bool
    before: tuple[Statement, ...]
    body: tuple[Statement, ...]
    after: tuple[Statement, ...]
    begin: Statement | None = None  # the file's own BEGIN and COMMIT, for their comments
    commit: Statement | None = None

    @property
    def statements(self) -> tuple[Statement, ...]:
        return self.before + self.body + self.after

    @property
    def runs_after_commit(self) -> bool:
        """Whether changes follow the transaction (an online file), each run on its own."""
        return self.transactional and any(s.kind == "change" for s in self.after)

    def pieces(self, text: str) -> list[str]:
        """What a client sends one request at a time to run `text` (this script's file) as written:
        the whole file, or, when statements follow the transaction, the file up to COMMIT and then
        each of them (a request of several statements is one transaction to PostgreSQL, where
        CREATE INDEX CONCURRENTLY fails)."""
        if not self.runs_after_commit:
            return [text]
        start = text.index(self.commit.text) + len(self.commit.text)
        return [text[:start]] + [s.code for s in self.after]


def read_script(path: Path) -> Script:
    return parse_script(path.read_text(encoding="utf-8"), path)


def parse_script(text: str, path: Path) -> Script:
    statements = []
    for piece in sqlparse.split(text):
        code = piece[_LEADING.match(piece).end():].strip()
        if code:
            statements.append(Statement(piece.strip(), code))
    kinds = [s.kind for s in statements]
    begins = [i for i, k in enumerate(kinds) if k == "begin"]
    commits = [i for i, k in enumerate(kinds) if k == "commit"]
    if len(begins) == 1 and len(commits) == 1 and begins[0] < commits[0]:
        first, last = begins[0], commits[0]
        if all(k == "setting" for k in kinds[:first]):
            return Script(path, True, tuple(statements[:first]), tuple(statements[first + 1:last]),
                          tuple(statements[last + 1:]), statements[first], statements[last])
    return Script(path, False, (), tuple(statements), ())
