"""Speed of codegen against its peers, on synthetic schemas of N tables.

    python bench/run.py                       # N = 100, 1,000, 10,000; 3 runs; Alembic as the peer
    python bench/run.py --sizes 100,1000 --runs 5 --peers alembic,drizzle
    python bench/run.py --runs 5 --peer-runs 3 --peers alembic,drizzle   # the peers' runs are minutes each

Every tool gets the same logical schema: N tables of 10 columns (an integer
key, seven strings, a unique code, a nullable foreign key to the previous
table), one index and one unique constraint each. Whole processes are timed
(median and spread of --runs; of --peer-runs for the peers), with peak memory: the largest resident set of
the process and its children (wait4's ru_maxrss). They are started from a small launcher
process (Launcher), so that the benchmark's own size does not count:

- codegen generate, initial (empty migrations folder);
- codegen generate, incremental (10% of the tables gain a column), in the
  project of the first generate, as a developer runs it: the files that did not
  change are not parsed again (.codegen_cache/parsed, see codegen/cache.py);
- the same in a fresh clone of that project, without .codegen_cache;
- codegen check with nothing changed, in a fresh clone (without
  .codegen_cache) and after a first check (answered from .codegen_cache);
- codegen --help;
- Alembic autogenerate (`alembic revision --autogenerate`) against SQLite,
  initial and incremental, from SQLAlchemy models of the same schema;
- drizzle-kit generate (PostgreSQL), when --peers names it and npx can
  install it.

Jinja's compiled templates are kept per user between runs (codegen/render.py),
so the first codegen process of a benchmark compiles them, as a developer's
first run does, and the others do not.

The runs are taken in rounds, one run of each codegen row per round (and of
`codegen --help`, so it has --runs runs per N), and at each N the rounds are
spread evenly between the peers' runs rather than taken after them: the
machines here change speed by up to two times within minutes, and this way a
slow stretch falls on every row alike, and codegen and its peers are timed
over the same minutes.

The report opens with how fast the machine was (a fixed pure-Python loop:
the same code runs twice as long on some days' machines as on others', peers
included) and ends with each of the speed goals that the run measured, met or
not. Then, for the largest N, where codegen's time goes, stage by stage. Timings
stay out of the test suite; tests/test_bench.py runs this at N=10.
"""

from __future__ import annotations

import argparse
import os
import pickle
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
CODEGEN = [sys.executable, "-m", "codegen"]
ALEMBIC = [sys.executable, "-m", "alembic"]


# Row names shared by the rows main() measures and the goals print_goals checks.
HELP = "codegen --help"
INITIAL = "codegen generate, initial"
INCREMENTAL = "codegen generate, incremental (10% gain a column)"
FRESH_INCREMENTAL = "codegen generate, incremental, fresh clone (nothing cached)"
FIRST_CHECK = "codegen check, no change (first check: nothing cached)"
CACHED_CHECK = "codegen check, no change (checked before: cached)"


@dataclass(frozen=True)
class Measure:
    seconds: list[float]
    peak_mb: float

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def spread(self) -> float:
        return max(self.seconds) - min(self.seconds)


