"""Letters per second of the narrative extractor alone and of parse + extract + predict, on text letters.

    .venv/bin/python benchmarks/extract_benchmark.py              # 600 synthetic + the real text letters
    .venv/bin/python benchmarks/extract_benchmark.py --profile    # and the top of a cProfile of extraction

It prints figures and asserts nothing (speed is measured here, never in tests). The letters are read
into memory first, so file reading is not timed; each stage runs over the whole sample until
SAMPLE_SECONDS have passed, and the rate is letters done ÷ CPU seconds.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import pstats
import time
from collections.abc import Callable
from pathlib import Path

from engine.backtest.predict import predict_letter
from engine.backtest.synthetic import generate
from engine.catalog import load_catalog
from engine.criteria.pack import load_pack
from engine.errors import ImrcheckError
from engine.evaluate import Evaluator
from engine.extract import extract_case
from engine.letters import Letter, parse_letter_text

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SAMPLE_SECONDS = 3.0


def texts(synthetic: int) -> list[tuple[str, str]]:
    found = [(g.name, str(g.text)) for g in generate(synthetic, seed=3) if g.is_letter]
    for folder in (SHARED / "letters", SHARED / "real_decisions" / "letters" / "blind"):
        found += [(p.name, p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.txt"))]
    return found


def rate(work: Callable[[], int]) -> float:
    """Letters per CPU second, repeating `work` (which returns letters done) for SAMPLE_SECONDS."""
    work()  # warm: compiled patterns, registered rulesets
    done, started = 0, time.process_time()
    while time.process_time() - started < SAMPLE_SECONDS:
        done += work()
    return done / (time.process_time() - started)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--synthetic", type=int, default=600)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    catalog = load_catalog()
    evaluator = Evaluator(load_pack(), catalog)
    letters: list[Letter] = []
    for name, text in texts(args.synthetic):
        try:
            letters.append(parse_letter_text(text, source=name))
        except ImrcheckError:
            continue
    readable = [(le.clinical_summary, [i.title for i in le.items]) for le in letters if le.clinical_summary]
    sources = [text for _, text in texts(args.synthetic)]

    def extract_all() -> int:
        for summary, titles in readable:
            with contextlib.suppress(ImrcheckError):  # a summary naming no known treatment
                extract_case(summary, titles, catalog=catalog)
        return len(readable)

    def pipeline() -> int:
        done = 0
        for text in sources:
            try:
                predict_letter(parse_letter_text(text, source="bench.txt"), evaluator, None)
                done += 1
            except ImrcheckError:
                continue
        return done

    print(f"{len(readable)} summaries, {len(sources)} letter texts")
    print(f"extract only:                 {rate(extract_all):7.1f} letters/s")
    print(f"parse + extract + predict:    {rate(pipeline):7.1f} letters/s")
    if args.profile:
        profile = cProfile.Profile()
        profile.runcall(extract_all)
        pstats.Stats(profile).sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    main()
