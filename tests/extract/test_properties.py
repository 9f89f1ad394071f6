from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.errors import ExtractionError
from engine.extract import extract_case
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