def run_once(cmd: list[str], cwd: Path, env: dict | None = None) -> tuple[float, float]:
    """Wall time and peak resident memory (MB) of one whole process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env={**os.environ, **(env or {})},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed in {cwd}: {proc.stderr.read().decode()[-2000:]}")
    return elapsed, usage.ru_maxrss / 1024


class Launcher:
    """Starts the timed processes from a small process forked when the benchmark starts.

    Linux carries the peak memory of the process that starts a program into the
    program's own peak (ru_maxrss survives exec), and this benchmark grows to tens of
    MB while it writes the workspaces: `codegen --help` (16 MB) read as 42 MB when
    started from it. The launcher, forked before that, stays as small as a bare Python.
    """

    def __init__(self) -> None:
        requests, to_launcher = os.pipe()
        from_launcher, replies = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:
            os.close(to_launcher)
            os.close(from_launcher)
            self._serve(os.fdopen(requests, "rb"), os.fdopen(replies, "wb"))
        os.close(requests)
        os.close(replies)
        self._to, self._from = os.fdopen(to_launcher, "wb"), os.fdopen(from_launcher, "rb")

    def run(self, cmd: list[str], cwd: Path, env: dict | None) -> tuple[float, float]:
        """run_once in the launcher."""
        pickle.dump((cmd, cwd, env), self._to)
        self._to.flush()
        ok, value = pickle.load(self._from)
        if not ok:
            raise RuntimeError(value)
        return value

    def close(self) -> None:
        self._to.close()  # the launcher reads an end of file and exits
        self._from.close()
        os.waitpid(self.pid, 0)

    @staticmethod
    def _serve(requests, replies) -> None:
        try:
            while True:
                try:
                    cmd, cwd, env = pickle.load(requests)
                except EOFError:
                    break
                try:
                    reply = (True, run_once(cmd, cwd, env))
                except Exception as exc:  # noqa: BLE001 - reported by the benchmark process
                    reply = (False, str(exc))
                pickle.dump(reply, replies)
                replies.flush()
        finally:
            os._exit(0)


class Row:
    """One row of the report: a command whose runs are taken one at a time (`run`), in turns
    with the other rows' (`interleaved`); `prepare()` returns a fresh working folder for each
    run (untimed)."""

    def __init__(self, launcher: Launcher, cmd: list[str], prepare, env: dict | None = None) -> None:
        self.launcher, self.cmd, self.prepare, self.env = launcher, cmd, prepare, env
        self.seconds: list[float] = []
        self.peak_mb = 0.0

    def run(self) -> None:
        seconds, mb = self.launcher.run(self.cmd, self.prepare(), self.env)
        self.seconds.append(seconds)
        self.peak_mb = max(self.peak_mb, mb)

    def measured(self) -> Measure:
        return Measure(self.seconds, self.peak_mb)


def interleaved(*sequences: list) -> list:
    """The items of all `sequences`, each sequence in its order, spread evenly over the whole:
    codegen's rounds fall between the peers' runs rather than after them all."""
    placed = [((i + 0.5) / len(seq), n, i) for n, seq in enumerate(sequences) for i in range(len(seq))]
    return [sequences[n][i] for _, n, i in sorted(placed)]


# -- the synthetic schema, for each tool ------------------------------------------------------

def entity_yaml(i: int, extra: bool) -> str:
    lines = [f"entity: T{i}", f"table: t{i}", "fields:", "  id: {type: integer, primary_key: true}"]
    lines += [f"  c{c}: {{type: string, length: 50}}" for c in range(7)]
    lines.append("  code: {type: string, length: 20, unique: true}")
    ref = f", references: T{i - 1}" if i else ""
    lines.append(f"  prev_id: {{type: integer, nullable: true{ref}}}")
    if extra:
        lines.append("  added: string?")
    lines += ["indexes:", "  - columns: [c0]"]
    return "\n".join(lines) + "\n"


def alembic_models(n: int, extra: set[int]) -> str:
    out = ["import sqlalchemy as sa", "", "metadata = sa.MetaData()", ""]
    for i in range(n):
        cols = ["sa.Column('id', sa.Integer, primary_key=True, autoincrement=False)"]
        cols += [f"sa.Column('c{c}', sa.String(50), nullable=False)" for c in range(7)]
        cols.append("sa.Column('code', sa.String(20), nullable=False, unique=True)")
        fk = f", sa.ForeignKey('t{i - 1}.id')" if i else ""
        cols.append(f"sa.Column('prev_id', sa.Integer{fk}, nullable=True)")
        if i in extra:
            cols.append("sa.Column('added', sa.Text, nullable=True)")
        cols.append(f"sa.Index('ix_t{i}_c0', 'c0')")
        out.append(f"sa.Table('t{i}', metadata, {', '.join(cols)})")
    return "\n".join(out) + "\n"


def drizzle_schema(n: int, extra: set[int]) -> str:
    out = ['import { pgTable, integer, varchar, text, index } from "drizzle-orm/pg-core";', ""]
    for i in range(n):
        cols = ["id: integer().primaryKey()"]
        cols += [f'c{c}: varchar({{ length: 50 }}).notNull()' for c in range(7)]
        cols.append("code: varchar({ length: 20 }).notNull().unique()")
        ref = f".references(() => t{i - 1}.id)" if i else ""
        cols.append(f"prev_id: integer(){ref}")
        if i in extra:
            cols.append("added: text()")
        out.append(f'export const t{i} = pgTable("t{i}", {{ {", ".join(cols)} }}, (t) => [index("ix_t{i}_c0").on(t.c0)]);')
    return "\n".join(out) + "\n"


def changed(n: int) -> set[int]:
    """The 10% of tables that gain a column."""
    return set(range(0, n, 10))


# -- workspaces ------------------------------------------------------------------------------------

class Workspace:
    def __init__(self, root: Path, n: int):
        self.root, self.n = root, n

    def codegen_base(self) -> Path:
        base = self.root / "codegen-base"
        if not base.exists():
            (base / "entities").mkdir(parents=True)
            (base / "codegen.yaml").write_text("dialect: postgresql\n")
            for i in range(self.n):
                (base / "entities" / f"t{i}.yaml").write_text(entity_yaml(i, False))
        return base

    def codegen_generated(self) -> Path:
        done = self.root / "codegen-generated"
        if not done.exists():
            shutil.copytree(self.codegen_base(), done)
            run_once(CODEGEN + ["-q", "generate", "-m", "init"], done, {"SOURCE_DATE_EPOCH": "1767225600"})
        return done

    def fresh(self, source: Path, edit=None) -> Path:
        target = Path(tempfile.mkdtemp(dir=self.root))
        shutil.rmtree(target)
        shutil.copytree(source, target)
        if edit:
            edit(target)
        return target

    def add_columns(self, project: Path) -> None:
        for i in changed(self.n):
            (project / "entities" / f"t{i}.yaml").write_text(entity_yaml(i, True))

    @staticmethod
    def cloned(project: Path) -> None:
        """As `git clone` leaves it: .codegen_cache is not committed."""
        shutil.rmtree(project / ".codegen_cache", ignore_errors=True)

    def cloned_with_columns(self, project: Path) -> None:
        self.cloned(project)
        self.add_columns(project)

    def alembic_base(self, applied: bool) -> Path:
        base = self.root / ("alembic-applied" if applied else "alembic-empty")
        if base.exists():
            return base
        base.mkdir()
        (base / "models.py").write_text(alembic_models(self.n, set()))
        (base / "alembic.ini").write_text("[alembic]\nscript_location = migrations\nsqlalchemy.url = sqlite:///db.sqlite\n"
                                          "prepend_sys_path = .\n")
        (base / "migrations" / "versions").mkdir(parents=True)
        (base / "migrations" / "script.py.mako").write_text(
            '"""${message}"""\nfrom alembic import op\nimport sqlalchemy as sa\n${imports if imports else ""}\n'
            "revision = ${repr(up_revision)}\ndown_revision = ${repr(down_revision)}\nbranch_labels = None\n"
            "depends_on = None\n\n\ndef upgrade():\n    ${upgrades if upgrades else 'pass'}\n\n\n"
            "def downgrade():\n    ${downgrades if downgrades else 'pass'}\n")
        (base / "migrations" / "env.py").write_text(
            "from alembic import context\nfrom sqlalchemy import create_engine\nfrom models import metadata\n"
            "engine = create_engine(context.config.get_main_option('sqlalchemy.url'))\n"
            "with engine.connect() as connection:\n"
            "    context.configure(connection=connection, target_metadata=metadata)\n"
            "    with context.begin_transaction():\n        context.run_migrations()\n")
        if applied:
            run_once(ALEMBIC + ["revision", "--autogenerate", "-m", "init"], base)
            run_once(ALEMBIC + ["upgrade", "head"], base)
            (base / "models.py").write_text(alembic_models(self.n, changed(self.n)))
        return base


def drizzle_available(root: Path) -> Path | None:
    """A folder with drizzle-kit installed from the npm registry, or None."""
    if shutil.which("npx") is None:
        return None
    folder = root / "drizzle-tools"
    if not (folder / "node_modules" / ".bin" / "drizzle-kit").exists():
        folder.mkdir(exist_ok=True)
        done = subprocess.run(["npm", "install", "--silent", "--no-audit", "--no-fund", "drizzle-kit", "drizzle-orm"],
                              cwd=folder, capture_output=True, text=True)
        if done.returncode != 0:
            print(f"drizzle-kit not installed: {done.stderr.strip()[:300]}", file=sys.stderr)
            return None
    return folder


def drizzle_project(ws: Workspace, tools: Path, incremental: bool) -> Path:
    target = Path(tempfile.mkdtemp(dir=ws.root))
    (target / "node_modules").symlink_to(tools / "node_modules")
    (target / "drizzle.config.json").write_text('{"dialect": "postgresql", "schema": "./schema.ts", "out": "./drizzle"}')
    (target / "schema.ts").write_text(drizzle_schema(ws.n, set()))
    if incremental:
        run_once(["npx", "drizzle-kit", "generate", "--config", "drizzle.config.json"], target)
        (target / "schema.ts").write_text(drizzle_schema(ws.n, changed(ws.n)))
    return target


# -- where codegen's time goes ------------------------------------------------------------------------

def stage_profile(project: Path) -> list[tuple[str, float]]:
    """Stage timings of one in-process `generate`, the stages of DESIGN.md's data path."""
    sys.path.insert(0, str(HERE.parent))
    import gc

    gc.disable()  # as the CLI does
    stages = []

    def timed(name, fn):
        start = time.perf_counter()
        value = fn()
        stages.append((name, time.perf_counter() - start))
        if os.environ.get("CODEGEN_BENCH_MEMORY"):
            import resource
            print(f"{name}: peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB", file=sys.stderr)
        return value

    def imports():
        from codegen import cli, pipeline  # noqa: F401
        from codegen.loader import resolve, format  # noqa: F401
        from codegen import differ, planner, render  # noqa: F401

    timed("imports (codegen, pydantic, jinja2, click)", imports)
    from codegen.config import load_project
    from codegen.dialects import get_dialect
    from codegen.differ import compare
    from codegen.loader import entity_files
    from codegen.loader import specs as entity_specs
    from codegen.loader.format import EntitySpec
    from codegen.loader.resolve import SourceEntity, resolve
    from codegen.loader.plain_yaml import parse
    from codegen.loader.yaml_source import Document
    from codegen.pipeline import State, prepare_migration, write_migration
    from codegen.planner import plan
    from codegen.render import down_operations, render_sql
    from codegen.snapshot import Snapshot, read_snapshot

    proj = load_project(project / "codegen.yaml", project)
    dialect = get_dialect(proj.dialect)
    files = timed("listing entity files", lambda: entity_files(proj.entities))
    docs = timed("reading them (YAML)", lambda: [(Document(str(p), text), parse(text, str(p)))
                                                 for p in files for text in [p.read_text()]])
    specs = timed("validation (specs.py; pydantic when unsure)", lambda: [
        entity_specs.entity(data) or entity_specs.from_model(EntitySpec.model_validate(data)) for _, data in docs])
    docs = [doc for doc, _ in docs]
    schema = timed("resolution (model)", lambda: resolve(
        [SourceEntity(spec, d.file, d, ()) for spec, d in zip(specs, docs)], dialect.max_identifier_length))
    snap = timed("reading the snapshot", lambda: read_snapshot(proj.snapshot, "s"))
    comparison = timed("diff", lambda: compare(snap.schema, schema))
    up = timed("plan", lambda: plan(comparison.ops, dialect, comparison.renamed_old, schema))
    state = State(proj, snap, schema, tuple(up))
    planned = prepare_migration(state, "warm-up")  # untimed: loads and compiles the templates once
    timed("rendering up.sql (Jinja)", lambda: render_sql(planned.info, list(up), proj.dialect, "up"))
    timed("rendering down.sql (Jinja)", lambda: render_sql(planned.info, down_operations(list(up)), proj.dialect, "down"))
    timed("snapshot JSON", lambda: Snapshot(schema, "x", proj.dialect).to_text())
    timed("writing (files, checksums)", lambda: write_migration(planned))
    return stages


