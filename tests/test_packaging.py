"""The built wheel: typed, versioned from one place, and holding only the package."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

import instaview_async

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[zipfile.ZipFile]:
    """A wheel built from the work tree with the installed hatchling (no download)."""
    pytest.importorskip("build")
    pytest.importorskip("hatchling")
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), "."],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    (path,) = out.glob("*.whl")
    with zipfile.ZipFile(path) as archive:
        yield archive


def test_wheel_ships_py_typed(wheel: zipfile.ZipFile) -> None:
    """The wheel carries the PEP 561 marker, so users' type checkers read our annotations."""
    assert "instaview_async/py.typed" in wheel.namelist()


def test_wheel_version_is_the_one_in_version_py(wheel: zipfile.ZipFile) -> None:
    """The wheel's name and metadata carry the version from instaview_async/_version.py."""
    version = instaview_async.__version__
    assert Path(wheel.filename or "").name == f"instaview_async-{version}-py3-none-any.whl"
    metadata = wheel.read(f"instaview_async-{version}.dist-info/METADATA").decode()
    assert f"\nVersion: {version}\n" in metadata


def test_wheel_holds_only_the_package(wheel: zipfile.ZipFile) -> None:
    """Tests, examples and benchmarks stay out of the wheel."""
    top = {name.split("/")[0] for name in wheel.namelist()}
    assert top == {"instaview_async", f"instaview_async-{instaview_async.__version__}.dist-info"}
