"""The README's and the docs site's Python blocks run as written, and the README's error tree is
the real one.

Every ```python block of README.md and docs/ runs, on asyncio and trio, against a fake served on a
real 127.0.0.1 socket: ``INSTAVIEW_API_KEY`` and ``INSTAVIEW_BASE_URL`` point at it, so a block
that builds ``AsyncClient()`` for "the real API" runs unchanged. Top-level ``await`` is allowed
(the blocks are read as the inside of an ``async def``), ``anyio.run(main)`` becomes
``await main()``, and a ``test_*`` coroutine function a block defines is awaited. A block that is
not self-contained may use only the names of ``CONTEXT``: the quick start's ``fake`` and
``client``, a ``job`` on it (``job_id``), and ``rows`` to import. Blocks that include a file
(``--8<--``) are the examples, tested in tests/examples.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import inspect
import logging
import pkgutil
import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

import instaview_async
from instaview_async import AsyncClient, InstaViewError, RetryPolicy
from instaview_async.testing import FakeInstaView, RecordedRequest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").rglob("*.md"))
CONTEXT = ("fake", "client", "job", "job_id", "rows")
"""The names a block may use without defining them."""


@attrs.frozen
class Block:
    """One ```python block: where it is and its source."""

    path: Path
    line: int
    source: str

    @property
    def id(self) -> str:
        """``README.md:63``: where to look when it fails."""
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def python_blocks(path: Path) -> list[Block]:
    """The ```python blocks of a Markdown file, except those that include a file."""
    text = path.read_text()
    found = []
    for match in re.finditer(r"^```python\n(.*?)^```", text, flags=re.S | re.M):
        line = text.count("\n", 0, match.start()) + 2
        if "--8<--" not in match.group(1):
            found.append(Block(path, line, match.group(1)))
    return found


BLOCKS = [block for path in (README, *DOCS) for block in python_blocks(path)]


def test_readme_starts_with_the_two_commands() -> None:
    """The first commands a newcomer sees install and run the demo, then the tests."""
    head = README.read_text().split("## ", 1)[0]
    assert "instaview demo" in head
    assert "pytest" in head


def test_the_blocks_this_file_promises_are_found() -> None:
    """The quick start, the tour and the testing snippet are among the blocks that run."""
    readme = [block.source for block in BLOCKS if block.path == README]
    assert any("anyio.run(main)" in source for source in readme)  # quick start
    assert any("fake.complete_interview" in source for source in readme)  # tour
    assert any("async def test_" in source for source in readme)  # testing your code
    assert len(BLOCKS) >= 10


@pytest.fixture
async def served() -> AsyncIterator[tuple[FakeInstaView, str]]:
    """A fake on a real socket and a key for it."""
    fake = FakeInstaView()
    async with fake.serve(port=0) as base_url:
        yield fake, base_url


@pytest.fixture
def _keep_log_levels() -> Iterator[None]:
    """A block may change the SDK logger's level (the logging guide does); restore it."""
    logger = logging.getLogger("instaview_async")
    level = logger.level
    yield
    logger.setLevel(level)


