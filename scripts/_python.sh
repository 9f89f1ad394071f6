# Sourced by scripts/demo and scripts/test: choose a supported Python, say which and why, build .venv
# with it, and install imrcheck into it only when something it is built from has changed.
# durable-rules (the rules engine) builds from source and does not import on Python 3.13 or newer.
set -eu
supported() { "$1" -c 'import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] < (3, 13) else 1)' 2>/dev/null; }
describe() { "$1" -c 'import sys; print(f"{sys.executable} (Python {sys.version.split()[0]})")'; }
pick_python() {
  if [ -n "${PYTHON:-}" ]; then
    # Asked for by name: use it or stop. Never fall back silently to another Python.
    if ! command -v "$PYTHON" >/dev/null 2>&1; then
      echo "imrcheck: PYTHON=$PYTHON is not a command on this machine; set PYTHON to a Python 3.11 or 3.12" >&2
      return 1
    fi
    if ! "$PYTHON" -c 'import sys' >/dev/null 2>&1; then
      echo "imrcheck: PYTHON=$PYTHON does not run; set PYTHON to a working Python 3.11 or 3.12" >&2
      return 1
    fi
    if ! supported "$PYTHON"; then
      echo "imrcheck: PYTHON=$PYTHON is $("$PYTHON" -c 'import sys; print(sys.version.split()[0])'), but imrcheck needs 3.11 or 3.12 (durable-rules does not import on 3.13+)" >&2
      return 1
    fi
    echo "$PYTHON"; return 0
  fi
  for candidate in python3.12 python3.11 python3; do
    command -v "$candidate" >/dev/null 2>&1 || continue
    if supported "$candidate"; then echo "$candidate"; return 0; fi
    if "$candidate" -c 'import sys' >/dev/null 2>&1; then reason="is not 3.11 or 3.12"; else reason="is on PATH but does not run"; fi
    echo "imrcheck: skipping $candidate: it $reason" >&2
  done
  echo "imrcheck: needs Python 3.11 or 3.12 (durable-rules does not import on 3.13+); none found as python3.12, python3.11 or python3; set PYTHON=/path/to/python3.12" >&2
  return 1
}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
py=$(pick_python)
if [ -n "${PYTHON:-}" ]; then why="PYTHON is set"; else why="the first supported of python3.12, python3.11, python3 on PATH"; fi
echo "imrcheck: using $(describe "$py"), $why" >&2
if [ -x .venv/bin/python ] && supported .venv/bin/python \
   && [ "$("$py" -c 'import sys; print(sys.version_info[:2])')" = "$(.venv/bin/python -c 'import sys; print(sys.version_info[:2])')" ]; then
  :
else
  echo "imrcheck: building .venv with $(describe "$py")" >&2
  rm -rf .venv
  "$py" -m venv .venv
  .venv/bin/python -m pip install --quiet --upgrade pip
fi

# install_once [EXTRAS]: pip-install the project (with EXTRAS such as "[test]") unless .venv already
# holds this very build. The marker records a hash of pyproject.toml and of every file the package is
# built from, and the extras installed with it (a test install also serves the demo).
install_once() {
  extras="${1:-}"
  sources=$( { cat pyproject.toml; \
               find engine guideline_criteria rules -type f ! -name '*.pyc' ! -path '*/__pycache__/*' -print0 \
                 | LC_ALL=C sort -z | xargs -0 sha256sum; } | sha256sum | cut -d' ' -f1)
  marker=.venv/.imrcheck-installed
  have_sources="" have_extras=""
  if [ -f "$marker" ]; then read -r have_sources have_extras < "$marker" || true; fi
  if [ "$have_sources" = "$sources" ] && { [ -z "$extras" ] || [ "$have_extras" = "$extras" ]; }; then
    echo "imrcheck: .venv already holds this build of imrcheck; not reinstalling (edit a source to force it)" >&2
    return 0
  fi
  .venv/bin/python -m pip install --quiet ".$extras"
  # pip never removes the test tools, so a plain reinstall after a test install still has them.
  [ -n "$extras" ] || [ "$have_extras" != "[test]" ] || extras="[test]"
  echo "$sources $extras" > "$marker"
}
