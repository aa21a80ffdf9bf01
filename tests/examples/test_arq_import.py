"""examples/arq_import.py's producer side: reading the file and the default timeouts.

The workers, the queue and Redis are tested in tests/redis/test_arq_import.py.
"""

from __future__ import annotations

from examples import arq_import


def test_each_line_is_read_on_its_own_and_rows_keep_their_line_numbers() -> None:
    """Bad lines are named with their 1-based line and cause; the others are rows, by line."""
    content = (
        b'\xef\xbb\xbf{"first_name": "Ada"}\n'  # a BOM on the first line is not part of it
        b"\n"
        b'{"first_name": "Broken",\n'
        b"[1, 2]\n"
        b'{"first_name": "Caf\xe9"}\r\n'
        b'{"first_name": "Alan"}\r\n'
    )
    parsed = arq_import.parse(content)
    assert parsed.rows == [(1, {"first_name": "Ada"}), (6, {"first_name": "Alan"})]
    assert parsed.bad == {
        3: "not valid JSON: Expecting property name enclosed in double quotes at column 25",
        4: "expected a JSON object, got list",
        5: "not valid UTF-8 (byte 0xe9 at column 20)",
    }


def test_the_default_job_timeout_fits_a_worker_alone_on_the_slowest_key() -> None:
    """4 chunks of 20 rows at 60 requests a minute, 2 requests a row, plus a window: 220 s."""
    assert arq_import.default_job_timeout(chunk=20, max_jobs=4) == 4 * 20 * 2 + 60
    assert arq_import.default_job_timeout(chunk=20, max_jobs=4) < 300  # arq's own default
    assert arq_import.try_deadline(220) == 210
    assert arq_import.try_deadline(2) == 1.5


def test_the_summary_says_1_line_and_1_row_in_the_singular() -> None:
    """One bad line, one row in one chunk: each count agrees with its noun."""
    one = arq_import.Enqueued(
        rows=1, bad={2: "not valid JSON"}, chunk=20, enqueued=["c"], resumed=[], pending=[], done=[]
    )
    assert one.summary() == (
        "1 row in 1 chunk of up to 20: 1 enqueued, 0 already queued or running, 0 already done"
        "; 1 line not enqueued (not rows)"
    )


def test_row_keys_and_chunk_ids_name_the_job_and_are_unchanged_without_one() -> None:
    """Another job, another key and chunk id; without a job, the ids earlier versions used."""
    source = "sha256:" + "ab" * 32
    assert arq_import.row_key(source, None, 7) == f"arq-import:{source}:7"
    assert arq_import.chunk_id(source, None, 21) == "import:abababababababab:21"
    keys = {arq_import.row_key(source, job, 7) for job in (None, "job-a", "job-b")}
    chunks = {arq_import.chunk_id(source, job, 21) for job in (None, "job-a", "job-b")}
    assert len(keys) == len(chunks) == 3
