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
    assert "| codegen check, no change (first check: nothing cached) | 10 |" in out
    assert "| codegen check, no change (checked before: cached) | 10 |" in out
    assert "codegen / alembic" in out
    assert "| rendering up.sql (Jinja) |" in out
