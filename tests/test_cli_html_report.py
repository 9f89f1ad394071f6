"""The printable HTML report of `check` and `missing`, printed by a real headless chromium."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from cli_support import only_result, run_cli

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
# One request per case: a clinic's common RFA. Each must print on one page.
ONE_ITEM = ["opioids_above_morphine_ceiling.yaml", "pt_twelve_visits_beyond_limit.yaml", "xray_without_red_flag.yaml",
            "mri_with_red_flag.yaml"]


def _pages(pdf: bytes) -> int:
    # Each page object of the PDF is a "/Type /Page" dictionary; the page tree is "/Type /Pages".
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


@pytest.mark.parametrize("example", ONE_ITEM)
def test_a_one_item_report_prints_on_one_page(example: str, tmp_path: Path, page: Any) -> None:
    out = tmp_path / "report.html"
    case = EXAMPLES / example
    run_cli("check", str(case), "-f", "html", "--out", str(out), expect=_code(case))
    page.goto(out.as_uri())
    assert _pages(page.pdf(format="Letter")) == 1


def _code(case: Path) -> int:
    result = only_result(run_cli("check", str(case), "-f", "json", "--fail-on", "never", expect=0).stdout)
    return 0 if all(r["prediction"] == "overturn" for r in result["requests"]) else 1


def test_the_report_shows_the_request_prediction_checklist_and_each_citation_once(tmp_path: Path, page: Any) -> None:
    out = tmp_path / "report.html"
    case = EXAMPLES / "repeat_esi_missing_relief.yaml"
    run_cli("check", str(case), "-f", "html", "--out", str(out), expect=1)
    page.goto(out.as_uri())
    body = page.inner_text("body")
    result = only_result(run_cli("check", str(case), "-f", "json", expect=1).stdout)
    esi = result["requests"][0]
    assert "esi: TFESI" in body
    assert body.count("UPHOLD — likely not medically necessary") == 3
    for item in esi["missing_documentation"]:
        assert item in body
    citations = list(dict.fromkeys(c for r in result["requests"] for c in r["citations"]))
    for citation in citations:
        assert body.count(citation) == 1  # listed once at the end; the requests point to it
    assert page.locator("ol.citations li").all_inner_texts() == citations
    assert page.locator("sup").first.inner_text() == "[1]"
    assert page.locator("script").count() == 0 and page.locator("link").count() == 0  # self-contained


def test_missing_html_is_the_checklist(tmp_path: Path, page: Any) -> None:
    out = tmp_path / "checklist.html"
    case = EXAMPLES / "repeat_esi_missing_relief.yaml"
    run_cli("missing", str(case), "-f", "html", "--out", str(out), expect=1)
    page.goto(out.as_uri())
    assert page.locator("h1").inner_text().startswith("Documentation checklist: ")
    result = only_result(run_cli("missing", str(case), "-f", "json", expect=1).stdout)
    wanted = [item for r in result["requests"] for item in r["missing_documentation"]]
    assert page.locator("ul.todo li").all_inner_texts() == wanted and len(wanted) >= 4
    assert page.locator("table").count() == 0
    assert _pages(page.pdf(format="Letter")) == 1
