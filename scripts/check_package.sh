#!/usr/bin/env bash
# Packaging check: build the sdist and the wheel, run `twine check --strict` on both, then install
# each one into its own fresh virtual environment (outside the work tree) and import it there.
# Usage: scripts/check_package.sh            (PYTHON=... to use another interpreter with build+twine)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

version=$("$PY" -c 'import runpy; print(runpy.run_path("instaview_async/_version.py")["__version__"])')
echo "== building instaview-async $version"
"$PY" -m build --outdir "$work/dist" . >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
wheel=$(ls "$work"/dist/*.whl)
sdist=$(ls "$work"/dist/*.tar.gz)
[[ $(basename "$wheel") == instaview_async-"$version"-py3-none-any.whl ]] \
    || { echo "unexpected wheel name: $wheel"; exit 1; }
[[ $(basename "$sdist") == instaview_async-"$version".tar.gz ]] \
    || { echo "unexpected sdist name: $sdist"; exit 1; }

echo "== twine check"
"$PY" -m twine check --strict "$wheel" "$sdist"

echo "== wheel contents"
"$PY" - "$wheel" <<'PY'
import sys, zipfile
names = set(zipfile.ZipFile(sys.argv[1]).namelist())
needed = {
    "instaview_async/py.typed",
    "instaview_async/__init__.py",
    "instaview_async/testing/__init__.py",
    "instaview_async/contrib/otel.py",
}
missing = needed - names
stray = sorted(n for n in names if n.startswith(("tests/", "examples/", "benchmarks/")))
assert not missing, f"missing from the wheel: {sorted(missing)}"
assert not stray, f"not part of the package: {stray[:5]}"
print(f"ok: {len(names)} files, py.typed included")
PY

check_install() {  # $1: what to install, $2: label
    local venv="$work/venv-$2"
    python3 -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$1"
    # Run from an empty directory so the work tree's copy cannot be imported by mistake.
    (cd "$work" && "$venv/bin/python" - "$version" <<'PY'
import importlib.metadata as md, sys
import instaview_async, instaview_async.testing
assert instaview_async.__version__ == sys.argv[1] == md.version("instaview-async")
assert "site-packages" in instaview_async.__file__, instaview_async.__file__
required = {r.split(";")[0].split(">")[0].split("<")[0].split("=")[0].split("[")[0].strip().lower()
            for r in md.requires("instaview-async") or [] if "extra ==" not in r}
assert required == {"httpx", "attrs", "cattrs", "anyio"}, required
for heavy in ("opentelemetry", "fastapi", "aiohttp", "rich", "uvicorn"):
    assert heavy not in sys.modules, f"importing the SDK imported {heavy}"
client = instaview_async.AsyncClient(api_key="sk_test_check")
print(f"ok: {client!r} from {instaview_async.__file__}")
PY
    )
}
echo "== install the wheel into a fresh venv"
check_install "$wheel" wheel
echo "== install the sdist into a fresh venv"
check_install "$sdist" sdist
echo "package check passed: $(basename "$wheel"), $(basename "$sdist")"
