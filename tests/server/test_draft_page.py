"""The draft page as a clinic uses it (issue 15), in a real headless chromium against the real server:
only what was entered is recorded, an invalid answer withdraws the prediction, a changed request keeps
its answers, a whole RFA with companions, a draft saved and reopened, phone width, keyboard and screen
reader, the printed report, and the letters page as a set."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from playwright.sync_api import expect
from server.server_support import LETTER_FIXTURES, Server

from engine.case_io import parse_case_text

RELIEF = "answer-history.injections.relief_pct"
WEEKS = "answer-history.injections.relief_weeks"
BLOCKS = "answer-history.injections"


def _setup(page: Any, server: Server, treatment: str = "lumbar epidural steroid injection", repeat: str = "true",
           date: str = "2025-01-10") -> None:
    page.goto(server.base + "/")
    expect(page.locator("body")).to_have_attribute("data-state", "ready")
    page.get_by_test_id("treatment").fill(treatment)
    page.get_by_test_id("region").select_option("lumbar")
    page.get_by_test_id("repeat").select_option(repeat)
    page.get_by_test_id("request-date").fill(date)
    page.get_by_test_id("start").click()
    expect(page.get_by_test_id("prediction-1")).to_be_visible()


def _settled(page: Any) -> None:
    page.wait_for_timeout(300)  # past the page's 250 ms debounce, so the update has started
    expect(page.locator("body")).to_have_attribute("data-state", "ready")


def _saved(page: Any) -> tuple[Any, str]:
    _settled(page)
    with page.expect_download() as download:
        page.get_by_test_id("download-yaml").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    return parse_case_text(text, source="case.yaml"), text


def _dates_in(text: str) -> set[str]:
    return set(re.findall(r"\d{4}-\d{2}-\d{2}", text))


def test_two_earlier_blocks_are_recorded_with_the_dates_entered_and_no_others(page: Any, server: Server) -> None:
    _setup(page, server)
    page.get_by_test_id(f"{BLOCKS}-date").fill("2024-11-02")
    page.get_by_test_id(f"{BLOCKS}-add").click()
    page.get_by_test_id(f"{BLOCKS}-date").nth(1).fill("2024-06-01")
    page.get_by_test_id(RELIEF).fill("60")
    case, text = _saved(page)
    assert case.history is not None and case.history.injections is not None
    assert sorted(str(i.date) for i in case.history.injections) == ["2024-06-01", "2024-11-02"]
    latest = next(i for i in case.history.injections if str(i.date) == "2024-11-02")
    assert latest.relief_pct == 60  # the relief answers describe the most recent block
    assert _dates_in(text) == {"2025-01-10", "2024-11-02", "2024-06-01"}
    report = page.get_by_test_id("result").inner_text()
    assert "2025-01-09" not in report and "1/2025" not in report


def test_no_earlier_block_records_none_and_the_checklist_names_no_date(page: Any, server: Server) -> None:
    _setup(page, server)
    page.get_by_test_id(f"{BLOCKS}-none").check()
    case, text = _saved(page)
    assert case.history is None or not case.history.injections
    assert _dates_in(text) == {"2025-01-10"}
    report = page.locator("#report").inner_text()
    assert not re.search(r"\b\d{1,2}/20\d\d\b", report)  # no "the 1/2024 injection": nobody entered one
    # Relief from a last block whose date is not given is refused at the dates, not dated by the page.
    page.get_by_test_id(RELIEF).fill("60")
    expect(page.get_by_test_id("q-history.injections").get_by_test_id("field-error")).to_contain_text("give the date")
    expect(page.get_by_test_id("withdrawn")).to_be_visible()


def test_an_invalid_answer_is_marked_at_its_field_and_withdraws_the_prediction(page: Any, server: Server) -> None:
    _setup(page, server)
    page.get_by_test_id(f"{BLOCKS}-date").fill("2024-06-01")
    page.get_by_test_id(RELIEF).fill("60")
    page.get_by_test_id(WEEKS).fill("8")
    page.get_by_test_id("answer-history.injections.medication_reduction").select_option("true")
    page.get_by_test_id("answer-history.injections.functional_improvement").select_option("true")
    expect(page.get_by_test_id("prediction-1")).to_have_text("overturn")

    page.get_by_test_id(RELIEF).fill("150")
    row = page.get_by_test_id("q-history.injections.relief_pct")
    expect(row.get_by_test_id("field-error")).to_contain_text("less than or equal to 100")
    expect(page.get_by_test_id(RELIEF)).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_test_id("withdrawn")).to_be_visible()
    expect(page.get_by_test_id("prediction-1")).to_have_count(0)  # no stale OVERTURN
    expect(page.get_by_test_id("download-yaml")).to_be_disabled()
    expect(page.get_by_test_id("error")).to_be_hidden()  # said at the field, not in a banner with a path

    page.get_by_test_id(RELIEF).fill("60")
    expect(page.get_by_test_id("prediction-1")).to_have_text("overturn")
    expect(page.get_by_test_id("withdrawn")).to_be_hidden()
    expect(page.get_by_test_id(RELIEF)).not_to_have_attribute("aria-invalid", "true")
    case, _ = _saved(page)
    assert case.history is not None and case.history.injections is not None
    assert case.history.injections[0].relief_pct == 60


def test_implausible_answers_are_marked_at_their_field(page: Any, server: Server) -> None:
    _setup(page, server)
    page.get_by_test_id(WEEKS).fill("1e29")
    expect(page.get_by_test_id("q-history.injections.relief_weeks").get_by_test_id("field-error")).to_contain_text("plausible")
    expect(page.get_by_test_id("withdrawn")).to_be_visible()
    page.get_by_test_id(WEEKS).fill("")
    expect(page.get_by_test_id("prediction-1")).to_be_visible()
    for date in ("0001-01-01", "9999-12-31"):
        page.get_by_test_id("request-date").fill(date)
        page.get_by_test_id("start").click()
        expect(page.get_by_test_id("request-date-error")).to_contain_text("plausible")
        expect(page.get_by_test_id("request-date")).to_have_attribute("aria-invalid", "true")
        expect(page.get_by_test_id("prediction-1")).to_have_count(0)


def test_changing_the_request_keeps_the_answers_it_still_asks(page: Any, server: Server) -> None:
    _setup(page, server, repeat="false", date="2014-09-02")
    page.get_by_test_id("answer-exam.straight_leg_raise").select_option("positive")
    page.get_by_test_id("answer-request.levels").fill("L4-L5")
    _settled(page)
    page.get_by_test_id("request-date").fill("2015-03-02")  # changed above: asked again without the button
    _settled(page)
    expect(page.get_by_test_id("answer-exam.straight_leg_raise")).to_have_value("positive")
    page.get_by_test_id("start").click()  # pressing the button keeps them too
    case, _ = _saved(page)
    assert str(case.request_date) == "2015-03-02"
    assert case.exam is not None and case.exam.straight_leg_raise == "positive"
    assert case.requests[0].levels == ("L4-L5",)
    page.get_by_test_id("repeat").select_option("true")  # another criteria set: other questions
    expect(page.get_by_test_id("q-history.injections.relief_pct")).to_be_visible()
    case, _ = _saved(page)
    assert case.requests[0].repeat is True


def test_greyed_out_questions_are_not_in_the_documentation_to_add(page: Any, server: Server) -> None:
    _setup(page, server, date="2014-09-02")
    expect(page.get_by_test_id("missing-1")).to_contain_text("weeks the relief")
    page.get_by_test_id(RELIEF).fill("30")
    expect(page.get_by_test_id("q-history.injections.relief_weeks")).to_have_attribute("data-status", "skipped")
    _settled(page)
    checklist = page.get_by_test_id("missing-1")
    if checklist.count():
        expect(checklist).not_to_contain_text("weeks the relief")
        expect(checklist).not_to_contain_text("Percent pain relief")


def test_a_three_item_injection_request_with_fluoroscopy_and_sedation(page: Any, server: Server) -> None:
    _setup(page, server, repeat="false", date="2014-09-02")
    for name in ("fluoroscopy", "IV sedation"):
        page.get_by_test_id("add-item").click()
        page.get_by_test_id("item-treatment").last.fill(name)
        page.get_by_test_id("item-companion").last.check()
    page.get_by_test_id("start").click()
    for item in ("1", "2", "3"):
        expect(page.get_by_test_id(f"prediction-{item}")).to_be_visible()
    expect(page.get_by_test_id("request-2")).to_contain_text("fluoroscopy")
    expect(page.get_by_test_id("request-3")).to_contain_text("Goes with item 1")
    case, _ = _saved(page)
    assert [(r.id, r.companion_of) for r in case.requests] == [("1", None), ("2", "1"), ("3", "1")]
    assert [r.treatment for r in case.requests][1:] == ["fluoroscopy", "IV sedation"]  # as entered
    expect(page.get_by_test_id("summary-request")).to_contain_text("IV sedation (with item 1)")


def test_an_unknown_item_is_marked_at_its_row(page: Any, server: Server) -> None:
    _setup(page, server, repeat="false", date="2014-09-02")
    page.get_by_test_id("add-item").click()
    page.get_by_test_id("item-treatment").fill("zzz unheard-of thing")
    page.get_by_test_id("start").click()
    expect(page.get_by_test_id("item").locator(".field-error")).to_contain_text("unknown treatment")
    expect(page.get_by_test_id("withdrawn")).to_be_visible()


def test_a_saved_draft_reopens_as_the_same_case(page: Any, server: Server, tmp_path: Path) -> None:
    _setup(page, server)
    page.get_by_test_id(f"{BLOCKS}-date").fill("2024-06-01")
    page.get_by_test_id(RELIEF).fill("60")
    page.get_by_test_id("answer-history.injections.medication_reduction").select_option("true")
    page.get_by_test_id("add-item").click()
    page.get_by_test_id("item-treatment").fill("fluoroscopy")
    page.get_by_test_id("item-companion").check()
    first, text = _saved(page)
    saved = tmp_path / "draft.yaml"
    saved.write_text(text, encoding="utf-8")
    prediction = page.get_by_test_id("prediction-1").text_content()

    page.goto(server.base + "/")
    expect(page.locator("body")).to_have_attribute("data-state", "ready")
    page.get_by_test_id("open-case").set_input_files(str(saved))
    expect(page.get_by_test_id("prediction-1")).to_have_text(prediction)
    expect(page.get_by_test_id(RELIEF)).to_have_value("60")
    expect(page.get_by_test_id(f"{BLOCKS}-date")).to_have_value("2024-06-01")
    expect(page.get_by_test_id("answer-history.injections.medication_reduction")).to_have_value("true")
    expect(page.get_by_test_id("request-date")).to_have_value("2025-01-10")
    expect(page.get_by_test_id("item-treatment")).to_have_value("fluoroscopy")
    again, _ = _saved(page)
    assert again.model_dump() == first.model_dump()


def test_a_file_that_is_not_a_case_is_refused_without_losing_the_page(page: Any, server: Server, tmp_path: Path) -> None:
    bad = tmp_path / "notes.yaml"
    bad.write_text(yaml.safe_dump({"requests": "none"}), encoding="utf-8")
    page.goto(server.base + "/")
    expect(page.locator("body")).to_have_attribute("data-state", "ready")
    page.get_by_test_id("open-case").set_input_files(str(bad))
    expect(page.get_by_test_id("error")).to_contain_text("requests")


def test_the_pages_fit_a_390_pixel_phone(browser: Any, server: Server, tmp_path: Path) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        _setup(page, server, date="2014-09-02")
        page.get_by_test_id("add-item").click()
        page.get_by_test_id("item-treatment").fill("fluoroscopy")
        _settled(page)
        page.screenshot(path=str(tmp_path / "draft-390.png"), full_page=True)
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
        badge = page.get_by_test_id("prediction-1").bounding_box()
        assert badge is not None and badge["x"] + badge["width"] <= 390

        page.goto(server.base + "/letters")
        page.get_by_test_id("letter-files").set_input_files(str(LETTER_FIXTURES / "notice_2013.txt"))
        page.get_by_test_id("upload").click()
        expect(page.get_by_test_id("letter-item")).to_have_count(2)
        page.screenshot(path=str(tmp_path / "letters-390.png"), full_page=True)
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
        for testid in ("item-predicted", "item-agrees"):
            cell = page.get_by_test_id(testid).first.bounding_box()
            assert cell is not None and cell["x"] + cell["width"] <= 390, testid
    finally:
        context.close()


def test_focus_moves_to_the_result_and_a_changed_prediction_is_announced(page: Any, server: Server) -> None:
    page.goto(server.base + "/")
    expect(page.locator("body")).to_have_attribute("data-state", "ready")
    page.get_by_test_id("treatment").fill("lumbar epidural steroid injection")
    page.get_by_test_id("region").select_option("lumbar")
    page.get_by_test_id("repeat").select_option("true")
    page.get_by_test_id("request-date").fill("2014-09-02")
    page.get_by_test_id("request-date").press("Enter")  # by keyboard: Enter submits the form
    expect(page.get_by_test_id("report-title")).to_be_focused()
    live = page.get_by_test_id("announce")
    expect(live).to_have_attribute("aria-live", "polite")
    expect(live).to_contain_text("predicted uphold")
    page.get_by_test_id(f"{BLOCKS}-date").fill("2014-03-10")
    page.get_by_test_id(RELIEF).fill("60")
    page.get_by_test_id(WEEKS).fill("8")
    page.get_by_test_id("answer-history.injections.medication_reduction").select_option("true")
    page.get_by_test_id("answer-history.injections.functional_improvement").select_option("true")
    expect(live).to_contain_text("Item 1, epidural steroid injection: predicted overturn")
    expect(page.get_by_test_id("meaning-1")).to_contain_text("denial is reversed")


def test_the_printed_report_holds_the_request_answers_prediction_checklist_and_sources(page: Any, server: Server) -> None:
    _setup(page, server, date="2014-09-02")
    page.get_by_test_id(f"{BLOCKS}-date").fill("2014-03-10")
    page.get_by_test_id(RELIEF).fill("60")
    _settled(page)
    page.emulate_media(media="print")
    request = page.get_by_test_id("summary-request")
    expect(request).to_be_visible()
    for text in ("epidural steroid injection", "lumbar", "repeat", "2014-09-02"):
        expect(request).to_contain_text(text)
    answers = page.get_by_test_id("summary-answers")
    expect(answers).to_contain_text("Percent pain relief")
    expect(answers).to_contain_text("60")
    expect(answers).to_contain_text("2014-03-10")
    expect(page.get_by_test_id("prediction-1")).to_be_visible()
    expect(page.get_by_test_id("missing-1")).to_be_visible()
    expect(page.get_by_test_id("setup")).to_be_hidden()
    expect(page.get_by_test_id("items")).to_be_hidden()
    sources = page.get_by_test_id("sources-1").locator("li").all_inner_texts()
    assert sources and len(sources) == len(set(sources))


def test_reading_letters_again_replaces_them(page: Any, server: Server) -> None:
    page.goto(server.base + "/letters")
    expect(page.locator("body")).to_have_attribute("data-state", "ready")
    for _ in range(2):
        page.get_by_test_id("letter-files").set_input_files(str(LETTER_FIXTURES / "notice_2013.txt"))
        page.get_by_test_id("upload").click()
        expect(page.locator("body")).to_have_attribute("data-state", "ready")
        expect(page.get_by_test_id("letter")).to_have_count(1)
        expect(page.get_by_test_id("totals")).to_contain_text("1 letter(s), 2 item(s) read")


def test_straight_leg_raise_side_and_the_dermatome_are_recorded_as_entered(page: Any, server: Server) -> None:
    _setup(page, server, repeat="false", date="2014-09-02")
    page.get_by_test_id("answer-exam.straight_leg_raise").select_option("positive")
    page.get_by_test_id("answer-exam.straight_leg_raise_side").select_option("left")
    page.get_by_test_id("answer-exam.dermatomal_sensory_loss").select_option("true")
    page.get_by_test_id("answer-exam.sensory_levels").fill("L5, S1")
    case, _ = _saved(page)
    assert case.exam is not None
    assert (case.exam.straight_leg_raise, case.exam.straight_leg_raise_side) == ("positive", "left")
    assert (case.exam.dermatomal_sensory_loss, case.exam.sensory_levels) == (True, ("L5", "S1"))
    expect(page.get_by_test_id("summary-answers")).to_contain_text("L5, S1")


def test_a_second_medication_is_recorded_beside_the_first(page: Any, server: Server, tmp_path: Path) -> None:
    _setup(page, server, treatment="Norco", repeat="true", date="2019-03-01")
    page.get_by_test_id("answer-history.medications.name").fill("Norco")
    page.get_by_test_id("answer-history.medications.drug").fill("hydrocodone")
    page.get_by_test_id("answer-history.medications.dose_mg").fill("10")
    key = "history.medications[]"
    page.get_by_test_id(f"earlier-add-{key}").click()
    record = page.get_by_test_id("earlier-record")
    record.get_by_test_id(f"answer-{key}-1-name").fill("OxyContin")
    record.get_by_test_id(f"answer-{key}-1-drug").fill("oxycodone")
    record.get_by_test_id(f"answer-{key}-1-dose_mg").fill("20")
    case, text = _saved(page)
    assert case.history is not None and case.history.medications is not None
    assert [(m.name, m.drug, m.dose_mg) for m in case.history.medications] == [
        ("OxyContin", "oxycodone", 20), ("Norco", "hydrocodone", 10)]
    saved = tmp_path / "meds.yaml"
    saved.write_text(text, encoding="utf-8")
    page.goto(server.base + "/")
    expect(page.locator("body")).to_have_attribute("data-state", "ready")
    page.get_by_test_id("open-case").set_input_files(str(saved))
    expect(page.get_by_test_id(f"answer-{key}-1-name")).to_have_value("OxyContin")
    expect(page.get_by_test_id("answer-history.medications.name")).to_have_value("Norco")
    again, _ = _saved(page)
    assert again.model_dump() == case.model_dump()
