"""Journals: bound to their run, durable per entry, tolerant of a torn last line only."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from instaview_async.journal import (
    FAKE_TARGET,
    FileJournal,
    JournalBinding,
    JournalEntry,
    JournalError,
    JournalMismatchError,
    MemoryJournal,
)

pytestmark = pytest.mark.anyio

BINDING = JournalBinding(
    source="sha256:aaaa", target="https://api.instaview.sk", kind="candidates", job_id="job_1"
)


async def _write(path: Path, *entries: JournalEntry, binding: JournalBinding = BINDING) -> None:
    journal = FileJournal(path)
    await journal.bind(binding)
    for entry in entries:
        await journal.record(entry)
    await journal.aclose()


async def test_entries_recorded_by_one_run_are_found_by_the_next(tmp_path: Path) -> None:
    """A rerun with the same binding finds every entry the first run recorded."""
    path = tmp_path / "j.jsonl"
    first = JournalEntry(row_id="2", status="created", resource_id="cand_1")
    second = JournalEntry(row_id="7", status="existing", resource_id=None)
    await _write(path, first, second)
    journal = FileJournal(path)
    await journal.bind(BINDING)
    assert await journal.get("2") == first
    assert await journal.get("7") == second
    assert await journal.get("3") is None
    await journal.aclose()


async def test_each_entry_is_on_disk_as_soon_as_record_returns(tmp_path: Path) -> None:
    """record() flushes: another reader sees the line before the journal is closed."""
    path = tmp_path / "j.jsonl"
    journal = FileJournal(path)
    await journal.bind(BINDING)
    await journal.record(JournalEntry(row_id="2", status="created", resource_id="cand_1"))
    last = json.loads(path.read_text().splitlines()[-1])
    assert last == {"row": "2", "status": "created", "id": "cand_1"}
    await journal.aclose()


@pytest.mark.parametrize(
    ("made_for", "wanted", "reason"),
    [
        ({"target": FAKE_TARGET}, {}, "made for the fake API .--fake., not https://api"),
        ({}, {"target": FAKE_TARGET}, "not the fake API"),
        ({}, {"source": "sha256:bbbb"}, r"another file \(a.csv\)"),
        ({}, {"kind": "jobs"}, "importing candidates, not jobs"),
        ({}, {"job_id": "job_2"}, "job job_1, not job_2"),
    ],
)
async def test_a_journal_refuses_another_run_and_is_left_untouched(
    tmp_path: Path, made_for: dict[str, str], wanted: dict[str, str], reason: str
) -> None:
    """Another target, file, kind or job raises JournalMismatchError saying why; no byte changes."""
    path = tmp_path / "j.jsonl"
    original = {**_fields(BINDING), "source_name": "a.csv"}
    await _write(
        path,
        JournalEntry(row_id="2", status="created"),
        binding=JournalBinding(**{**original, **made_for}),
    )
    before = path.read_bytes()
    with pytest.raises(JournalMismatchError, match=reason):
        await FileJournal(path).bind(JournalBinding(**{**original, **wanted}))
    assert path.read_bytes() == before


def _fields(binding: JournalBinding) -> dict[str, str | None]:
    return {
        "source": binding.source,
        "target": binding.target,
        "kind": binding.kind,
        "job_id": binding.job_id,
        "source_name": binding.source_name,
    }


async def test_the_file_name_takes_no_part_in_matching(tmp_path: Path) -> None:
    """A renamed input with the same content keeps its journal."""
    path = tmp_path / "j.jsonl"
    await _write(path, binding=JournalBinding(**{**_fields(BINDING), "source_name": "a.csv"}))
    journal = FileJournal(path)
    await journal.bind(JournalBinding(**{**_fields(BINDING), "source_name": "renamed.csv"}))
    await journal.aclose()


async def test_a_torn_last_line_is_dropped_and_appending_goes_on(tmp_path: Path) -> None:
    """A line cut short by SIGKILL is ignored and cut off; the entries before it stay."""
    path = tmp_path / "j.jsonl"
    await _write(path, JournalEntry(row_id="2", status="created", resource_id="c1"))
    with path.open("a") as handle:
        handle.write('{"row": "3", "stat')
    journal = FileJournal(path)
    await journal.bind(BINDING)
    assert await journal.get("2") is not None
    assert await journal.get("3") is None
    await journal.record(JournalEntry(row_id="3", status="created", resource_id="c2"))
    await journal.aclose()
    again = FileJournal(path)
    await again.bind(BINDING)
    assert await again.get("3") == JournalEntry(row_id="3", status="created", resource_id="c2")
    await again.aclose()


async def test_a_header_torn_while_being_written_starts_a_fresh_journal(tmp_path: Path) -> None:
    """A file holding only part of a header (killed at once) is a journal with no entries."""
    path = tmp_path / "j.jsonl"
    path.write_text('{"instaview_journal": 1, "bind')
    journal = FileJournal(path)
    await journal.bind(BINDING)
    await journal.aclose()
    assert json.loads(path.read_text().splitlines()[0])["binding"]["source"] == "sha256:aaaa"


@pytest.mark.parametrize("content", ["first,last\nAda,Lovelace\n", "notes without newline"])
async def test_a_file_that_is_not_a_journal_is_refused_and_untouched(
    tmp_path: Path, content: str
) -> None:
    """Pointing --journal at the wrong file (the CSV itself) raises and changes nothing."""
    path = tmp_path / "people.csv"
    path.write_text(content)
    with pytest.raises(JournalError, match="not an instaview journal"):
        await FileJournal(path).bind(BINDING)
    assert path.read_text() == content


async def test_damage_before_the_last_line_is_an_error_naming_the_line(tmp_path: Path) -> None:
    """Only the last line may be torn; a damaged line inside the journal is reported."""
    path = tmp_path / "j.jsonl"
    await _write(path, JournalEntry(row_id="2", status="created"))
    with path.open("a") as handle:
        handle.write("garbage\n")
        handle.write(json.dumps({"row": "4", "status": "created", "id": None}) + "\n")
    with pytest.raises(JournalError, match="line 3"):
        await FileJournal(path).bind(BINDING)


async def test_record_before_bind_is_an_error(tmp_path: Path) -> None:
    """A journal that was never bound cannot record (it would write an unbound file)."""
    with pytest.raises(JournalError, match="not bound"):
        await FileJournal(tmp_path / "j").record(JournalEntry(row_id="1", status="created"))
    assert not (tmp_path / "j").exists()


async def test_memory_journal_binds_once_and_refuses_another_binding() -> None:
    """MemoryJournal follows the same protocol rules as the file store."""
    journal = MemoryJournal()
    await journal.bind(BINDING)
    await journal.record(JournalEntry(row_id="1", status="created", resource_id="c"))
    assert await journal.get("1") is not None
    await journal.bind(BINDING)
    with pytest.raises(JournalMismatchError, match="another file"):
        await journal.bind(JournalBinding(**{**_fields(BINDING), "source": "sha256:zz"}))


def test_binding_round_trips_through_json() -> None:
    """to_json/from_json let a shared store keep the binding as one string."""
    binding = JournalBinding(**{**_fields(BINDING), "source_name": "a.csv"})
    again = JournalBinding.from_json(binding.to_json())
    assert again == binding and again.source_name == "a.csv"
    with pytest.raises(JournalError):
        JournalBinding.from_json('{"nope": 1}')


async def test_the_last_entry_for_a_row_wins(tmp_path: Path) -> None:
    """A row recorded twice (existing, then created) reads back as its last entry."""
    path = tmp_path / "j.jsonl"
    await _write(
        path,
        JournalEntry(row_id="2", status="existing", resource_id="c1"),
        JournalEntry(row_id="2", status="created", resource_id="c2"),
    )
    journal = FileJournal(path)
    await journal.bind(BINDING)
    assert await journal.get("2") == JournalEntry(row_id="2", status="created", resource_id="c2")
    await journal.aclose()
