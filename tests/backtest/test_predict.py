"""The pieces of a prediction: the date judged by, the guideline comparison, errors that cost one letter."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from engine.backtest.guidelines import same_guideline
from engine.backtest.inputs import LetterJob
from engine.backtest.predict import judged_date, letter_date
from engine.backtest.worker import Predictor, Settings
from engine.criteria.pack import CriteriaPack
from engine.letters import parse_letter_text
from engine.letters.citations import parse_citations
from engine.letters.models import Citation, Layout, Letter, LetterHeader, LetterItem

FIXTURES = Path(__file__).resolve().parents[1] / "letters" / "fixtures"


def _letter(summary: str = "", **header: object) -> Letter:
    return Letter(source="x", layout=Layout.MAXIMUS_2014, header=LetterHeader.model_validate(header),
                  clinical_summary=summary, items=[LetterItem(title="Physical therapy", decision="upheld")])


def test_the_date_judged_by_comes_from_the_header_in_order() -> None:
    assert letter_date(_letter(ur_denial_date=dt.date(2014, 11, 25), date_assigned=dt.date(2014, 12, 8))) == dt.date(2014, 11, 25)
    assert letter_date(_letter(ur_denial_date="November 25, 2014", date_assigned=dt.date(2014, 12, 8))) == dt.date(2014, 12, 8)
    assert letter_date(_letter(case_number="CM15-0001234")) == dt.date(2015, 7, 1)
    assert letter_date(_letter()) is None


def test_without_header_dates_the_latest_date_of_the_summary_in_imr_time_is_used() -> None:
    assert letter_date(_letter("Injured on 3/2/2011. Seen on 4/20/2014 and again on 9/3/2014.")) == dt.date(2014, 9, 3)
    assert letter_date(_letter("Injured on 6/29/2000; no later visit is dated.")) is None


def test_a_fixture_letter_is_judged_by_its_decision_date() -> None:
    letter = parse_letter_text((FIXTURES / "synthetic_header_layout.txt").read_text(encoding="utf-8"), source="f")
    assert letter_date(letter) == dt.date(2015, 1, 20)
    assert judged_date(letter) == (dt.date(2015, 1, 20), None)


def test_the_decision_date_comes_first_and_any_other_date_is_noted() -> None:
    assert judged_date(_letter(decision_date=dt.date(2015, 1, 20), ur_denial_date=dt.date(2014, 11, 25))) == (
        dt.date(2015, 1, 20), None)
    assert judged_date(_letter(ur_denial_date=dt.date(2014, 11, 25))) == (
        dt.date(2014, 11, 25), "no decision date was read; judged as of the letter's UR denial date (2014-11-25)")
    assert judged_date(_letter(case_number="CM15-0001234")) == (
        dt.date(2015, 7, 1),
        "no date was read in the header; judged as of the middle of the year its case number names (2015-07-01)")
    assert judged_date(_letter("Seen on 9/3/2014.")) == (
        dt.date(2014, 9, 3), "no date was read in the header; judged as of the latest date the clinical summary mentions (2014-09-03)")
    assert judged_date(_letter()) == (None, None)


@pytest.mark.parametrize(
    ("set_id", "statement", "expected"),
    [
        ("mtus_2009_esi_repeat", "Decision based on MTUS Chronic Pain Treatment Guidelines Epidural Steroid Injections Page(s): 46.", True),
        ("mtus_2009_esi_repeat", "Decision based on MTUS Chronic Pain Treatment Guidelines Opioids Page(s): 76.", False),
        ("mtus_2009_physical_medicine", "Decision based on Non-MTUS Citation Official Disability Guidelines (ODG), "
                                        "Low Back Chapter, Physical therapy", False),
        ("odg_low_back_physical_therapy", "Decision based on Non-MTUS Citation Official Disability Guidelines (ODG), "
                                          "Low Back Chapter, Physical therapy", True),
        ("mtus_2009_lumbar_imaging", "Decision based on MTUS ACOEM Chapter 12 Low Back Complaints Page(s): 303-304.", True),
        ("mtus_2009_esi_repeat", None, None),
    ],
)
def test_same_guideline(pack: CriteriaPack, set_id: str, statement: str | None, expected: bool | None) -> None:
    assert same_guideline([pack.get(set_id)], parse_citations(statement)) is expected


def test_no_applied_set_compares_to_nothing() -> None:
    assert same_guideline([], [Citation(source="MTUS", pages=[46])]) is None


def test_an_unexpected_error_costs_one_letter_and_names_only_its_type(monkeypatch: pytest.MonkeyPatch) -> None:
    predictor = Predictor(Settings())

    def broken(*args: object, **kwargs: object) -> None:
        raise KeyError("the letter's text must never be shown")

    monkeypatch.setattr("engine.backtest.worker.predict_letter", broken)
    result = predictor.run(LetterJob(str(FIXTURES / "synthetic_header_layout.txt")))
    (skip,) = result.skipped
    assert skip.reason == "internal error (KeyError) while predicting; please report it"
    assert not result.read and result.items == ()


def test_a_pdf_name_on_text_is_skipped(tmp_path: Path) -> None:
    fake = tmp_path / "letter.pdf"
    fake.write_text("plain text", encoding="utf-8")
    (skip,) = Predictor(Settings()).run(LetterJob(str(fake))).skipped
    assert skip.source == str(fake) and skip.reason == "has a .pdf name but is not a PDF file"
