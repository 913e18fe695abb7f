"""loader: entity files -> resolved `Schema` (DESIGN.md, "The data path").

    >>> schema = load_schema(Path("entities"), max_identifier_length=63)  # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Mapping

from codegen.errors import Problem, UserError, did_you_mean
from codegen.loader.plain_yaml import NOT_PLAIN

# The stages after reading are imported when entities are loaded, not by every
# `import codegen.loader` (config.py reads YAML through this package); pydantic
# only when an entity is not surely valid (specs.py).
if TYPE_CHECKING:
    from pydantic import ValidationError

    from codegen.loader.resolve import SourceEntity, TableBuilder
    from codegen.loader.specs import EntityDef
    from codegen.loader.yaml_source import Document
    from codegen.model import Schema

__all__ = ["load_schema", "entity_files", "file_digests", "ParsedFiles"]


@dataclass
class ParsedFiles:
    """The plain YAML data of entity files, by digest of their bytes: `known` from an earlier
    run (cache.py keeps it), `seen` filled by this one.

    Parsing is most of the reading of a large project, and between two runs of a
    developer few entity files change: the others are taken from `known` as they
    were parsed then (issue 6). Only files in plain_yaml's subset are kept.
    """

    known: Mapping[bytes, Any] = field(default_factory=dict)
    seen: dict[bytes, Any] = field(default_factory=dict)
    # Filled by load_schema: each entity file's path as shown and the digest of the bytes it
    # was loaded from (`file_digests` gives the same for the files as they are now). A `check`
    # that finds no difference remembers these (cache.fingerprint) without reading the files again.
    digests: list[tuple[str, bytes]] = field(default_factory=list)
    # Given: what is kept of `seen` (cache.parsed_content), made as soon as every file is read,
    # when `seen` differs from `known`; then the data is let go before resolution: holding it
    # through resolution added 28 MB to the peak at 10,000 files.
    keep: Callable[[dict[bytes, Any]], bytes] | None = None
    kept: bytes | None = None

    def changed(self) -> bool:
        return self.seen.keys() != self.known.keys()

    def seal(self) -> None:
        if self.keep is not None and self.changed():
            self.kept = self.keep(self.seen)
        self.known = self.seen = {}


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
    """`entity_files` as strings, in the same order: 10,000 Path objects and their sorting
    were a tenth of a second before anything else could start (issue 6)."""
    if not folder.is_dir():
        return []
    found: list[str] = []
    pending = [str(folder)]
    while pending:  # os.scandir knows regular files without a stat call each: Path.rglob did not
        with os.scandir(pending.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    pending.append(entry.path)
                elif entry.name.endswith(_EXTENSIONS) and entry.name not in _EXTENSIONS and entry.is_file():
                    found.append(entry.path)  # `.yaml` alone is a name without an extension, as for splitext
    return sorted(found, key=_path_order)


_EXTENSIONS = (".yaml", ".yml")


def _path_order(path: str) -> str:
    """How pathlib orders paths: by their parts, compared as the system compares names. With
    each separator a NUL (in no name), comparing the texts compares the parts, and a part
    sorts before any longer one it starts: the lists of parts cost a tenth of `generate`'s
    start at 10,000 files."""
    return os.path.normcase(path).replace(os.sep, "\0")


def load_schema(folder: Path, max_identifier_length: int | None, display_root: Path | None = None,
                meanwhile: Callable[[], None] = lambda: None, parsed: ParsedFiles | None = None) -> Schema:
    """Read, validate and resolve every entity file below `folder`.

    `meanwhile` is work of this process (imports of later stages) that can overlap
    the reading of a large project, done by a forked child. `parsed`: files parsed
    before are taken from it, and each file read is recorded in it. Raises
    UserError listing every problem (file:line:column, what, fix).
    """
    files = [(path, _display(path, display_root)) for path in entity_paths(folder)]
    sources: list[SourceEntity] = []
    problems: list[Problem] = []
    parsed = parsed if parsed is not None else ParsedFiles()
    loaded, built, keys = _load_files(files, meanwhile, parsed, max_identifier_length)
    for found, wrong in loaded:
        sources.extend(found)
        problems.extend(wrong)
    if problems:
        raise UserError(problems)
    parsed.digests = [(shown, key) for (_path, shown), key in zip(files, keys) if key is not None]
    parsed.seal()
    from codegen.loader.resolve import resolve

    return resolve(sources, max_identifier_length, built)


# Below this many files one process does all the reading: forking would cost more than it saves.
_SHARED_READING_FROM = 200


def _load_files(files: list[tuple[str, str]], meanwhile: Callable[[], None], parsed: ParsedFiles,
                max_identifier_length: int | None
                ) -> tuple[list[tuple[list[SourceEntity], list[Problem]]], TableBuilder, list[bytes | None]]:
    """Each file's entities, or its problems, in the order of `files`; the tables of the
    entities that stand alone, built as their files were read (resolve.TableBuilder); and the
    digest of each file's bytes (None for a file that could not be read as text).

    Files whose bytes `parsed` knows are not parsed again. In a large project a forked
    child reads files (and parses those `parsed` does not know) into plain data, and
    validates the files of one entity, while this process imports the later stages and
    then reads and validates files too; it takes the child's files as they arrive,
    between its own, and builds their tables (tables would be slower to send between
    processes than to build). Which process reads a file is decided as they go
    (concurrency.shared_map). Of a file `parsed` knows, the child sends no data: this
    process has it.
    """
    from codegen.loader.specs import entity as validated  # before the fork: both processes use it

    builders = []
    keys: list[bytes | None] = [None] * len(files)

    def prepare() -> None:
        from codegen.loader.resolve import TableBuilder  # imported here, not in the child

        builders.append(TableBuilder(max_identifier_length))
        meanwhile()

    def loaded(i: int, found: tuple[str, Any, bytes] | None,
               spec: EntityDef | None = None) -> tuple[list[SourceEntity], list[Problem]]:
        if found is not None:
            keys[i] = found[2]
            if found[1] is not NOT_PLAIN:
                parsed.seen[found[2]] = found[1]
        entities, problems = _load_file(*files[i], found, spec)
        for ent in entities:
            builders[0].add(ent)
        return entities, problems

    def read_here(i: int) -> tuple[list[SourceEntity], list[Problem]]:
        return loaded(i, _read(files[i][0], parsed))

    def read_there(i: int) -> tuple[str, Any, bytes, EntityDef | None] | None:
        found = _read(files[i][0], parsed)
        if found is None:
            return None
        text, data, key = found
        # A file of one entity is validated here too, when the fast path is sure of it.
        spec = validated(data) if type(data) is dict and "entity" in data else None
        return text, None if key in parsed.known else data, key, spec

    def arrived(i: int, sent: tuple[str, Any, bytes, EntityDef | None] | None) -> tuple[list[SourceEntity], list[Problem]]:
        if sent is None:
            return loaded(i, None)
        text, data, key, spec = sent
        return loaded(i, (text, parsed.known[key] if key in parsed.known else data, key), spec)

    if len(files) < _SHARED_READING_FROM:
        prepare()
        return [read_here(i) for i in range(len(files))], builders[0], keys
    from codegen.concurrency import shared_map

    mine, theirs = shared_map(range(len(files)), read_here, read_there, prepare, arrived=arrived)
    return [mine[i] if i in mine else theirs[i] for i in range(len(files))], builders[0], keys


def _load_file(path: str, shown: str, read: tuple[str, Any, bytes] | None,
               spec: EntityDef | None = None) -> tuple[list[SourceEntity], list[Problem]]:
    """`spec`: the definition of the one entity of `read`, validated by specs.entity elsewhere."""
    try:
        return _entities_of(path, shown, read, spec), []
    except UserError as exc:
        return [], exc.problems


def _read(path: str, parsed: ParsedFiles) -> tuple[str, Any, bytes] | None:
    """A file's text, its data when it is plain YAML (or known to `parsed`), else NOT_PLAIN
    (`_entities_of` reads it with PyYAML then, which reports its mistakes), and the digest of
    its bytes. None when it is not UTF-8 text: `_entities_of` says so."""
    from codegen.loader.plain_yaml import read_plain

    try:
        with open(path, "rb") as file:
            raw = file.read()
        text = _decoded(raw)
    except (OSError, UnicodeDecodeError):
        return None
    key = digest(raw)
    data = parsed.known.get(key, NOT_PLAIN)
    if data is NOT_PLAIN:
        data = read_plain(text)
    return text, data, key


def _text_of(path: str) -> str:
    with open(path, "rb") as file:
        return _decoded(file.read())


def _decoded(raw: bytes) -> str:
    """The bytes as text with universal newlines, as `Path.read_text` gives it, without its
    text layer: decoding the bytes at once is twice as fast for small files."""
    text = raw.decode("utf-8")
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def _display(path: str, root: Path | None) -> str:
    if root is None:
        return path
    prefix = str(root).rstrip(os.sep) + os.sep
    if path.startswith(prefix):  # Path.relative_to, without its parsing (issue 6)
        return path[len(prefix):]
    try:
        return str(Path(path).relative_to(root))
    except ValueError:
        return path


def _entities_of(path: str, shown: str, read: tuple[str, Any, bytes] | None,
                 spec: EntityDef | None = None) -> list[SourceEntity]:
    from codegen.loader.yaml_source import Document, read_yaml

    if read is not None and read[1] is not NOT_PLAIN:
        text, data, _key = read
        doc = Document(shown, text)
    elif read is not None:
        text = read[0]
        data = read_yaml(text, shown)
        doc = Document(shown, text, data)
    else:
        try:
            text = _text_of(path)
        except UnicodeDecodeError as exc:
            raise UserError.at(shown, f"not UTF-8 text ({exc.reason} at byte {exc.start})", "save the file as UTF-8") from None
        except OSError as exc:
            raise UserError.at(shown, f"cannot be read ({exc.strerror or exc})",
                               "make the file readable, or move it out of the entities folder") from None
        doc, data = Document.read(shown, text)
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
    return [_validate(doc, (), data, spec)]


def _validate(doc: Document, path: tuple[Any, ...], item: Any, spec: EntityDef | None = None) -> SourceEntity:
    """`spec`: `item` as specs.entity made it already (in the forked child)."""
    from codegen.loader import specs
    from codegen.loader.resolve import SourceEntity

    if spec is None:
        spec = specs.entity(item)
    if spec is None:  # not surely valid: pydantic decides, and words what is wrong
        from pydantic import ValidationError

        from codegen.loader.format import EntitySpec

        try:
            spec = specs.from_model(EntitySpec.model_validate(item))
        except ValidationError as exc:
            raise UserError(_problems_from(exc, doc, path, item)) from None
    return SourceEntity(spec, doc.file, doc, path)


def _problems_from(exc: ValidationError, doc: Document, prefix: tuple[Any, ...], item: Any) -> list[Problem]:
    """pydantic's errors, pointed at the YAML and phrased for a person, one per place."""
    from codegen.loader.format import CHECK_KEYS, ENTITY_KEYS, FIELD_KEYS, INDEX_KEYS

    keys_at_depth = {"fields": FIELD_KEYS, "indexes": INDEX_KEYS, "checks": CHECK_KEYS}
    entity = item.get("entity") if isinstance(item, dict) and isinstance(item.get("entity"), str) else None
    problems: dict[tuple, Problem] = {}
    for error in exc.errors():
        data_path = _data_path(item, error["loc"])
        field = data_path[1] if len(data_path) > 1 and data_path[0] == "fields" else None
        kind = error["type"]
        if kind == "extra_forbidden":
            key = data_path[-1]
            section = data_path[0] if len(data_path) > 1 else None
            known = ENTITY_KEYS if section is None else keys_at_depth.get(section, ())
            if section == "fields" and len(data_path) == 4 and data_path[2] == "default":
                known = ("sql",)
            message = f"unknown key `{key}`"
            fix = did_you_mean(str(key), known) or f"remove it; known keys: {', '.join(known)}"
            where = doc.locate(prefix + data_path, at_key=True)
        else:
            message, fix = _phrase(error, data_path)
            where = doc.locate(prefix + data_path)
        problems.setdefault(data_path, Problem(where, message, fix, entity, field))
    return list(problems.values())


