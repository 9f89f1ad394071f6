from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.alternation import Gated
from engine.errors import ExtractionError
from engine.extract import Sentence, extract_case
from engine.models import Case

WORDS = st.sampled_from([
    "no", "denies", "prior", "epidural steroid injections", "with", "no relief", "4", "four", "MRI", "dated",
    "12/15/13", "L5-S1", "straight leg", "positive", "R side", "8/10", "radiates", "Norco", "using", ".", ",",
    "(", ")", "physical therapy", "12 visits", "off work", "year-old female", "100%", "relief", "\n\n", ":",
    "trigger points", "twitch response", "referred pain", "urine drug screen", "inconsistent", "no documentation of",
    "aberrant behavior", "side effects", "status post", "L4-5 fusion", "on 3/2/2012", "underwent", "stop", "Soma",
    "The injection", "reduced", "medication", "activities of daily living", "surgical candidate", "unable to drive",
    "temporarily totally disabled", "not working", "despite", "chiropractic", "60% relief for 8 weeks", "had a",
    "disc herniation at L4-L5", "nerve root impingement", "pain agreement", "returned to work", "from 8/10 to 4/10",
])
TEXT = st.one_of(st.text(max_size=400), st.lists(WORDS, max_size=60).map(" ".join))
TITLES = st.lists(st.one_of(st.text(max_size=60), WORDS, st.just("Norco 5/325mg 1 PO BID")), max_size=4)


@settings(max_examples=300, deadline=None)
@given(TEXT, TITLES)
def test_arbitrary_text_gives_a_case_or_extraction_error(summary: str, titles: list[str]) -> None:
    try:
        extraction = extract_case(summary, titles)
    except ExtractionError:
        return
    assert isinstance(extraction.case, Case)
    for item in extraction.evidence:
        assert summary[item.start : item.end] == item.sentence


@settings(max_examples=500)
@given(text=st.text(alphabet=st.sampled_from(["a", "b", " ", "\t", "\n", "\u00a0", "\u2003", "\x1c", "\x85", ".", "\u200b"]),
                    max_size=30))
def test_a_sentence_folds_whitespace_as_the_pattern_did(text: str) -> None:
    assert Sentence(text, 0, len(text)).flat == re.sub(r"\s+", " ", text)


@contextlib.contextmanager
def _ungated() -> Iterator[None]:
    """Every gated pattern run as the plain pattern, its gate and remembered answers bypassed."""
    with contextlib.ExitStack() as stack:
        for method in ("search", "match", "fullmatch", "finditer", "findall", "sub"):
            stack.enter_context(mock.patch.object(
                Gated, method, lambda self, *args, _m=method: getattr(self.compiled, _m)(*args)))
        yield


def _extraction(summary: str, titles: list[str]) -> str:
    try:
        found = extract_case(summary, titles)
    except ExtractionError as error:
        return f"error: {error}"
    return found.case.model_dump_json() + repr(found.evidence) + repr(found.notes)


@settings(max_examples=200, deadline=None)
@given(TEXT, TITLES)
def test_the_gates_change_no_extraction(summary: str, titles: list[str]) -> None:
    gated_result = _extraction(summary, titles)
    with _ungated():
        assert _extraction(summary, titles) == gated_result
