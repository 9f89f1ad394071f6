"""The extractor's output pinned letter by letter, so a change made for speed is seen to change nothing.

For every real letter beside the repo (`../shared`: the seed letters, the archive PDFs, the TX/NY
decisions with and without rationale) and 300 synthetic letters, the digest of the extractor's input
(summary and titles) and of its output (the case JSON with evidence and notes, or the error raised).
`extract_golden.json` holds the digests (no letter text). The input digest lets a letter-parser
change (another module) show up as "input changed" instead of as an extractor change. Regenerate
it, after a change that is meant to change the output, with

    .venv/bin/python tests/extract_golden.py

and say in the commit why the output changed.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path

from engine.backtest.synthetic import generate
from engine.cli.extract import summary_and_titles
from engine.errors import ImrcheckError
from engine.extract import extract_case
from engine.letters import parse_letter_file

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
GOLDEN = Path(__file__).parent / "extract" / "extract_golden.json"
SYNTHETIC = 300


def letters() -> Iterator[tuple[str, str, list[str]]]:
    """(name, summary, titles) of every letter whose text the letter parser gives."""
    for folder in (SHARED / "letters", SHARED / "real_decisions" / "letters" / "full",
                   SHARED / "real_decisions" / "letters" / "blind"):
        for path in sorted(folder.glob("*.txt")):
            yield from _cut(f"{folder.name}/{path.name}", path.read_text(encoding="utf-8"))
    for path in sorted((SHARED / "imr_archive" / "pdf").glob("*.pdf")):
        try:
            letter = parse_letter_file(path)
        except ImrcheckError:
            continue
        if letter.clinical_summary:
            yield f"pdf/{path.name}", letter.clinical_summary, [str(item.title) for item in letter.items]
    for generated in generate(SYNTHETIC, seed=7):
        if generated.is_letter:
            yield from _cut(f"synthetic/{generated.name}", str(generated.text))


def _cut(name: str, text: str) -> Iterator[tuple[str, str, list[str]]]:
    try:
        summary, titles = summary_and_titles(text, name)
    except ImrcheckError:
        return
    yield name, summary, titles


def _short(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()[:16]


def digest(summary: str, titles: list[str]) -> tuple[str, str]:
    """(input digest, output digest)."""
    try:
        extraction = extract_case(summary, titles)
    except ImrcheckError as exc:
        body = "error: " + exc.message
    else:
        body = extraction.model_dump_json()
    return _short(json.dumps([summary, titles])), _short(body)


def digests() -> dict[str, tuple[str, str]]:
    return {name: digest(summary, titles) for name, summary, titles in letters()}


if __name__ == "__main__":
    if not SHARED.is_dir():
        sys.exit(f"{SHARED} is absent: the golden digests are made from the real letters beside the repo")
    GOLDEN.write_text(json.dumps(digests(), indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {GOLDEN}")
