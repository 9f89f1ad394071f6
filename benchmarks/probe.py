"""One measurement in this process, printed as one JSON line: run by speed_ab.py for each side.

    PYTHONPATH=<tree> python benchmarks/probe.py pipeline|pdf|engine DIR

The engine under measurement is whichever `engine` package PYTHONPATH puts first (the tree at a
git ref, or this one); the measuring code is always this file, so both sides are measured alike.
CPU time of this process (`time.process_time`), so time spent waiting for a shared core is not
counted. It prints figures and asserts nothing.
"""

from __future__ import annotations

import contextlib
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from evaluate_benchmark import Judged, engine_and_raw  # this folder's, for both sides

from engine.backtest.predict import letter_date, predict_letter
from engine.catalog import load_catalog
from engine.criteria.pack import load_pack
from engine.errors import ImrcheckError
from engine.evaluate import Evaluator
from engine.extract import extract_case
from engine.letters import parse_letter_text
from engine.letters.files import letter_text, read_letter_bytes

ROUNDS = 5


def _median_seconds(work: Callable[[], object], rounds: int = ROUNDS) -> float:
    work()  # warm: compiled patterns, registered rulesets
    timings = []
    for _ in range(rounds):
        started = time.process_time()
        work()
        timings.append(time.process_time() - started)
    return statistics.median(timings)


def pipeline(folder: Path) -> dict[str, Any]:
    """parse + extract + predict over the texts of `folder` (read first): letters per CPU second."""
    evaluator = Evaluator(load_pack(), load_catalog())
    texts = [p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*.txt"))]

    def run() -> None:
        for text in texts:
            with contextlib.suppress(ImrcheckError):
                predict_letter(parse_letter_text(text, source="bench.txt"), evaluator, None)

    seconds = _median_seconds(run)
    return {"letters": len(texts), "letters_per_second": len(texts) / seconds}


def pdf(folder: Path) -> dict[str, Any]:
    """Per-letter CPU milliseconds by stage over the PDFs of `folder` (bytes read first)."""
    evaluator, catalog = Evaluator(load_pack(), load_catalog()), load_catalog()
    files = [(p, read_letter_bytes(p)) for p in sorted(folder.glob("*.pdf"))]
    texts = [letter_text(data, path) for path, data in files]
    letters = []
    for (path, _), text in zip(files, texts, strict=True):
        with contextlib.suppress(ImrcheckError):
            letters.append(parse_letter_text(text, source=str(path)))

    def extract_only() -> None:
        for letter in letters:
            with contextlib.suppress(ImrcheckError):
                extract_case(letter.clinical_summary, [i.title for i in letter.items], catalog=catalog)

    def predict() -> None:
        for letter in letters:
            with contextlib.suppress(ImrcheckError):
                predict_letter(letter, evaluator, None)

    def parse() -> None:
        for (path, _), text in zip(files, texts, strict=True):
            with contextlib.suppress(ImrcheckError):
                parse_letter_text(text, source=str(path))

    stages = {
        "text": _median_seconds(lambda: [letter_text(data, path) for path, data in files]),
        "parse": _median_seconds(parse),
        "extract": _median_seconds(extract_only),
        "predict": _median_seconds(predict),  # extraction included: predict_letter extracts
    }
    ms = {k: v / len(files) * 1000 for k, v in stages.items()}
    total = ms["text"] + ms["parse"] + ms["predict"]
    return {"letters": len(files), "ms_per_letter": ms, "letters_per_second": 1000 / total}


def engine(folder: Path) -> dict[str, Any]:
    """The engine on the cases extracted from `folder`'s text letters, beside raw durable-rules on the
    same facts, passes alternating: engine seconds / raw seconds."""
    catalog = load_catalog()
    judged: list[Judged] = []
    for path in sorted(folder.rglob("*.txt")):
        with contextlib.suppress(ImrcheckError):
            letter = parse_letter_text(path.read_text(encoding="utf-8"), source=str(path))
            case = extract_case(letter.clinical_summary, [i.title for i in letter.items], catalog=catalog).case
            judged.append((case, letter_date(letter), letter.source))
    engine_pass, replay = engine_and_raw(judged)
    engine_pass()
    replay.one_pass()
    ratios = []
    for _ in range(ROUNDS * 2):
        ratios.append(engine_pass() / replay.one_pass())
    return {"cases": len(judged), "engine_over_raw": statistics.median(ratios)}


def main() -> None:
    measure, folder = sys.argv[1], Path(sys.argv[2])
    result = {"pipeline": pipeline, "pdf": pdf, "engine": engine}[measure](folder)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
