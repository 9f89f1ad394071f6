"""The browser fixture itself: a real chromium renders a page and runs its script."""

from __future__ import annotations

from typing import Any


def test_chromium_renders_and_runs_script(page: Any) -> None:
    page.set_content("<p id='out'>before</p><script>document.getElementById('out').textContent = 'after'</script>")
    assert page.inner_text("#out") == "after"