# -- the report -------------------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--peer-runs", type=int, default=None,
                        help="runs of each peer (default: --runs); Alembic takes minutes per run at N=10,000")
    parser.add_argument("--peers", default="alembic", help="comma-separated: alembic, drizzle (or none)")
    parser.add_argument("--no-profile", action="store_true")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    peers = {p for p in args.peers.split(",") if p and p != "none"}
    peer_runs = args.peer_runs or args.runs
    rows = []
    launcher = Launcher()
    root = Path(tempfile.mkdtemp(prefix="codegen-bench-"))
    try:
        help_row = Row(launcher, CODEGEN + ["--help"], lambda: root)  # measured once in each round of every N
        drizzle_tools = drizzle_available(root) if "drizzle" in peers else None
        for n in sizes:
            ws = Workspace(root / f"n{n}", n)
            ws.root.mkdir()
            base, generated = ws.codegen_base(), ws.codegen_generated()
            initial_peers: dict[str, Row] = {}
            incremental_peers: dict[str, Row] = {}
            if "alembic" in peers:
                empty = ws.alembic_base(applied=False)
                applied = ws.alembic_base(applied=True)
                autogen = ALEMBIC + ["revision", "--autogenerate", "-m", "bench"]
                initial_peers["alembic"] = Row(launcher, autogen, lambda: ws.fresh(empty))
                incremental_peers["alembic"] = Row(launcher, autogen, lambda: ws.fresh(applied))
            if drizzle_tools is not None:
                drizzle = ["npx", "drizzle-kit", "generate", "--config", "drizzle.config.json"]
                initial_peers["drizzle-kit"] = Row(launcher, drizzle,
                                                   lambda: drizzle_project(ws, drizzle_tools, False))
                incremental_peers["drizzle-kit"] = Row(launcher, drizzle,
                                                       lambda: drizzle_project(ws, drizzle_tools, True))
            generate = CODEGEN + ["-q", "generate", "-m", "bench"]
            check = CODEGEN + ["-q", "check"]

            def checked_once() -> Path:
                project = ws.fresh(generated)
                run_once(check, project)  # untimed: leaves .codegen_cache/in-sync behind
                return project

            codegen_rows = [
                (INITIAL, Row(launcher, generate, lambda: ws.fresh(base)), initial_peers),
                (INCREMENTAL, Row(launcher, generate, lambda: ws.fresh(generated, ws.add_columns)), incremental_peers),
                (FRESH_INCREMENTAL, Row(launcher, generate, lambda: ws.fresh(generated, ws.cloned_with_columns)),
                 incremental_peers),
                (FIRST_CHECK, Row(launcher, check, lambda: ws.fresh(generated, ws.cloned)), {}),
                (CACHED_CHECK, Row(launcher, check, checked_once), {}),
            ]
            each_round = [help_row] + [row for _, row, _ in codegen_rows]
            rounds = [lambda: [row.run() for row in each_round]] * args.runs
            peer_rows = [*initial_peers.values(), *incremental_peers.values()]
            peer_turns = [row.run for _ in range(peer_runs) for row in peer_rows]
            for step in interleaved(rounds, peer_turns):
                step()
            rows += [(what, n, row.measured(), {p: r.measured() for p, r in peer.items()})
                     for what, row, peer in codegen_rows]
        rows.insert(0, (HELP, "-", help_row.measured(), {}))
        print_report(rows, sizes, peers, drizzle_tools is not None, (args.runs, peer_runs))
        print_goals(rows)
        if not args.no_profile:
            largest = Workspace(root / f"n{max(sizes)}", max(sizes))
            print(f"\nWhere codegen generate's time goes at N={max(sizes):,} (one in-process run):\n")
            print("| stage | seconds |\n| --- | ---: |")
            for stage, seconds in stage_profile(largest.fresh(largest.codegen_base())):
                print(f"| {stage} | {seconds:.2f} |")
    finally:
        launcher.close()
        shutil.rmtree(root, ignore_errors=True)


