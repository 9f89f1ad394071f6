"""PDF-to-text quirks: broken lines, hyphens, page furniture, decision words, wrapped titles."""

from __future__ import annotations

import pytest

from engine.letters.items import decision_line, decision_word, parse_labelled_items
from engine.letters.text import EMPTY_VOCABULARY, Vocabulary, join_lines, keeps_hyphen, remove_page_furniture


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["The pain radiates to the", "left calf."], "The pain radiates to the left calf."),
        # A word split by the typesetter is mended.
        (["Her medi-", "cation list is short."], "Her medication list is short."),
        (["the medi-", "cal history"], "the medical history"),
        (["ongoing radi-", "culopathy"], "ongoing radiculopathy"),
        (["PHYSI-", "CAL THERAPY"], "PHYSICAL THERAPY"),
        # Real hyphens that happen to end a line are kept.
        (["a disc bulge at L4-", "L5 and L5-S1"], "a disc bulge at L4-L5 and L5-S1"),
        (["Decision based on Non-", "MTUS Citation"], "Decision based on Non-MTUS Citation"),
        (["the Medi-", "Cal criteria"], "the Medi-Cal criteria"),
        (["a follow-", "up visit"], "a follow-up visit"),
        (["FOLLOW-", "UP VISIT"], "FOLLOW-UP VISIT"),
        (["a first-", "time request"], "a first-time request"),
        (["a non-", "steroidal drug"], "a non-steroidal drug"),
        (["evidence-", "based care"], "evidence-based care"),
        (["an X-", "ray of the spine"], "an X-ray of the spine"),
        (["www.dhcs.ca.gov/services/medi-", "cal/Documents/page.htm"], "www.dhcs.ca.gov/services/medi-cal/Documents/page.htm"),
        # A dash with spaces around it is punctuation, not a hyphen.
        (["Health Care Services -", "California website"], "Health Care Services - California website"),
        # A web address broken after a slash is one token.
        (["see http://www.example.org/guides/", "page.htm for"], "see http://www.example.org/guides/page.htm for"),
        (["spacing   inside", "   and around  "], "spacing inside and around"),
        (["soft\u00ad", "hyphen"], "softhyphen"),
    ],
)
def test_join_lines(lines: list[str], expected: str) -> None:
    assert join_lines(lines) == expected


def test_the_document_itself_decides_an_ambiguous_hyphen() -> None:
    spelled_whole = Vocabulary.from_lines(["the thera peutic plan", "a wellness plan"])
    assert keeps_hyphen("well", "ness", spelled_whole) is False
    assert keeps_hyphen("well", "ness", EMPTY_VOCABULARY) is True
    spelled_hyphenated = Vocabulary.from_lines(["a pain-free interval"])
    assert keeps_hyphen("pain", "free", spelled_hyphenated) is True


def test_page_numbers_and_running_headers_are_removed() -> None:
    text = "\n".join(
        [
            "Case Number: CM14-0000003",
            "IMR ISSUES, DECISIONS AND RATIONALES",
            "Decision rationale: The first half of the",
            "Page 1 of 2",
            "Case Number: CM14-0000003",
            "rationale continues here.",
            "Page 2 of 2",
        ]
    )
    clean = remove_page_furniture(text)
    assert clean.lines == (
        "IMR ISSUES, DECISIONS AND RATIONALES",
        "Decision rationale: The first half of the",
        "rationale continues here.",
    )
    assert clean.furniture == ("Page 1 of 2", "Page 2 of 2", "Case Number: CM14-0000003", "Case Number: CM14-0000003")


def test_form_feed_pages_lose_their_headers_footers_and_bare_numbers() -> None:
    page = "MAXIMUS FEDERAL SERVICES\n{body}\nCM14-0000004 Page {number} of 3\n{number}"
    text = "\f".join(
        page.format(body=body, number=number) for number, body in enumerate(["first body line\nsecond", "third", "fourth\nfifth"], start=1)
    )
    assert remove_page_furniture(text).lines == ("first body line", "second", "third", "fourth", "fifth")


def test_lines_repeated_inside_pages_are_content_not_furniture() -> None:
    repeated = "MAXIMUS guideline: Decision based on MTUS Chronic Pain Treatment Guidelines Epidural"
    text = "\n".join(["start", repeated, "middle one", "more", "Page 1 of 2", "other", "two", repeated, "end"])
    assert remove_page_furniture(text).lines.count(repeated) == 2


def test_a_page_reference_in_prose_survives() -> None:
    text = "As noted on page 46 of the guidelines, the\nrequest is judged on page 2 of 4 criteria sets."
    assert remove_page_furniture(text).lines == (
        "As noted on page 46 of the guidelines, the",
        "request is judged on page 2 of 4 criteria sets.",
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Upheld", "upheld"),
        ("  UPHELD ", "upheld"),
        ("Overturned", "overturned"),
        ("OVERTURNED.", "overturned"),
        ("U p h e l d", "upheld"),
        ("Overt urned", "overturned"),
        ("Upheld in part", None),
        ("Denied", None),
    ],
)
def test_decision_words(text: str, expected: str | None) -> None:
    assert decision_word(text) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Medrol dosepak: Upheld", ("Medrol dosepak", "upheld")),
        ("PHYSICAL THERAPY 12 VISITS:  UPHELD", ("PHYSICAL THERAPY 12 VISITS", "upheld")),
        ("Chair :   Overturned ", ("Chair", "overturned")),
        ("Goal of ESI: ESI", None),
        (": Upheld", None),
    ],
)
def test_decision_lines(line: str, expected: tuple[str, str] | None) -> None:
    assert decision_line(line) == expected


def test_a_decision_word_pushed_onto_the_next_line_is_rejoined() -> None:
    items = parse_labelled_items(
        [
            "set forth below:",
            "Lumbar support brace:",
            "Upheld",
            "Claims Administrator guideline: Decision based on MTUS ACOEM Chapter 12.",
            "MAXIMUS guideline: Decision based on MTUS ACOEM Chapter 12 Page(s): 301.",
            "Decision rationale: Braces have no lasting benefit. Not medically necessary.",
        ],
        EMPTY_VOCABULARY,
    )
    assert [(item.title, item.decision, item.warnings) for item in items] == [("Lumbar support brace", "upheld", ())]


def test_a_title_wrapped_over_three_lines_is_rejoined() -> None:
    items = parse_labelled_items(
        [
            "Decision rationale: The earlier item ends here.",
            "Re-review selective nerve root block at left",
            "L5 and S1 under fluoroscopic guidance with",
            "moderate sedation:  Upheld",
            "Claims Administrator guideline: Decision based on MTUS.",
            "MAXIMUS guideline: Decision based on MTUS.",
            "Decision rationale: Not supported.",
        ],
        EMPTY_VOCABULARY,
    )
    assert items[-1].title == ("Re-review selective nerve root block at left L5 and S1 under fluoroscopic guidance with moderate sedation")
    assert items[0].rationale == "The earlier item ends here."
