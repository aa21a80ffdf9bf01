"""The command's own mistakes are one line in command-line terms, never a traceback."""

from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

import instaview_async
from instaview_async.cli import _parser, main

from .conftest import Served

COMMAND = [sys.executable, "-m", "instaview_async.cli"]


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*COMMAND, *args], capture_output=True, text=True, timeout=60, env=env)


def test_version_prints_the_package_version() -> None:
    """`instaview --version` names the package and its version."""
    result = _run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"instaview-async {instaview_async.__version__}"


def test_no_key_says_set_instaview_api_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without $INSTAVIEW_API_KEY: exit 2, one line naming the variable, no Python wording."""
    source = tmp_path / "people.csv"
    source.write_text("first_name,last_name,email\nA,B,a@x.io\n")
    assert main(["import", "candidates", str(source)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "set INSTAVIEW_API_KEY" in err and "api_key=" not in err


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["demo", "--fault-rate", "1.5"], "argument --fault-rate: '1.5' is not between 0 and 1"),
        (["demo", "--fault-rate", "-0.1"], "'-0.1' is not between 0 and 1"),
        (["demo", "--rows", "0"], "argument --rows: '0' must be at least 1"),
        (["import", "candidates", "f.csv", "--concurrency", "x"], "'x' is not a whole number"),
        (["import", "jobs", "f.csv", "--encoding", "klingon"], "unknown encoding 'klingon'"),
        (["import", "jobs", "f.csv", "--encoding", "utf-16"], "utf-16 is not supported"),
        (["import", "candidates", "f.csv", "--grace", "-1"], "argument --grace: '-1' is negative"),
        (["import", "jobs", "f.csv", "--max-outage", "inf"], "'inf' is not a finite number"),
    ],
)
def test_out_of_range_options_are_argparse_errors_naming_the_value(
    args: list[str], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bad option value exits 2 with argparse's usage line and the value as typed."""
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert said in err
    assert "Traceback" not in err


def test_fake_and_base_url_together_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--fake and --base-url contradict each other: exit 2, one line."""
    source = tmp_path / "people.csv"
    source.write_text("first_name,last_name,email\nA,B,a@x.io\n")
    assert main(["import", "candidates", str(source), "--fake", "--base-url", "http://x"]) == 2
    assert "--fake and --base-url" in capsys.readouterr().err


def test_missing_file_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    """A file that does not exist: exit 2, its name, nothing else."""
    assert main(["import", "candidates", "no-such.csv", "--fake"]) == 2
    assert capsys.readouterr().err == "instaview: error: no such file: no-such.csv\n"


def test_a_missing_extra_gives_the_pip_command(tmp_path: Path) -> None:
    """fake-server without uvicorn installed names the extra and the pip command."""
    blocker = tmp_path / "sitecustomize.py"
    blocker.write_text(
        "import sys\n"
        "class _NoUvicorn:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] == 'uvicorn':\n"
        "            raise ModuleNotFoundError(f'No module named {name!r}', name=name)\n"
        "sys.meta_path.insert(0, _NoUvicorn())\n"
    )
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    result = _run("fake-server", "--port", "0", env=env)
    assert result.returncode == 2
    assert result.stderr == (
        "instaview: error: instaview fake-server needs the 'server' extra: "
        "pip install 'instaview-async[server]'\n"
    )


def test_a_port_in_use_is_one_line() -> None:
    """fake-server on a taken port says so in one line, without a traceback."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = _run("fake-server", "--port", str(port))
    assert result.returncode != 0
    assert "in use" in result.stderr and str(port) in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("same_as", ["input", "journal"])
