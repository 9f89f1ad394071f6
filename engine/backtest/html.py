"""A self-contained HTML report: inline CSS and SVG, no scripts, fonts or links to fetch.

The confusion matrix is drawn as a 2×2 grid shaded by each cell's share; each treatment category
gets bars for our accuracy and balanced accuracy beside the always-uphold baseline's. Every piece of
text is escaped: titles and guideline statements come from letters and may hold anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from engine.backtest.metrics import DECISIONS
from engine.backtest.render import (
    DISAGREEMENT_HEADINGS,
    FIGURES,
    GROUP_COLUMNS,
    GROUP_HEADINGS,
    ITEM_HEADINGS,
    NOTE_HEADINGS,
    cell,
    counts_line,
    disagreement_cells,
    item_cells,
    note_cells,
    percent,
)

_CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:72rem;color:#1d2430;padding:0 1rem}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}
table{border-collapse:collapse;margin:.5rem 0}th,td{border:1px solid #ccd;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#eef1f6}.num{text-align:right}
.matrix{display:grid;grid-template-columns:9rem 9rem 9rem;gap:3px;margin:.75rem 0}
.matrix div{padding:.75rem;text-align:center}.matrix .head{font-weight:600;background:#eef1f6}
.matrix .cell{font-size:1.4rem;font-weight:600;border-radius:4px}
.agree{background:rgba(30,130,70,var(--share))}.disagree{background:rgba(190,40,40,var(--share))}
.legend span{display:inline-block;width:.8rem;height:.8rem;margin:0 .3rem 0 1rem;vertical-align:middle}
.no{color:#a12}.muted{color:#667}
"""
_OURS, _BASE = "#2f6db5", "#b0b7c3"
_BAR_W, _ROW_H = 360, 18


def _matrix(confusion: dict[str, dict[str, int]]) -> str:
    total = sum(confusion[a][p] for a in DECISIONS for p in DECISIONS) or 1
    parts = ['<div class="matrix" id="confusion-matrix" role="table" aria-label="confusion matrix">',
             '<div class="head">actual \\ predicted</div>', *(f'<div class="head">{p}</div>' for p in DECISIONS)]
    for actual in DECISIONS:
        parts.append(f'<div class="head">{actual}</div>')
        for predicted in DECISIONS:
            count = confusion[actual][predicted]
            kind = "agree" if actual == predicted else "disagree"
            share = 0.12 + 0.6 * count / total
            parts.append(f'<div class="cell {kind}" style="--share:{share:.3f}" data-actual="{actual}" '
                         f'data-predicted="{predicted}" title="actual {actual}, predicted {predicted}">{count}</div>')
    parts.append("</div>")
    return "\n".join(parts)


def _bars(name: str, group: dict[str, Any]) -> str:
    bars = [("accuracy", group["accuracy"], _OURS), ("always-uphold accuracy", group["baseline_accuracy"], _BASE),
            ("balanced accuracy", group["balanced_accuracy"], _OURS),
            ("always-uphold balanced", group["baseline_balanced_accuracy"], _BASE)]
    height = _ROW_H * len(bars) + 4
    rows = []
    for index, (label, value, colour) in enumerate(bars):
        y = index * _ROW_H + 2
        width = round((value or 0.0) * _BAR_W, 1)
        rows.append(
            f'<rect class="bar" data-category="{escape(name)}" data-figure="{label}" x="170" y="{y}" width="{width}" '
            f'height="{_ROW_H - 5}" fill="{colour}"><title>{escape(label)}: {percent(value)}</title></rect>'
            f'<text x="0" y="{y + 11}" font-size="11">{escape(label)}</text>'
            f'<text x="{175 + width}" y="{y + 11}" font-size="11">{percent(value)}</text>')
    return (f'<figure><figcaption><b>{escape(name)}</b> <span class="muted">({group["items"]} item{"" if group["items"] == 1 else "s"}, '
            f'{group["overturned"]} overturned)</span></figcaption><svg width="{_BAR_W + 230}" height="{height}" '
            f'role="img" aria-label="{escape(name)}">{"".join(rows)}</svg></figure>')


def _table(headings: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headings)
    body = "".join("<tr>" + "".join(f"<td>{escape(v)}</td>" for v in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render_html(report: dict[str, Any]) -> str:
    metrics, baseline = report["metrics"], report["baseline"]
    figures = _table(["figure", "imrcheck", "always uphold"],
                     [[label, percent(metrics[k]), percent(baseline[k])] for k, label in FIGURES])
    groups = _table(["criteria set", *GROUP_HEADINGS],
                    [[name, *(cell(g[c]) for c in GROUP_COLUMNS)] for name, g in report["per_criteria_set"].items()])
    items = _table(ITEM_HEADINGS, [item_cells(r) for r in report["item_rows"]])
    disagreements = _table(DISAGREEMENT_HEADINGS, [disagreement_cells(r) for r in report["disagreements"]])
    skipped = _table(["source", "reason"], [[s["source"], s["reason"]] for s in report["skipped"]])
    notes = _table(NOTE_HEADINGS, [note_cells(n) for n in report["notes"]])
    bars = "\n".join(_bars(name, group) for name, group in report["per_category"].items())
    legend = (f'<p class="legend">bars:<span style="background:{_OURS}"></span>imrcheck'
              f'<span style="background:{_BASE}"></span>always uphold</p>')
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>imrcheck back-test</title><style>{_CSS}</style></head>
<body>
<h1>imrcheck back-test</h1>
<p id="counts">{escape(counts_line(report))}.</p>
<h2>Agreement with the reviewers</h2>
{figures}
<h2>Confusion matrix</h2>
<p class="muted">Rows: the reviewer's decision. Columns: the prediction. Green cells agree.</p>
{_matrix(metrics["confusion"])}
<h2>Per treatment category</h2>
{legend}
<div id="category-bars">{bars}</div>
<h2>Per criteria set</h2>
{groups}
<h2>Items</h2>
{items}
<h2>Disagreements ({report["disagreements_total"]})</h2>
{disagreements}
<h2 id="notes">Notes on letters ({report["notes_total"]})</h2>
{notes}
<h2>Skipped ({report["skipped_total"]})</h2>
{skipped}
</body></html>
"""
