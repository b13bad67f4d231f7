"""The areas call down, never sideways: the import-linter contract in pyproject.toml holds, and it
would catch a domain module that imports an area above it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

pytestmark = pytest.mark.skipif(not LINT_IMPORTS.exists(), reason="import-linter is a test dependency")


def _lint(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=cwd, capture_output=True, text=True,
                          timeout=120, env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(cwd)})


def test_the_layers_contract_is_kept():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Areas call down, never sideways KEPT" in result.stdout


def test_a_sideways_import_breaks_the_contract(tmp_path):
    """obligations is below forums: a query module of obligations that imports forums is refused."""
    shutil.copytree(ROOT / "govtrack", tmp_path / "govtrack", ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    queries = tmp_path / "govtrack" / "obligations" / "queries" / "__init__.py"
    queries.write_text(queries.read_text() + "\nfrom govtrack.forums.models import Decision  # noqa: E402\n")
    result = _lint(tmp_path)
    assert result.returncode != 0
    assert "Areas call down, never sideways BROKEN" in result.stdout
    assert "govtrack.obligations.queries -> govtrack.forums.models" in result.stdout
