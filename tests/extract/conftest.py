from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from engine.cli.extract import summary_and_titles

LETTERS = Path(__file__).resolve().parents[2] / "shared" / "letters"
RATIONALE = "IMR ISSUES, DECISIONS AND RATIONALES"


def cut(text: str) -> tuple[str, list[str]]:
    """The summary and titles of a letter: engine.letters when it works, else a regex."""
    return summary_and_titles(text, "letter")


@pytest.fixture(scope="session")
def letter(shared_letters: Path) -> Callable[[str], str]:
    def read(prefix: str) -> str:
        matches = sorted(shared_letters.glob(f"{prefix}_*.txt"))
        if not matches:
            pytest.skip(f"letter {prefix} is not in {shared_letters}")
        return matches[0].read_text(encoding="utf-8")

    return read


def replace_rationales(text: str) -> str:
    """The same letter with every rationale paragraph after the issues heading replaced."""
    head, _, tail = text.partition(RATIONALE)
    tail = re.sub(
        r"(Decision rationale:).*?(?=^[^\n]{3,200}:\s*(?:Upheld|Overturned)\b|\Z)",
        r"\1 The patient had ten prior epidural injections with 90% relief for 12 weeks; no radiation. "
        r"MRI dated 1/1/2020 with official report. Working full duty. Straight leg raise negative.\n",
        tail,
        flags=re.DOTALL | re.MULTILINE,
    )
    return head + RATIONALE + tail


def remove_rationales(text: str) -> str:
    """The same letter with everything after the issues heading removed but the item title lines."""
    head, _, tail = text.partition(RATIONALE)
    titles = re.findall(r"^[^\n]{3,200}:\s*(?:Upheld|Overturned)\b[^\n]*$", tail, flags=re.MULTILINE)
    return head + RATIONALE + "\n\n" + "\n\n".join(titles) + "\n"


@pytest.fixture(scope="session")
def cut_letter() -> Callable[[str], tuple[str, list[str]]]:
    return cut


@pytest.fixture(scope="session", params=["replaced", "removed"])
def without_rationales(request: pytest.FixtureRequest) -> Callable[[str], str]:
    return replace_rationales if request.param == "replaced" else remove_rationales
