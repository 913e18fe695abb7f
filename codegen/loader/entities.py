"""What resolution works with: an entity as written, its fields, and the problems found so far."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from codegen import naming
from codegen.errors import Location, Problem
from codegen.loader.specs import EntityDef, FieldDef
from codegen.loader.yaml_source import Document


@dataclass(frozen=True, slots=True)
class SourceEntity:
    """One entity as written, with what is needed to point back at it."""

    spec: EntityDef
    file: str
    doc: Document  # the whole file
    path: tuple[Any, ...]  # where the entity sits in the file's data: () or ("entities", i)

    def at(self, *path: Any, at_key: bool = False) -> Location:
        return self.doc.locate(self.path + path, at_key=at_key)


class Field:
    """A field after `extends` is merged; `owner` is the entity that wrote it.

    A plain class: one is made per column, and a frozen dataclass took three times
    as long to build."""

    __slots__ = ("name", "spec", "owner")

    def __init__(self, name: str, spec: FieldDef, owner: SourceEntity) -> None:
        self.name, self.spec, self.owner = name, spec, owner


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)
    # Names already matched against naming.IDENTIFIER: most column names recur across tables.
    identifiers: set[str] = field(default_factory=set)
    # What a field's spec makes of a column besides its name and origin, by the spec's written
    # keys and values, for specs that raised no problem: most fields of a large project are
    # written alike (`{type: string, length: 50}`), and building each was most of resolution.
    columns: dict[tuple, tuple] = field(default_factory=dict)
    # `unsigned: true` as a check's expression for a column (None: the database has UNSIGNED itself).
    unsigned_check: Callable[[str], str | None] | None = None
    dialect: str | None = None  # the project's: which text of `native:` a column gets
    identity_index: bool = False  # an autoincrement column must lead an index (MySQL)
    shared_enums: dict = field(default_factory=dict)  # codegen.yaml `enums:`: name -> values
    enum_types: bool = False  # the database has enum types (PostgreSQL): a shared enum is one type

    def error(self, where: Location, message: str, fix: str | None = None,
              entity: str | None = None, field: str | None = None) -> None:
        self.problems.append(Problem(where, message, fix, entity, field))


def check_identifier(report: Report, where: Location, name: str, what: str, max_len: int | None,
                      entity: str | None, fieldname: str | None) -> bool:
    if name not in report.identifiers:
        if not naming.IDENTIFIER.match(name):
            report.error(where, f"{what} `{name}` is not a valid identifier",
                         "use letters, digits and underscores, not starting with a digit", entity, fieldname)
            return False
        report.identifiers.add(name)
    if max_len is not None and len(name) > max_len:
        report.error(where, f"{what} `{name}` is {len(name)} characters; the dialect allows {max_len}",
                     "choose a shorter name", entity, fieldname)
        return False
    return True


def field_at(f: Field, *key: str) -> Location:
    """The field's `key:` when written out, else the field (`name: string?` has no `nullable:`)."""
    return FieldLocation(f.owner.doc, f.owner.path, f.name, key)


class FieldLocation(Location):
    """A field's place, found when first asked for. Every column keeps one as its origin, so
    it is one small object (a Location with a closure took 300 bytes more, 30 MB at 10,000
    tables; a Location with a separate finder object, a tenth of resolution) and holds the
    document, not the entity, whose pydantic models are freed after resolution."""

    __slots__ = ("_doc", "_entity_path", "_name", "_key")

    def __init__(self, doc: Document, entity_path: tuple[Any, ...], name: str, key: tuple[str, ...]):
        self.file, self._line, self._column, self._find = doc.file, None, None, None
        self._doc, self._entity_path, self._name, self._key = doc, entity_path, name, key

    def _found(self) -> None:
        doc = self._doc
        if doc is None:
            return
        path = self._entity_path + ("fields", self._name)
        raw_field = doc.marked()
        for part in path:
            raw_field = raw_field.get(part) if isinstance(raw_field, dict) else (
                raw_field[part] if isinstance(raw_field, list) else None)
        written = bool(self._key) and isinstance(raw_field, dict) and self._key[0] in raw_field
        self._line, self._column = doc.position(path + self._key if written else path)
        self._doc = None
