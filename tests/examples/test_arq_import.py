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
