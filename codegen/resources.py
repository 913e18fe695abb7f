"""Where codegen's own files are, installed or in a checkout."""

from __future__ import annotations

from pathlib import Path


def template_root() -> Path:
    """`codegen/templates` in an installed wheel; the repository's `templates/` in a checkout."""
    installed = Path(__file__).parent / "templates"
    return installed if installed.is_dir() else Path(__file__).parent.parent / "templates"
