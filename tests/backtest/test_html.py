"""The HTML report, opened in a real headless chromium."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cli_support import run_cli
from engine.backtest.synthetic import CorpusStats


def test_the_html_report_draws_the_confusion_matrix_and_category_bars(
        corpus: tuple[Path, CorpusStats], tmp_path: Path, page: Any, evaluate_json: Callable[..., Any]) -> None:
    folder, _ = corpus
    report = evaluate_json(str(folder))
    target = tmp_path / "report.html"
    run_cli("evaluate", str(folder), "--format", "html", "--out", str(target), expect=0)
    page.goto(target.as_uri())
    assert page.title() == "imrcheck back-test"
    confusion = report["metrics"]["confusion"]
    for actual in ("upheld", "overturned"):
        for predicted in ("upheld", "overturned"):
            cell = page.locator(f'#confusion-matrix [data-actual="{actual}"][data-predicted="{predicted}"]')
            assert cell.inner_text().strip() == str(confusion[actual][predicted])
            assert cell.is_visible()
    for category, group in report["per_category"].items():
        bar = page.locator(f'#category-bars rect[data-category="{category}"][data-figure="accuracy"]')
        assert bar.count() == 1
        assert float(bar.get_attribute("width")) == round(group["accuracy"] * 360, 1)
        assert bar.bounding_box()["width"] > 0
    assert page.locator("#counts").inner_text().startswith(f"{report['letters']} letters read")


def test_letter_text_is_escaped_and_nothing_is_fetched(tmp_path: Path, page: Any) -> None:
    letters = tmp_path / "letters"
    letters.mkdir()
    text = Path(__file__).resolve().parents[1] / "letters" / "fixtures" / "synthetic_header_layout.txt"
    hostile = text.read_text(encoding="utf-8").replace(
        "Physical therapy, six", "Physical therapy <script>window.pwned=1</script><img src=x>, six")
    (letters / "hostile.txt").write_text(hostile, encoding="utf-8")
    target = tmp_path / "report.html"
    run_cli("evaluate", str(letters), "--format", "html", "--out", str(target), expect=0)
    html = target.read_text(encoding="utf-8")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert not re.search(r"""(?:src|href)=["']?(?:https?:|//)""", html)
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(target.as_uri())
    assert page.evaluate("window.pwned") is None
    assert requests == [target.as_uri()]
