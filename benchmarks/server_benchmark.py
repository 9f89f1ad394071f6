"""A one-item check beside large cases on a real `imrcheck serve`.

    .venv/bin/python benchmarks/server_benchmark.py              # 3 large cases of 500 requests
    .venv/bin/python benchmarks/server_benchmark.py --large 2 --requests 200

It prints figures; it asserts nothing (tests assert the ordering only: the small check is answered
before the large cases sent ahead of it). Figures: the one-item check alone (median of 20), the same
check sent while the large cases are being judged, each large case's time, and the ratio of the small
check beside them to alone. Large cases go to the server's second process (`engine/server/lanes.py`),
so the ratio stays near 1 instead of the sum of the large cases' times.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from server.server_support import example, start_server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--large", type=int, default=3, help="large cases sent at once")
    parser.add_argument("--requests", type=int, default=500, help="requests in each large case")
    options = parser.parse_args()
    small = example("mri_with_red_flag")
    large = example("repeat_esi_meets_criteria")
    primary = next(r for r in large["requests"] if "companion_of" not in r)
    large["requests"] = [{**primary, "id": f"r{i}"} for i in range(options.requests)]
    with tempfile.TemporaryDirectory() as folder:
        server = start_server(Path(folder) / "server.log")
        try:
            server.post_json("/api/check", large)  # start and warm both lanes
            alone = []
            for _ in range(20):
                started = time.perf_counter()
                server.post_json("/api/check", small)
                alone.append(time.perf_counter() - started)
            times: dict[str, float] = {}

            def post(name: str) -> None:
                started = time.perf_counter()
                server.post_json("/api/check", large)
                times[name] = time.perf_counter() - started

            threads = [threading.Thread(target=post, args=(f"large {i + 1}",)) for i in range(options.large)]
            for thread in threads:
                thread.start()
            time.sleep(0.5)
            started = time.perf_counter()
            server.post_json("/api/check", small)
            beside = time.perf_counter() - started
            for thread in threads:
                thread.join()
        finally:
            server.stop()
    print(f"one-item check alone (median of 20): {statistics.median(alone) * 1000:.0f} ms")
    print(f"one-item check beside {options.large} case(s) of {options.requests} requests: {beside * 1000:.0f} ms")
    for name, seconds in sorted(times.items()):
        print(f"{name}: {seconds:.2f} s")
    print(f"ratio beside / alone: {beside / statistics.median(alone):.1f}")


if __name__ == "__main__":
    main()