def machine_seconds() -> float:
    """Seconds this machine takes for a fixed pure-Python loop (best of 3).

    The machines this benchmark runs on differ from day to day by a factor of two
    (Alembic at N=1,000: 5.5 s on 2026-11-22, 10.8 s on 2026-12-02, same code), so
    each report says how fast its machine was, and runs of different days can be compared.
    """
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        total = 0
        for i in range(5_000_000):
            total += i
        best = min(best, time.perf_counter() - start)
    return best


# The speed goals: (what, the row, N, the limit in seconds); checked in print_goals.
TIME_GOALS = [
    ("`codegen --help` under 0.1 s", HELP, "-", 0.1),
    ("`generate` initial at N=1,000 under 0.5 s", INITIAL, 1000, 0.5),
    ("`generate` incremental at N=1,000 under 0.5 s", INCREMENTAL, 1000, 0.5),
    ("`generate` initial at N=10,000 under 4 s", INITIAL, 10000, 4.0),
    ("`generate` incremental at N=10,000 under 2.5 s", INCREMENTAL, 10000, 2.5),
    ("`generate` incremental at N=1,000 under 0.5 s, fresh clone", FRESH_INCREMENTAL, 1000, 0.5),
    ("`generate` incremental at N=10,000 under 2.5 s, fresh clone", FRESH_INCREMENTAL, 10000, 2.5),
    ("`check` with nothing changed at N=1,000 under 0.3 s, first check", FIRST_CHECK, 1000, 0.3),
    ("`check` with nothing changed at N=1,000 under 0.3 s, checked before", CACHED_CHECK, 1000, 0.3),
]


