"""The one JSON document every `--format json` prints, whatever the number of inputs.

Scripts never guess between an object and a list (Semgrep's and Checkov's convention): results and
errors are lists inside a versioned envelope that names the tool and the exact criteria it judged by.
`--format jsonl` streams the same result objects one per line, without the envelope.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

from engine.errors import ImrcheckError

if TYPE_CHECKING:
    from engine.criteria.pack import CriteriaPack

# Bumped when a key is removed or changes meaning; keys may be added without a bump.
SCHEMA_VERSION = "1"
TOOL_NAME = "imrcheck"


def package_version() -> str:
    try:
        return version(TOOL_NAME)
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0+unknown"


def pack_identity(pack: CriteriaPack) -> dict[str, str]:
    """The criteria pack's version (the package's; `+local` when user files were added) and a content hash.

    The hash covers what the sets say, not where they came from, so two runs with the same hash judged
    by the same criteria."""
    digest = hashlib.sha256()
    for set_id in sorted(pack.sets):
        digest.update(json.dumps(pack.sets[set_id].model_dump(mode="json"), sort_keys=True).encode())
    local = any(not source.startswith("guideline_criteria/") for source in pack.sources.values())
    return {"version": package_version() + ("+local" if local else ""), "hash": "sha256:" + digest.hexdigest()[:16]}


def tool_info(pack: CriteriaPack | None) -> dict[str, Any]:
    info: dict[str, Any] = {"name": TOOL_NAME, "version": package_version()}
    info["criteria_pack"] = pack_identity(pack) if pack is not None else None
    return info


def version_line(pack: CriteriaPack) -> str:
    identity = pack_identity(pack)
    return f"{TOOL_NAME} {package_version()} (criteria pack {identity['version']}, {identity['hash']})"


@dataclass
class Errors:
    """The inputs a batch could not use: said on stderr as they happen, and listed in the envelope."""

    items: list[dict[str, str | None]] = field(default_factory=list)

    def add(self, exc: ImrcheckError, source: str | None = None) -> None:
        self.items.append({"source": exc.source or source, "message": exc.message})

    def __len__(self) -> int:
        return len(self.items)


def envelope(results: Sequence[dict[str, Any]], errors: Errors, pack: CriteriaPack | None) -> str:
    document = {
        "schema_version": SCHEMA_VERSION,
        "tool": tool_info(pack),
        "results": list(results),
        "errors": list(errors.items),
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def json_lines(results: Sequence[dict[str, Any]]) -> str:
    return "".join(json.dumps(result, ensure_ascii=False) + "\n" for result in results)
