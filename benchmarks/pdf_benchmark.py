"""PDF text extraction: pypdfium2 (what imrcheck uses) against pypdf (what it replaced), in one run.

    .venv/bin/pip install ".[bench]"        # pypdf with `cryptography`, for the archive's AES letters
    .venv/bin/python benchmarks/pdf_benchmark.py                       # ../shared/imr_archive/pdf
    .venv/bin/python benchmarks/pdf_benchmark.py --folder DIR --rounds 5

For each library: CPU milliseconds per letter (process time, the median of the rounds) and letters
per second, over the same files in the same process, and the ratio between them (on a shared machine
the absolute figures move, the ratio much less). It then checks that both give the same words, after
folding whitespace and the hyphens each library leaves at line ends. It prints figures; it asserts
nothing. Without pypdf or `cryptography` it measures pypdfium2 alone and says why.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from engine.letters.pdf import extract_pdf_text

DEFAULT_FOLDER = Path(__file__).resolve().parents[2] / "shared" / "imr_archive" / "pdf"
_WORD = re.compile(r"[A-Za-z0-9]+")

Reader = Callable[[bytes, str], str]


def _pypdf_reader() -> tuple[Reader | None, str]:
    """pypdf's text of every page, or None and the reason it cannot read the archive."""
    try:
        import io

        import pypdf
    except ImportError:
        return None, "pypdf is not installed (pip install '.[bench]')"
    try:
        import cryptography  # noqa: F401  (pypdf needs it for AES; imported here only to say so)
    except ImportError:
        return None, "pypdf cannot open AES-encrypted letters without `cryptography` (pip install '.[bench]')"

    def read(data: bytes, source: str) -> str:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            reader.decrypt("")
        return "\f".join(page.extract_text() or "" for page in reader.pages)

    return read, f"pypdf {pypdf.__version__}"


def words(text: str) -> list[str]:
    """The words of a text, case-folded, with line-end hyphenation and spacing differences folded away."""
    joined = re.sub(r"-\s*\n\s*", "", text)
    return [word.lower() for word in _WORD.findall(joined)]


def measure(reader: Reader, files: Sequence[tuple[Path, bytes]], rounds: int) -> tuple[float, list[str]]:
    """Median CPU seconds for one pass over `files`, and the texts of the last pass."""
    timings, texts = [], []
    for _ in range(rounds):
        started = time.process_time()
        texts = [reader(data, str(path)) for path, data in files]
        timings.append(time.process_time() - started)
    return statistics.median(timings), texts


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--folder", type=Path, default=DEFAULT_FOLDER)
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args(argv)
    paths = sorted(options.folder.glob("*.pdf"))
    if not paths:
        print(f"no PDF letters in {options.folder}")
        return 2
    files = [(path, path.read_bytes()) for path in paths]
    print(f"{len(files)} PDF letters in {options.folder}, {options.rounds} rounds (median CPU time per pass)")
    from importlib.metadata import version

    results: dict[str, tuple[float, list[str]]] = {}
    results["pypdfium2"] = measure(extract_pdf_text, files, options.rounds)
    label = f"pypdfium2 {version('pypdfium2')}"
    pypdf_read, pypdf_label = _pypdf_reader()
    rows = [(label, results["pypdfium2"][0])]
    if pypdf_read is not None:
        results["pypdf"] = measure(pypdf_read, files, options.rounds)
        rows.append((pypdf_label, results["pypdf"][0]))
    else:
        print(f"pypdf not measured: {pypdf_label}")
    for name, seconds in rows:
        print(f"  {name:22} {seconds / len(files) * 1000:8.1f} ms/letter  {len(files) / seconds:8.1f} letters/s")
    if "pypdf" in results:
        print(f"  pypdf takes {results['pypdf'][0] / results['pypdfium2'][0]:.1f}x the CPU time of pypdfium2")
        same = sum(words(a) == words(b) for a, b in zip(results["pypdfium2"][1], results["pypdf"][1], strict=True))
        print(f"  same words (normalized) from both: {same} of {len(files)} letters")
        for (path, _), ours, theirs in zip(files, results["pypdfium2"][1], results["pypdf"][1], strict=True):
            if words(ours) != words(theirs):
                a, b = words(ours), words(theirs)
                shared = len(set(a) & set(b)) / max(len(set(a) | set(b)), 1)
                print(f"    {path.name}: {len(a)} vs {len(b)} words, {shared:.1%} of distinct words shared")
    return 0


if __name__ == "__main__":
    sys.exit(main())
