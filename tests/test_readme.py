"""The README's runnable quick start runs as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def _runnable_blocks() -> list[str]:
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)
    return [block for block in blocks if "anyio.run(main)" in block]


def test_readme_starts_with_the_two_commands() -> None:
    """The first commands a newcomer sees install and run the demo, then the tests."""
    head = README.read_text().split("## ", 1)[0]
    assert "instaview demo" in head
    assert "pytest" in head


@pytest.mark.parametrize("block", _runnable_blocks())
def test_quick_start_runs(block: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Each self-contained example in the README runs offline and prints something."""
    exec(compile(block, str(README), "exec"), {"__name__": "readme"})
    assert capsys.readouterr().out.strip()
