"""The two pages in a real headless chromium against the real server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from playwright.sync_api import expect
from server.server_support import LETTER_FIXTURES, Server

from engine.case_io import parse_case_text
from engine.letters import parse_letter_file

RELIEF = "answer-history.injections.relief_pct"


def _draft(page: Any, server: Server, treatment: str, repeat: str) -> None:
    page.goto(server.base + "/")
    page.get_by_test_id("treatment").fill(treatment)
    page.get_by_test_id("region").select_option("lumbar")
    page.get_by_test_id("repeat").select_option(repeat)
    page.get_by_test_id("request-date").fill("2014-09-02")
    page.get_by_test_id("start").click()


def _draft_repeat_esi(page: Any, server: Server) -> None:
    _draft(page, server, "lumbar epidural steroid injection", "true")


def _answer_the_relief_questions(page: Any) -> None:
    page.get_by_test_id(RELIEF).fill("60")
    page.get_by_test_id("answer-history.injections.relief_weeks").fill("8")
    page.get_by_test_id("answer-history.injections.medication_reduction").select_option("true")
    page.get_by_test_id("answer-history.injections.functional_improvement").select_option("true")
    page.get_by_test_id("answer-history.injections-date").fill("2014-03-10")


def test_a_repeat_injection_upholds_until_the_relief_is_documented(page: Any, server: Server) -> None:
    _draft_repeat_esi(page, server)
    prediction = page.get_by_test_id("prediction-1")
    expect(prediction).to_have_text("uphold")
    checklist = page.get_by_test_id("missing-1")
    expect(checklist).to_contain_text("Percent pain relief")
    expect(checklist).to_contain_text("weeks the relief")
    expect(page.get_by_test_id("finding-1-mtus_2009_esi_repeat/prior_relief_percent")).to_contain_text("missing")
    finding = page.get_by_test_id("finding-1-mtus_2009_esi_repeat/prior_relief_percent")
    expect(finding.get_by_test_id("finding-title")).to_have_text("At least 50% pain relief from the previous injection")
    expect(finding.get_by_test_id("finding-source")).to_have_text("[1]")
    sources = page.get_by_test_id("sources-1").locator("li")
    expect(sources).to_have_count(1)  # every criterion cites the same page: cited once
    expect(sources.first).to_contain_text("p. 46")
    expect(page.get_by_test_id("rationale-1")).not_to_be_empty()
    expect(page.get_by_test_id("flip-1")).to_contain_text("document percent pain relief")

    _answer_the_relief_questions(page)
    expect(prediction).to_have_text("overturn")
    expect(page.get_by_test_id("missing-1")).to_have_count(0)
    expect(page.get_by_test_id("flip-1")).to_have_count(0)
    met = page.get_by_test_id("finding-1-mtus_2009_esi_repeat/prior_relief_percent").get_by_test_id("finding-status")
    expect(met).to_have_text("met")


def test_a_decided_outcome_greys_the_remaining_questions_with_the_reason(page: Any, server: Server) -> None:
    _draft_repeat_esi(page, server)
    expect(page.get_by_test_id("prediction-1")).to_have_text("uphold")
    page.get_by_test_id(RELIEF).fill("40")
    weeks = page.get_by_test_id("q-history.injections.relief_weeks")
    expect(weeks).to_have_attribute("data-status", "skipped")
    expect(weeks.get_by_test_id("skipped-reason")).to_contain_text("already decided")
    expect(page.get_by_test_id("answer-history.injections.relief_weeks")).to_be_disabled()
    expect(page.get_by_test_id(RELIEF)).to_be_enabled()
    threshold = page.get_by_test_id("flip-1").locator("li[data-kind=threshold]")
    expect(threshold).to_contain_text("documented 40%; 50% or more needed")
    # Raising the relief opens the questions again.
    page.get_by_test_id(RELIEF).fill("70")
    expect(weeks).to_have_attribute("data-status", "ask")
    expect(page.get_by_test_id("answer-history.injections.relief_weeks")).to_be_enabled()


def test_downloads_give_the_case_as_yaml_and_the_result_as_json(page: Any, server: Server) -> None:
    _draft_repeat_esi(page, server)
    _answer_the_relief_questions(page)
    expect(page.get_by_test_id("prediction-1")).to_have_text("overturn")
    expect(page.locator("body")).to_have_attribute("data-state", "ready")
    with page.expect_download() as download:
        page.get_by_test_id("download-yaml").click()
    assert download.value.suggested_filename == "case.yaml"
    case = parse_case_text(Path(download.value.path()).read_text(encoding="utf-8"), source="case.yaml")
    assert case.requests[0].treatment == "epidural_steroid_injection"
    assert case.history is not None and case.history.injections is not None
    assert case.history.injections[0].relief_pct == 60
    with page.expect_download() as download:
        page.get_by_test_id("download-json").click()
    result = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert [r["prediction"] for r in result["requests"]] == ["overturn"]
    assert server.post_json("/api/check", case.model_dump(mode="json", exclude_none=True)).json() == result


def test_the_printable_report_shows_the_outcome_without_the_form(page: Any, server: Server) -> None:
    _draft_repeat_esi(page, server)
    expect(page.get_by_test_id("prediction-1")).to_have_text("uphold")
    page.emulate_media(media="print")
    expect(page.get_by_test_id("setup")).to_be_hidden()
    expect(page.get_by_test_id("questions")).to_be_hidden()
    expect(page.get_by_test_id("print")).to_be_hidden()
    expect(page.get_by_test_id("prediction-1")).to_be_visible()
    expect(page.get_by_test_id("missing-1")).to_be_visible()


def test_an_unknown_treatment_is_marked_at_its_field_with_the_suggestions_once(page: Any, server: Server) -> None:
    page.goto(server.base + "/")
    page.get_by_test_id("treatment").fill("epidurl steroid injecton")
    page.get_by_test_id("start").click()
    error = page.get_by_test_id("treatment-error")
    expect(error).to_contain_text("unknown treatment")
    expect(error).to_contain_text("Did you mean: ")
    assert error.inner_text().count("epidural steroid injection,") == 1  # the suggestions are listed once
    expect(page.get_by_test_id("treatment")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_test_id("withdrawn")).to_be_visible()


def test_text_from_the_server_is_shown_as_text_never_as_markup(page: Any, server: Server) -> None:
    page.goto(server.base + "/")
    page.get_by_test_id("treatment").fill("<img src=x onerror=document.body.dataset.owned=1>")
    page.get_by_test_id("start").click()
    expect(page.get_by_test_id("treatment-error")).to_contain_text("unknown treatment")
    assert page.locator("main img").count() == 0
    assert page.locator("body").get_attribute("data-owned") is None


def _upload(page: Any, server: Server, *paths: Path) -> None:
    page.goto(server.base + "/letters")
    page.get_by_test_id("letter-files").set_input_files([str(p) for p in paths])
    page.get_by_test_id("upload").click()
    expect(page.get_by_test_id("letter")).to_have_count(len(paths))
    expect(page.locator("body")).to_have_attribute("data-state", "ready")


def test_an_uploaded_letter_shows_its_items_decisions_and_predictions(page: Any, server: Server) -> None:
    _upload(page, server, LETTER_FIXTURES / "notice_2013.txt")
    letter = page.get_by_test_id("letter")
    rows = letter.get_by_test_id("letter-item")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).get_by_test_id("item-title")).to_have_text("Transcutaneous electrical nerve stimulation unit, thirty-day rental")
    expect(rows.nth(0).get_by_test_id("item-actual")).to_have_text("uphold")
    expect(rows.nth(1).get_by_test_id("item-actual")).to_have_text("overturn")
    expect(rows.nth(0).get_by_test_id("item-predicted")).to_have_text("uphold")
    expect(rows.nth(0).get_by_test_id("item-agrees")).to_have_text("agrees")
    extracted = letter.get_by_test_id("extracted-case")
    expect(extracted.locator("pre")).to_be_hidden()  # collapsed until opened
    extracted.locator("summary").click()
    expect(extracted.locator("pre")).to_contain_text('"tens_unit"')


def test_a_file_that_is_not_a_letter_is_reported_beside_the_good_ones(page: Any, server: Server, tmp_path: Path) -> None:
    junk = tmp_path / "shopping.txt"
    junk.write_text("Eggs, milk and bread.", encoding="utf-8")
    _upload(page, server, LETTER_FIXTURES / "notice_2013.txt", junk)
    failed = page.locator("[data-testid=letter][data-source='shopping.txt']")
    expect(failed.get_by_test_id("letter-error")).to_contain_text("not an IMR Final Determination Letter")
    expect(page.locator("[data-testid=letter][data-source='notice_2013.txt']").get_by_test_id("letter-item")).to_have_count(2)


def test_a_shared_letter_shows_its_items_with_the_actual_decisions(page: Any, server: Server, shared_letters: Path) -> None:
    path = sorted(shared_letters.glob("*.txt"))[0]
    parsed = parse_letter_file(path)
    _upload(page, server, path)
    rows = page.get_by_test_id("letter").get_by_test_id("letter-item")
    expect(rows).to_have_count(len(parsed.items))
    words = {"upheld": "uphold", "overturned": "overturn"}
    for row, item in zip(rows.all(), parsed.items, strict=True):
        expect(row.get_by_test_id("item-title")).to_have_text(item.title)
        expect(row.get_by_test_id("item-actual")).to_have_text(words.get(item.decision or "", "?"))


def _downloaded_case(page: Any) -> Any:
    expect(page.locator("body")).to_have_attribute("data-state", "ready")
    with page.expect_download() as download:
        page.get_by_test_id("download-yaml").click()
    return parse_case_text(Path(download.value.path()).read_text(encoding="utf-8"), source="case.yaml")


def test_choice_list_and_text_answers_reach_the_case(page: Any, server: Server) -> None:
    _draft(page, server, "lumbar epidural steroid injection", "false")
    expect(page.get_by_test_id("prediction-1")).to_be_visible()
    page.get_by_test_id("answer-exam.straight_leg_raise").select_option("positive")
    page.get_by_test_id("answer-request.levels").fill("L4-L5, L5-S1")
    expect(page.get_by_test_id("q-request.levels")).to_have_attribute("data-status", "answered")
    case = _downloaded_case(page)
    assert case.exam is not None and case.exam.straight_leg_raise == "positive"
    assert case.requests[0].levels == ("L4-L5", "L5-S1")

    page.get_by_test_id("treatment").fill("lumbar MRI")
    page.get_by_test_id("repeat").select_option("")
    page.get_by_test_id("start").click()
    expect(page.get_by_test_id("questionnaire-title")).not_to_contain_text("epidural")
    page.get_by_test_id("answer-red_flags-cauda_equina").check()
    page.get_by_test_id("answer-request.reason").fill("rule out compression")
    expect(page.get_by_test_id("q-exam.new_neurologic_deficit")).to_have_attribute("data-status", "skipped")
    case = _downloaded_case(page)
    assert case.red_flags == ("cauda_equina",)
    assert case.requests[0].reason == "rule out compression"