def test_a_report_path_that_is_the_input_or_the_journal_is_refused(
    tmp_path: Path, same_as: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """--report would overwrite what it names: the input file or the journal stays intact."""
    source = tmp_path / "people.csv"
    source.write_text("first_name,last_name,email\nA,B,a@x.io\n")
    journal = tmp_path / "j"
    assert main(["import", "candidates", str(source), "--fake", "--journal", str(journal)]) == 0
    before = {path: path.read_bytes() for path in (source, journal)}
    report = source if same_as == "input" else journal
    args = ["import", "candidates", str(source), "--fake", "--journal", str(journal)]
    assert main([*args, "--report", str(report)]) == 2
    assert "it would be overwritten" in capsys.readouterr().err
    assert {path: path.read_bytes() for path in (source, journal)} == before


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("redis://127.0.0.1:notaport/0", "the port 'notaport' is not a number"),
        ("redis://127.0.0.1:99999/0", "the port 99999 is not from 1 to 65535"),
        ("redis://127.0.0.1:6391/abc", "the database 'abc' is not a number"),
        ("redis://127.0.0.1:6391/0?db=x", "the database 'x' is not a number"),
        ("redis://user:s3cret@127.0.0.1:x/0", "--redis 'redis://***@127.0.0.1:x/0'"),
        ("user:s3cret@127.0.0.1:6391", "is not a redis://, rediss:// or unix:// URL"),
        ("redis://:s3cret@127.0.0.1:1/0?socket_timeout=x", "'socket_timeout'"),
        ("redis://u:s3cret@[::1", "'redis://***@[::1' is not a valid URL"),
    ],
)
def test_a_redis_url_redis_py_would_misread_is_one_line_without_its_password(
    url: str, said: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bad --redis port or database exits 2 with one line naming it (never database 0 for a
    database that is not a number), and a password in the URL is never echoed."""
    source = tmp_path / "people.csv"
    source.write_text("first_name,last_name,email\nA,B,a@x.io\n")
    assert main(["import", "candidates", str(source), "--fake", "--redis", url]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("instaview: error: --redis")
    assert said in err
    assert "s3cret" not in err


@pytest.mark.parametrize(
    ("shard", "said"),
    [
        ("0/0", "'0/0': N (the number of workers) must be at least 1"),
        ("3/3", "'3/3': I must be from 0 to 2"),
        ("-1/3", "'-1/3': I must be from 0 to 2"),
    ],
)
def test_a_bad_shard_says_what_is_wrong_with_it(
    shard: str, said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """--shard 0/0 asks for at least one worker; --shard -1/3 is judged as a value (argparse
    would otherwise take it for an option and say "expected one argument")."""
    with pytest.raises(SystemExit) as exited:
        main(["import", "candidates", "f.csv", "--fake", "--shard", shard])
    assert exited.value.code == 2
    assert f"argument --shard: {said}" in capsys.readouterr().err


def test_every_import_option_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    """`instaview import candidates --help` explains every option, --concurrency included."""
    with pytest.raises(SystemExit):
        main(["import", "candidates", "--help"])
    out = capsys.readouterr().out
    assert re.search(r"--concurrency N\s+rows in flight at once, 1-256 \(default 16\)", out)


def test_the_printed_rerun_command_hides_a_redis_password() -> None:
    """The command printed after Ctrl-C shows a password in --redis as ***, in both spellings."""
    from instaview_async.cli._import import _rerun

    argv = ["import", "jobs", "j.csv", "--redis", "redis://u:s3cret@h:1/0"]
    assert _rerun(argv, None) == "instaview import jobs j.csv --redis 'redis://***@h:1/0'"
    assert "s3cret" not in _rerun(["import", "jobs", "j.csv", "--redis=redis://:s3cret@h"], None)


@pytest.mark.parametrize("kind", ["candidates", "jobs"])
@pytest.mark.parametrize(
    ("option", "env", "said"),
    [
        (["--base-url", "notaurl"], {}, "--base-url 'notaurl' is not an http:// or https://"),
        (["--base-url", "ftp://u:s3cret@127.0.0.1/"], {}, "--base-url 'ftp://***@127.0.0.1/'"),
        (["--base-url=http://x/?q=1"], {}, "--base-url 'http://x/?q=1' is not"),
        ([], {"INSTAVIEW_BASE_URL": "notaurl"}, "$INSTAVIEW_BASE_URL 'notaurl' is not"),
    ],
)
def test_a_bad_base_url_is_one_line_naming_where_it_came_from(
    kind: str,
    option: list[str],
    env: dict[str, str],
    said: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A base URL that is not http(s) with a host: exit 2, one line naming --base-url or
    $INSTAVIEW_BASE_URL, the password hidden, before the file is even looked at."""
    monkeypatch.setenv("INSTAVIEW_API_KEY", "sk_test_x")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert main(["import", kind, "no-such-file.csv", *option]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("instaview: error: ")
    assert said in err
    assert "s3cret" not in err and "no-such-file" not in err


def test_a_job_id_that_is_not_a_uuid_is_one_line_and_nothing_is_sent(
    tmp_path: Path, served: Served, capsys: pytest.CaptureFixture[str]
) -> None:
    """--job-id is a UUID (the API's ids are): a typo exits 2 at once, not once per row."""
    source = tmp_path / "people.csv"
    source.write_text("first_name,last_name,email\nA,B,a@x.io\nC,D,c@x.io\n")
    assert main(["import", "candidates", str(source), "--job-id", "nope"]) == 2
    err = capsys.readouterr().err
    assert err == "instaview: error: --job-id 'nope' is not a job id (a UUID)\n"
    assert not served.fake.requests


def test_the_printed_rerun_command_and_the_journal_hide_a_base_url_password(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An unreachable --base-url with a password: the messages, the rerun command and the
    journal left behind show it as ***@."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("INSTAVIEW_API_KEY", "sk_test_x")
    source = tmp_path / "people.csv"
    source.write_text("first_name,last_name,email\nA,B,a@x.io\n")
    url = f"http://u:pw123secret@127.0.0.1:{port}"
    assert main(["import", "candidates", str(source), "--base-url", url, "--max-outage", "1"]) == 3
    captured = capsys.readouterr()
    rerun = [line for line in captured.err.splitlines() if line.startswith("to go on")]
    assert len(rerun) == 1 and f"'http://***@127.0.0.1:{port}'" in rerun[0]
    journal = tmp_path / "people.csv.journal"
    assert "***@" in journal.read_text()
    for text in (captured.out, captured.err, journal.read_text()):
        assert "pw123secret" not in text
    assert "pw123secret" not in _rerun_of(["--base-url=" + url])


def _rerun_of(options: list[str]) -> str:
    from instaview_async.cli._import import _rerun

    return _rerun(["import", "jobs", "j.csv", *options], None)


@pytest.mark.parametrize(
    ("args", "prog"),
    [
        (["import", "candidates", "f.csv", "--concurrency", "0"], "instaview import candidates"),
        (["import", "candidates", "f.csv", "--shard", "3/3"], "instaview import candidates"),
        (["import", "jobs", "f.csv", "--grace", "inf"], "instaview import jobs"),
        (["import", "candidates", "f.csv", "--encoding", "nope"], "instaview import candidates"),
        (["import", "candidates"], "instaview import candidates"),
        (["import", "candidates", "f.csv", "--bogus"], "instaview import candidates"),
        (["import"], "instaview import"),
        (["demo", "--rows", "-1"], "instaview demo"),
        (["fake-server", "--port", "99999"], "instaview fake-server"),
        (["fake-server", "--host", "10.1.2.3"], "instaview fake-server"),
        (["nope"], "instaview"),
        ([], "instaview"),
    ],
)
def test_a_usage_error_is_one_line_naming_the_subcommand(
    args: list[str], prog: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bad option or value: exit 2 and one line, `<subcommand>: error: ... (see --help)`,
    without the usage block."""
    with pytest.raises(SystemExit) as exited:
        main(args)
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert err.startswith(f"{prog}: error: ") and err.endswith(f"(see {prog} --help)\n")


@pytest.mark.parametrize(
    "args", [["--bogus"], ["--bogus", "demo"], ["demo", "--bogus"], ["import", "--bogus"]]
)
def test_an_unknown_option_is_named(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    """`instaview --bogus` says --bogus is not known, not that a command is missing."""
    with pytest.raises(SystemExit) as exited:
        main(args)
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "unrecognized arguments: --bogus" in err and "required" not in err


@pytest.mark.parametrize("command", [["demo"], ["import", "candidates"], ["fake-server"]])
def test_every_subcommand_has_a_description_and_every_option_its_default(
    command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """Each subcommand's --help says what it does, and each option with a value its default."""
    parser = _parser()
    for word in command:
        parser = next(
            a.choices[word] for a in parser._actions if isinstance(a, argparse._SubParsersAction)
        )
    assert parser.description
    for action in parser._actions:
        if action.option_strings and action.nargs != 0 and action.help != argparse.SUPPRESS:
            assert "default" in (action.help or ""), action.option_strings


def test_import_help_names_every_json_lines_suffix_and_the_journal_binding(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`import --help` lists .json with JSON Lines (as the reader and the guide do), and says
    that a journal is bound to the file, the target, the kind and the job."""
    with pytest.raises(SystemExit):
        main(["import", "candidates", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "(.jsonl, .ndjson, .json)" in out
    assert "same file, target (base URL), kind and --job-id" in out
