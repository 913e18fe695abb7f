"""The benchmark script keeps working (at N=10; its timings are never asserted)."""

from __future__ import annotations

import subprocess
import sys

from conftest import REPO


def test_benchmark_runs_at_n_10():
    done = subprocess.run([sys.executable, str(REPO / "bench" / "run.py"), "--sizes", "10", "--runs", "1",
                           "--peers", "alembic"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout
    assert "| codegen generate, initial | 10 |" in out
    assert "| codegen generate, incremental (10% gain a column) | 10 |" in out
    assert "| codegen generate, incremental, fresh clone (nothing cached) | 10 |" in out
    assert "| codegen check, no change (first check: nothing cached) | 10 |" in out
    assert "| codegen check, no change (checked before: cached) | 10 |" in out
    assert "codegen / alembic" in out
    assert "| rendering up.sql (Jinja) |" in out


def test_benchmark_reports_machine_speed_and_goals():
    done = subprocess.run([sys.executable, str(REPO / "bench" / "run.py"), "--sizes", "10", "--runs", "1",
                           "--peers", "none", "--no-profile"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "machine speed: a pure-Python loop of 5,000,000 additions takes" in done.stdout
    assert "| `codegen --help` under 0.1 s |" in done.stdout  # the one goal an N=10 run measures


def test_goal_verdicts(capsys):
    run = _bench()
    fast, slow = run.Measure([0.4, 0.45, 0.5], 250), run.Measure([4.5, 4.6], 320)
    rows = [("codegen generate, initial", 1000, fast, {}), ("codegen generate, initial", 10000, slow, {})]
    run.print_goals(rows)
    out = capsys.readouterr().out
    assert "| `generate` initial at N=1,000 under 0.5 s | 0.45 s | met |" in out
    assert "| `generate` initial at N=10,000 under 4 s | 4.55 s | not met |" in out
    assert "| peak memory at N=10,000 under 300 MB, initial | 320 MB | not met |" in out
    assert "| time(10,000) / time(1,000) at most 12, initial | 10.1 | met |" in out
    assert "incremental" not in out  # goals this run did not measure are not reported


def test_codegen_rounds_are_spread_between_the_peers_runs():
    run = _bench()
    rounds, peers = ["r1", "r2", "r3", "r4"], ["p1", "p2"]
    order = run.interleaved(rounds, peers)
    assert order == ["r1", "p1", "r2", "r3", "p2", "r4"]
    assert run.interleaved(["r1", "r2"], []) == ["r1", "r2"]


def _bench():
    """bench/run.py as a module: it is a script, not part of the package."""
    sys.path.insert(0, str(REPO / "bench"))
    try:
        import run
    finally:
        sys.path.remove(str(REPO / "bench"))
    return run