@pytest.mark.anyio
@pytest.mark.usefixtures("_keep_log_levels")
@pytest.mark.parametrize("block", BLOCKS, ids=lambda block: block.id)
async def test_block_runs(
    block: Block,
    served: tuple[FakeInstaView, str],
    anyio_backend: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The block runs as written against the fake; if it prints, it prints something."""
    if "transports.aiohttp" in block.source and anyio_backend != "asyncio":
        pytest.skip("the aiohttp transport runs on asyncio only")
    if "httpx2" in block.source and importlib.util.find_spec("httpx2") is None:
        pytest.skip("httpx2 is not installed (it needs Python 3.11+)")
    fake, base_url = served
    key = fake.create_api_key()
    monkeypatch.setenv("INSTAVIEW_API_KEY", key)
    monkeypatch.setenv("INSTAVIEW_BASE_URL", base_url)
    async with AsyncClient(retry=RetryPolicy(base_delay=0.001)) as client:
        job = await client.jobs.create(title="Backend engineer", description="Python, asyncio")
        rows = [{"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com"}]
        context = dict(zip(CONTEXT, (fake, client, job, job.id, rows), strict=True))
        namespace = await run_block(block, {"__name__": "readme", **context})
    for name, value in namespace.items():
        if name.startswith("test_") and inspect.iscoroutinefunction(value):
            await value()
    if "print(" in block.source:
        assert capsys.readouterr().out.strip()


async def run_block(block: Block, namespace: dict[str, Any]) -> dict[str, Any]:
    """Run a block's source in ``namespace``, awaiting it when it awaits; return the namespace."""
    source = block.source.replace("anyio.run(main)", "await main()")
    padded = "\n" * (block.line - 1) + source  # tracebacks show the Markdown file's lines
    flags = ast.PyCF_ALLOW_TOP_LEVEL_AWAIT
    code = compile(padded, str(block.path), "exec", flags=flags)
    result = eval(code, namespace)  # our own documentation
    if inspect.iscoroutine(result):
        await result
    return namespace


@pytest.mark.parametrize("path", [README, ROOT / "docs/guides/testing.md"], ids=lambda p: p.name)
def test_recorded_request_attributes_are_the_real_ones(path: Path) -> None:
    """What the docs say a ``fake.requests`` record has, it has (``json``, not ``body``)."""
    [listed] = re.findall(r"`RecordedRequest`s(.*?)\.(?:\s|$)", path.read_text(), flags=re.S)
    names = re.findall(r"`(\w+)`", listed)
    real = {field.name for field in attrs.fields(RecordedRequest)} | {"idempotency_key"}
    assert len(names) >= 5
    assert set(names) <= real, set(names) - real


# -- the error tree -------------------------------------------------------------------------------


def public_errors() -> dict[str, type[InstaViewError]]:
    """Every exception class a public module of the package exports, by name."""
    found: dict[str, type[InstaViewError]] = {}
    for module in _public_modules():
        for name in getattr(module, "__all__", ()):
            value = getattr(module, name)
            if isinstance(value, type) and issubclass(value, InstaViewError):
                found[name] = value
    return found


def _public_modules() -> Iterator[Any]:
    yield instaview_async
    prefix = instaview_async.__name__ + "."
    for info in pkgutil.walk_packages(instaview_async.__path__, prefix):
        parts = info.name.split(".")
        if not any(part.startswith("_") for part in parts):
            yield importlib.import_module(info.name)


def readme_tree() -> dict[str, tuple[str | None, tuple[str, ...]]]:
    """The README's error tree: class name -> (parent name, attributes listed)."""
    section = README.read_text().split("## Errors\n", 1)[1]
    drawing = section.split("```\n", 2)[1]
    tree: dict[str, tuple[str | None, tuple[str, ...]]] = {}
    parents: list[str] = []
    for line in drawing.splitlines():
        match = re.fullmatch(r"([│├└─ ]*)(\w+)(?: \(([\w, ]+)\))?", line)
        assert match, f"not a line of the tree: {line!r}"
        depth = len(match.group(1)) // 4
        del parents[depth:]
        attributes = tuple(a.strip() for a in (match.group(3) or "").split(",") if a.strip())
        tree[match.group(2)] = (parents[-1] if parents else None, attributes)
        parents.append(match.group(2))
    return tree


def _parent(cls: type[InstaViewError]) -> str | None:
    if cls is InstaViewError:
        return None
    return next(base.__name__ for base in cls.__bases__ if issubclass(base, InstaViewError))


def test_readme_error_tree_is_the_class_tree() -> None:
    """Every public exception is in the README's tree under its real parent, and nothing else."""
    classes = public_errors()
    tree = readme_tree()
    missing = sorted(set(classes) - set(tree))
    assert not missing, f"the README's error tree lacks {missing}"
    assert not set(tree) - set(classes), "the README lists classes the package does not export"
    wrong = {name: (tree[name][0], _parent(cls)) for name, cls in classes.items()}
    assert {name: pair for name, pair in wrong.items() if pair[0] != pair[1]} == {}


def test_readme_error_tree_attributes_exist() -> None:
    """Each attribute the tree lists after a class is one its instances have."""
    classes = public_errors()
    for name, (_, attributes) in readme_tree().items():
        for attribute in attributes:
            assert _has_attribute(classes[name], attribute), f"{name}.{attribute}"


def _has_attribute(cls: type, name: str) -> bool:
    if hasattr(cls, name) or name in inspect.signature(cls).parameters:
        return True
    own = [k for k in cls.__mro__ if k.__module__.startswith(instaview_async.__name__)]
    # The classes report __module__ "instaview_async", so read their __init__'s source (found
    # through its code object) rather than the class's (looked up in the named module).
    inits = [vars(k)["__init__"] for k in own if "__init__" in vars(k)]
    return any(f"self.{name} =" in inspect.getsource(init) for init in inits)
