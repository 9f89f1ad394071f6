"""What is made from the bundled data (the criteria sets, the catalog, the drug, conversion and scoring
tables), loaded once per installation rather than once per process.

Parsing and cross-checking the bundled YAML is the largest part of a `check` start (issue 14). Each
result depends only on the bundled files and on the code that reads them, so it is kept, pickled,
under a key made of both: any edit to a criteria file or to the engine makes a new key, and the old
entry is simply never read again. The cache must be invisible: the same sets, from the cache or not.

Safe: only the bundled pack is cached (no case, no user criteria), in the user's own cache folder,
and an entry is read only from a regular file owned by this user that no one else can write (a
pickle is code to Python). Any doubt or error means: load from the YAML as if there were no cache.
`IMRCHECK_NO_CACHE=1` turns it off; `IMRCHECK_CACHE_DIR` moves it.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import pickle
import stat
import sys
import tempfile
from collections.abc import Callable
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
KEEP_ENTRIES = 4
_ENGINE = Path(__file__).resolve().parents[1]


def cache_dir() -> Path | None:
    if os.environ.get("IMRCHECK_NO_CACHE"):
        return None
    explicit = os.environ.get("IMRCHECK_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "imrcheck"


def _add_tree(digest: hashlib._Hash, root: Traversable | Path, suffixes: tuple[str, ...]) -> None:
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        if entry.is_dir():
            if entry.name != "__pycache__":
                _add_tree(digest, entry, suffixes)
        elif entry.name.endswith(suffixes):
            digest.update(entry.name.encode() + b"\0" + entry.read_bytes() + b"\0")


def _add_code(digest: hashlib._Hash, folder: str) -> None:
    """The engine's modules by name, size and modification time: the rule Python keeps its own bytecode
    by, so an edit it would see is seen here too. Reading every module was most of the fingerprint,
    itself a visible part of a start (issue 14); the data files are still read whole."""
    with os.scandir(folder) as listed:
        entries = sorted(listed, key=lambda e: e.name)
    for entry in entries:
        if entry.is_dir():
            if entry.name != "__pycache__":
                _add_code(digest, entry.path)
        elif entry.name.endswith(".py"):
            info = entry.stat()
            digest.update(f"{entry.name}\0{info.st_size}\0{info.st_mtime_ns}\0".encode())


def fingerprint(data_root: Traversable | Path) -> str:
    """What the loaded sets depend on: every bundled data file, the engine's code, the interpreter, pydantic."""
    import pydantic

    digest = hashlib.sha256(f"{sys.version}|{pydantic.VERSION}".encode())
    _add_tree(digest, data_root, (".yaml",))
    _add_code(digest, os.fspath(_ENGINE))
    return digest.hexdigest()[:32]


@functools.cache
def _bundled_key() -> str:
    # Once per process: the installed files do not change under a running command. (engine.resources
    # reads its tables through this module, hence the import here.)
    from engine.resources import bundled_criteria_root

    return fingerprint(bundled_criteria_root())


def load_bundled(name: str, build: Callable[[], T]) -> T:
    """`load_or_build` for a value made from the bundled data files alone, keyed by their fingerprint
    (not computed at all when the cache is off)."""
    if cache_dir() is None:
        return build()
    return load_or_build(name, _bundled_key(), build)


def _trusted(path: Path) -> bool:
    """A regular file (not a link) and its folder, both this user's and writable by no one else."""
    try:
        for node in (path.parent, path):
            info = node.lstat()
            if info.st_uid != os.getuid() or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
                return False
        return stat.S_ISREG(path.lstat().st_mode)
    except OSError:
        return False


def load_or_build(name: str, key: str, build: Callable[[], T]) -> T:
    folder = cache_dir()
    if folder is None:
        return build()
    path = folder / f"{name}-{key}.pickle"
    if _trusted(path):
        with contextlib.suppress(Exception):  # a damaged or foreign entry is as good as none
            with path.open("rb") as handle:
                found: T = pickle.load(handle)
            return found
    value = build()
    with contextlib.suppress(OSError, pickle.PicklingError):
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle_fd, temporary = tempfile.mkstemp(dir=folder, prefix=f".{name}-")
        try:
            with os.fdopen(handle_fd, "wb") as handle:
                pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, path)  # whole or not at all, for a process reading it meanwhile
        finally:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
        # Entries for code or criteria no longer installed: the newest few stay (several installations,
        # such as a checkout and a released copy, may share the folder), the rest go.
        entries = sorted(folder.glob(f"{name}-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
        for stale in entries[KEEP_ENTRIES:]:
            stale.unlink()
    return value
