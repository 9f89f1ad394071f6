"""The two pages: one HTML shell (head, header, navigation) around each page's own <main>.

The pages are rendered once, from files shipped in the package; their behaviour is the JavaScript
in `static/`, which calls the JSON API.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from importlib.resources import files
from string import Template


@dataclass(frozen=True)
class Page:
    path: str
    title: str
    link: str  # its name in the navigation
    body: str  # the file in pages/ holding its <main>
    script: str  # its module in static/


PAGES = (
    Page("/", "draft a request", "Draft a request", "build.html", "build.js"),
    Page("/letters", "check IMR letters", "Check IMR letters", "letters.html", "letters.js"),
)


def _read(name: str) -> str:
    return (files("engine.server") / "pages" / name).read_text(encoding="utf-8")


def render(page: Page) -> str:
    current = ' aria-current="page"'
    nav = " ".join(f'<a href="{other.path}"{current if other is page else ""}>{escape(other.link)}</a>' for other in PAGES)
    return Template(_read("shell.html")).substitute(
        title=escape(page.title), script=page.script, nav=nav, main=_read(page.body))
