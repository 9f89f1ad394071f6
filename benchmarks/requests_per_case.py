"""Check time against the number of requests in one case, up to the cap (engine.models.MAX_REQUESTS).

    .venv/bin/python benchmarks/requests_per_case.py            # 25, 50, 100, 200 requests
    .venv/bin/python benchmarks/requests_per_case.py --repeat 5

It prints figures and asserts nothing (speed is measured here, never in tests). For each size it
times (in CPU seconds of this process, which other work on a shared machine disturbs far less than
wall time) reading and validating the case, evaluating it (durable-rules really runs) and rendering the
JSON and the table, best of --repeat runs, and prints the time per request. Work per case is linear
when the time per request stays flat from the smallest size to the cap: the last column is each
size's time per request divided by the smallest size's (1.0 is perfectly linear). On this shared,
noisy machine read the ratio, not the absolute times.

The requests cycle through treatments of several kinds (an injection with its fluoroscopy and
sedation companions, therapy, an opioid, imaging), so the cost covers companions and every kind
of criteria set.
"""

from __future__ import annotations

import argparse
import io
import time
from collections.abc import Callable
from typing import Any

from rich.console import Console

from engine.case_io import validate_case
from engine.catalog import load_catalog
from engine.cli.envelope import json_lines
from engine.criteria.pack import load_pack
from engine.evaluate import Evaluator
from engine.models import MAX_REQUESTS
from engine.report import check_contract, print_table

TREATMENTS = ("TFESI", "fluoroscopy", "IV sedation", "physical therapy", "Norco", "lumbar MRI", "acupuncture", "TENS unit")


def case_data(requests: int) -> dict[str, Any]:
    return {
        "case_id": f"bench-{requests}", "request_date": "2014-09-02",
        "claimant": {"age": 44, "sex": "male"},
        "diagnoses": [{"text": "lumbar radiculopathy", "region": "lumbar", "group": "radiculopathy"}],
        "history": {"injections": [{"treatment": "TFESI", "region": "lumbar", "date": "2014-03-10", "relief_pct": 60,
                                    "relief_weeks": 8}]},
        "requests": [{"id": f"r{i}", "treatment": TREATMENTS[i % len(TREATMENTS)], "region": "lumbar"}
                     for i in range(requests)],
    }


def best_of(repeat: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        started = time.process_time()
        work()
        times.append(time.process_time() - started)
    return min(times)


def measure(evaluator: Evaluator, size: int, repeat: int) -> tuple[float, float, float, float]:
    """Seconds to validate, evaluate, render as JSON and as the table one case of `size` requests."""
    data = case_data(size)
    case = validate_case(data, source="bench")
    result = evaluator.evaluate(case)
    return (best_of(repeat, lambda: validate_case(data, source="bench")),
            best_of(repeat, lambda: evaluator.evaluate(case)),
            best_of(repeat, lambda: json_lines([check_contract(result)])),
            best_of(repeat, lambda: print_table([result], Console(file=io.StringIO(), width=120))))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[25, 50, 100, MAX_REQUESTS])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    evaluator = Evaluator(load_pack(), load_catalog())
    evaluator.evaluate(validate_case(case_data(len(TREATMENTS)), source="warm-up"))  # compile every set once
    print(f"{'requests':>8} {'validate s':>10} {'evaluate s':>10} {'json s':>8} {'table s':>8} {'ms/request':>10} {'ratio':>6}")
    first: float | None = None
    for size in args.sizes:
        times = measure(evaluator, size, args.repeat)
        per_request = sum(times) / size * 1000
        first = first or per_request
        print(f"{size:>8} " + " ".join(f"{t:>{w}.3f}" for t, w in zip(times, (10, 10, 8, 8), strict=True))
              + f" {per_request:>10.2f} {per_request / first:>6.2f}")

if __name__ == "__main__":
    main()