def print_goals(rows) -> None:
    """Each speed goal that this run measured, with its verdict."""
    found = {(what, n): m for what, n, m, _ in rows}
    lines = []
    for goal, what, n, limit in TIME_GOALS:
        if (what, n) in found:
            seconds = found[what, n].median
            lines.append(f"| {goal} | {seconds:.2f} s | {'met' if seconds < limit else 'not met'} |")
    for kind in (INITIAL, INCREMENTAL, FRESH_INCREMENTAL):
        which = kind.split(", ", 1)[1]
        if (kind, 10000) in found:
            peak = found[kind, 10000].peak_mb
            lines.append(f"| peak memory at N=10,000 under 300 MB, {which} | {peak:.0f} MB | "
                         f"{'met' if peak < 300 else 'not met'} |")
        if (kind, 10000) in found and (kind, 1000) in found:
            ratio = found[kind, 10000].median / found[kind, 1000].median
            lines.append(f"| time(10,000) / time(1,000) at most 12, {which} | {ratio:.1f} | "
                         f"{'met' if ratio <= 12 else 'not met'} |")
    if lines:
        print("\nThe speed goals, as measured in this run:\n\n| goal | measured | |\n| --- | ---: | --- |")
        print("\n".join(lines))


def print_report(rows, sizes, peers, drizzle_ran, runs: tuple[int, int]) -> None:
    cpu = platform.processor() or platform.machine()
    print(f"codegen benchmark, {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores ({cpu}), Python {platform.python_version()}")
    print(f"machine speed: a pure-Python loop of 5,000,000 additions takes {machine_seconds():.2f} s (bench/run.py machine_seconds)")
    print(f"runs: {runs[0]} of each codegen row, {runs[1]} of each peer (median and spread)")
    if "drizzle" in peers and not drizzle_ran:
        print("drizzle-kit: not measured (npx missing or npm install failed)")
    print()
    names = sorted({name for *_, p in rows for name in p})
    header = "| what | N | codegen median (spread) | peak MB |" + "".join(f" {p} | codegen / {p} |" for p in names)
    print(header)
    print("| --- | ---: | ---: | ---: |" + " ---: | ---: |" * len(names))
    for what, n, m, peer in rows:
        line = f"| {what} | {n if n == '-' else f'{n:,}'} | {m.median:.2f} s ({m.spread:.2f}) | {m.peak_mb:.0f} |"
        for p in names:
            if p in peer:
                line += f" {peer[p].median:.2f} s, {peer[p].peak_mb:.0f} MB | {m.median / peer[p].median:.2f} |"
            else:
                line += " | |"
        print(line)


if __name__ == "__main__":
    main()
