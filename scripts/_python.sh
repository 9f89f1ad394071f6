# Sourced by scripts/demo and scripts/test: choose a supported Python and build .venv with it.
# durable-rules (the rules engine) builds from source and does not import on Python 3.13 or newer.
set -eu
pick_python() {
  for candidate in "${PYTHON:-}" python3.12 python3.11 python3; do
    [ -n "$candidate" ] || continue
    command -v "$candidate" >/dev/null 2>&1 || continue
    if "$candidate" -c 'import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] < (3, 13) else 1)' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  echo "imrcheck needs Python 3.11 or 3.12 (durable-rules does not import on 3.13+); set PYTHON=/path/to/python3.12" >&2
  return 1
}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
py=$(pick_python)
if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] < (3, 13) else 1)'; then
  rm -rf .venv
  "$py" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
