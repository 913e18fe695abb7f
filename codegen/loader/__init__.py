"""loader: entity files -> resolved `Schema` (DESIGN.md, "The data path").

Each file is read, parsed (plain_yaml.parse), validated (specs, or the
pydantic models in format.py when the fast check is unsure), and then the
whole project is resolved at once (resolve.py), because references and
`extends` cross files.

    >>> schema = load_schema(Path("entities"), max_identifier_length=63)  # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

from codegen.errors import Problem, UserError

if TYPE_CHECKING:
    from codegen.loader.resolve import SourceEntity
    from codegen.loader.yaml_source import Document
    from codegen.model import Schema

__all__ = ["load_schema", "entity_files", "file_digests", "ParsedFiles"]


@dataclass
class ParsedFiles:
    """The parsed data of entity files by a digest of their bytes: `known` from an earlier run
    (cache.py keeps it), `seen` filled by this one, and each file's path as shown with that digest.

    Between two runs of a developer few entity files change, and parsing is most of
    the reading: a file whose bytes are in `known` is not parsed again.
    """

    known: Mapping[bytes, Any] = field(default_factory=dict)
    seen: dict[bytes, Any] = field(default_factory=dict)
    digests: list[tuple[str, bytes]] = field(default_factory=list)

    def changed(self) -> bool:
        return self.seen.keys() != self.known.keys()


def digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


def file_digests(folder: Path, display_root: Path | None) -> list[tuple[str, bytes]]:
    """What load_schema records in `ParsedFiles.digests`, for the entity files as they are now."""
    found = []
    for path in entity_paths(folder):
        try:
            with open(path, "rb") as file:
                found.append((_display(path, display_root), digest(file.read())))
        except OSError:  # no digest is empty: matches nothing remembered, and loading says what is wrong
            found.append((_display(path, display_root), b""))
    return found


def entity_files(folder: Path) -> list[Path]:
    """Every *.yaml / *.yml below `folder`, in a stable order (symlinked folders are not entered)."""
    return [Path(path) for path in entity_paths(folder)]


def entity_paths(folder: Path) -> list[str]:
    """`entity_files` as strings: os.scandir knows regular files without a stat call each."""
    if not folder.is_dir():
        return []
    found: list[str] = []
    pending = [str(folder)]
    while pending:
        with os.scandir(pending.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    pending.append(entry.path)
                elif entry.name.endswith(_EXTENSIONS) and entry.name not in _EXTENSIONS and entry.is_file():
                    found.append(entry.path)  # `.yaml` alone is a name without an extension, as for splitext
    return sorted(found, key=_path_order)


_EXTENSIONS = (".yaml", ".yml")


def _path_order(path: str) -> str:
    """How pathlib orders paths (by their parts), without building Path objects: with each
    separator a NUL, which is in no name, comparing the texts compares the parts."""
    return os.path.normcase(path).replace(os.sep, "\0")


def load_schema(folder: Path, max_identifier_length: int | None, display_root: Path | None = None,
                parsed: ParsedFiles | None = None, names_fold_case: bool = False, unsigned_check=None,
                dialect=None, shared_enums=()) -> Schema:
    """Read, validate and resolve every entity file below `folder`.

    `parsed`: files parsed before are taken from it, and each file read is
    recorded in it. Raises UserError listing every problem (file:line:column,
    what, fix), sorted by file and line.
    """
    from codegen.loader.resolve import resolve

    parsed = parsed if parsed is not None else ParsedFiles()
    sources: list[SourceEntity] = []
    problems: list[Problem] = []
    for path in entity_paths(folder):
        try:
            sources.extend(_entities_of(path, _display(path, display_root), parsed))
        except UserError as exc:
            problems.extend(exc.problems)
    if problems:
        raise UserError(problems)
    return resolve(sources, max_identifier_length, names_fold_case, unsigned_check, dialect, shared_enums)


def _entities_of(path: str, shown: str, parsed: ParsedFiles) -> list[SourceEntity]:
    from codegen.loader.plain_yaml import parse
    from codegen.loader.yaml_source import Document

    try:
        with open(path, "rb") as file:
            raw = file.read()
        text = _decoded(raw)
    except UnicodeDecodeError as exc:
        raise UserError.at(shown, f"not UTF-8 text ({exc.reason} at byte {exc.start})", "save the file as UTF-8") from None
    except OSError as exc:
        raise UserError.at(shown, f"cannot be read ({exc.strerror or exc})",
                           "make the file readable, or move it out of the entities folder") from None
    key = digest(raw)
    data = parsed.known[key] if key in parsed.known else parse(text, shown)
    parsed.seen[key] = data
    parsed.digests.append((shown, key))
    doc = Document(shown, text)
    if data is None:
        return []  # an empty file (or only comments) declares nothing
    if not isinstance(data, dict):
        raise UserError.at(shown, "an entity file must be a mapping with `entity:` or an `entities:` list",
                           "start the file with `entity: Name`", line=1, column=1)
    if "entity" not in data and "entities" in data:
        items = data["entities"]
        extra = [k for k in data if k != "entities"]
        if extra:
            raise UserError.at(shown, f"unknown top-level key `{extra[0]}` beside `entities:`",
                               "move it into one of the listed entities", *doc.position((extra[0],), True))
        if not isinstance(items, list):
            raise UserError.at(shown, "`entities:` must be a list of entities", "write `entities:` then `- entity: Name` items",
                               *doc.position(("entities",)))
        return [_validate(doc, ("entities", i), item) for i, item in enumerate(items)]
    return [_validate(doc, (), data)]


def _decoded(raw: bytes) -> str:
    """The bytes as text with universal newlines, as `Path.read_text` gives it."""
    text = raw.decode("utf-8")
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def _display(path: str, root: Path | None) -> str:
    if root is None:
        return path
    prefix = str(root).rstrip(os.sep) + os.sep
    if path.startswith(prefix):
        return path[len(prefix):]
    try:
        return str(Path(path).relative_to(root))
    except ValueError:
        return path


def _validate(doc: Document, path: tuple[Any, ...], item: Any) -> SourceEntity:
    from codegen.loader import specs
    from codegen.loader.resolve import SourceEntity

    spec = specs.entity(item)
    if spec is None:  # not surely valid: pydantic decides, and words what is wrong
        from pydantic import ValidationError

        from codegen.loader.format import EntitySpec
        from codegen.loader.messages import problems_from

        try:
            spec = specs.from_model(EntitySpec.model_validate(item))
        except ValidationError as exc:
            raise UserError(problems_from(exc, doc, path, item)) from None
    return SourceEntity(spec, doc.file, doc, path)