def _data_path(item: Any, loc: tuple) -> tuple:
    """Drop the parts of a pydantic location that name union branches, not keys of the data."""
    node, path = item, []
    for part in loc:
        if isinstance(node, dict) and part in node:
            node = node[part]
            path.append(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
            path.append(part)
        elif isinstance(node, dict) and len(path) == len(loc) - 1 or (isinstance(node, dict) and part == loc[-1]):
            path.append(part)  # a missing or unknown key: the key itself is the place
            break
    return tuple(path)


def _phrase(error: dict, path: tuple) -> tuple[str, str | None]:
    key = path[-1] if path else "entity"
    if isinstance(key, int) and len(path) > 1:  # an item of a list: name the list
        key = path[-2]
    kind, given = error["type"], error.get("input")
    expected = error["msg"].replace("Input should be", "expected")
    if kind == "missing":
        return f"missing required key `{key}`", f"add `{key}:`"
    if isinstance(given, bool) and kind.startswith("string"):
        return (f"`{key}` has a boolean where text is expected (YAML reads yes/no/on/off/true/false as booleans)",
                "quote the value, e.g. 'on'")
    if path and path[0] == "fields" and len(path) == 2:
        return ("a field must be a type (`string`, `string?`) or a mapping with `type:`",
                "write `name: string` or `name: {type: string}`")
    if len(path) >= 3 and path[0] == "fields" and path[2] == "default":
        return ("a default must be a string, number, boolean, null, or {sql: ...}",
                "write `default: 0`, `default: now` or `default: {sql: \"...\"}`")
    if kind == "literal_error":
        return f"invalid value for `{key}`: {expected}", "use one of the values listed"
    if kind == "string_pattern_mismatch":
        return f"`{given}` is not a type shorthand", "write a type such as `string` or `string?`"
    if kind in ("int_type", "int_parsing"):
        return f"invalid value for `{key}`: {expected}", "write a whole number, without quotes"
    if kind == "bool_type":
        return f"invalid value for `{key}`: {expected}", "write true or false"
    if kind in ("list_type", "too_short"):
        return f"invalid value for `{key}`: {expected}", f"write a list: `{key}: [a, b]`"
    if kind in ("dict_type", "model_type"):
        return f"invalid value for `{key}`: expected a mapping", f"write `{key}:` followed by indented keys"
    return f"invalid value for `{key}`: {expected}", "see the entity format in the README"
