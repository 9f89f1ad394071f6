"""The report for people: a terminal table, Markdown, and per-item CSV rows (HTML is in html.py).

Everything reads the JSON contract that `Summary.report()` returns, so every format says the same.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import PurePath
from typing import IO, Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from engine.backtest.metrics import DECISIONS
from engine.backtest.outcomes import ItemRow

FIGURES = (
    ("accuracy", "Accuracy"),
    ("balanced_accuracy", "Balanced accuracy"),
    ("overturn_precision", "Overturn precision"),
    ("overturn_recall", "Overturn recall"),
    ("overturn_f1", "Overturn F1"),
)
GROUP_COLUMNS = ("items", "overturned", "accuracy", "baseline_accuracy", "balanced_accuracy", "baseline_balanced_accuracy")
GROUP_HEADINGS = ("items", "overturned", "accuracy", "always-uphold accuracy", "balanced accuracy", "always-uphold balanced")
ROW_COLUMNS = ("source", "item", "title", "treatment", "category", "actual", "predicted", "agree", "basis",
               "as_of", "criteria_sets", "deciding", "our_guideline", "reviewer_guideline", "same_guideline")
TABLE_SKIPS = 20
# A terminal shows the first rows; every row is in --format csv, the JSON report (capped) and --details.
TABLE_ROWS = 50


def percent(value: object) -> str:
    return f"{value * 100:.1f}%" if isinstance(value, float) else "–"


def cell(value: object) -> str:
    """One group-table cell: counts as they are, ratios as percentages."""
    return str(value) if isinstance(value, int) else percent(value)


def counts_line(report: dict[str, Any]) -> str:
    return (f"{report['letters']} letters read, {report['items']} items compared, "
            f"{report['skipped_total']} skipped, {report['disagreements_total']} disagreements")


def joined(values: Iterable[str]) -> str:
    return "; ".join(values)


def flat_row(row: dict[str, Any]) -> list[str]:
    """A per-item row as text cells, in ROW_COLUMNS order (lists joined by '; ', unknowns empty)."""
    out = []
    for column in ROW_COLUMNS:
        value = row[column]
        if isinstance(value, list | tuple):
            out.append(joined(value))
        elif value is None:
            out.append("")
        elif isinstance(value, bool):
            out.append("yes" if value else "no")
        else:
            out.append(str(value))
    return out


class CsvRows:
    """Per-item CSV rows, written as results arrive (the whole run never sits in memory)."""

    def __init__(self, handle: IO[str]) -> None:
        self._writer = csv.writer(handle)
        self._writer.writerow(ROW_COLUMNS)

    def write(self, rows: Iterable[ItemRow]) -> None:
        self._writer.writerows(flat_row(row.model_dump(mode="json")) for row in rows)


def _table(title: str, headings: Sequence[str], rows: Iterable[Sequence[str]]) -> Table:
    table = Table(title=title, title_justify="left")
    for heading in headings:
        table.add_column(heading)
    for row in rows:
        table.add_row(*(Text(value) for value in row))
    return table


def _groups(report: dict[str, Any], key: str) -> list[list[str]]:
    return [[name, *(cell(group[c]) for c in GROUP_COLUMNS)] for name, group in report[key].items()]


ITEM_HEADINGS = ("source", "#", "item", "category", "actual", "predicted", "agree", "decided by")
DISAGREEMENT_HEADINGS = ("source", "#", "item", "actual", "predicted", "ours because", "our guideline", "reviewer's guideline",
                         "same guideline")


def item_cells(row: dict[str, Any]) -> list[str]:
    return [row["source"], str(row["item"]), row["title"], row["category"], row["actual"], row["predicted"],
            "yes" if row["agree"] else "NO", joined(row["deciding"]) or row["basis"]]


def disagreement_cells(row: dict[str, Any]) -> list[str]:
    return [row["source"], str(row["item"]), row["title"], row["actual"], row["predicted"],
            joined(row["deciding"]) or row["basis"], joined(row["our_guideline"]) or "–", row["reviewer_guideline"] or "–",
            {True: "yes", False: "no", None: "–"}[row["same_guideline"]]]


NOTE_HEADINGS = ("source", "note")


def note_cells(note: dict[str, str]) -> list[str]:
    """A per-letter note (the date it was judged by, a cut-off letter) as table cells."""
    return [note["source"], note["note"]]


def _short(cells: list[str]) -> list[str]:
    """A terminal is narrow: the file name stands for the path (the other formats keep the path)."""
    return [PurePath(cells[0]).name, *cells[1:]]


def print_report(report: dict[str, Any], console: Console) -> None:
    console.print(Text(counts_line(report), style="bold"))
    metrics, baseline = report["metrics"], report["baseline"]
    console.print(_table("Agreement with the reviewers", ("figure", "imrcheck", "always uphold"),
                         [[label, percent(metrics[k]), percent(baseline[k])] for k, label in FIGURES]))
    confusion = metrics["confusion"]
    console.print(_table("Confusion matrix (rows: actual, columns: predicted)", ("actual", *DECISIONS),
                         [[a, *(str(confusion[a][p]) for p in DECISIONS)] for a in DECISIONS]))
    console.print(_table("Per treatment category", ("category", *GROUP_HEADINGS), _groups(report, "per_category")))
    console.print(_table("Per criteria set", ("criteria set", *GROUP_HEADINGS), _groups(report, "per_criteria_set")))
    shown = report["item_rows"][:TABLE_ROWS]
    more = f" (the first {len(shown)} of {report['items']})" if len(shown) < report["items"] else ""
    console.print(_table(f"Items{more}", ITEM_HEADINGS, [_short(item_cells(row)) for row in shown]))
    disagreements = report["disagreements"][:TABLE_ROWS]
    if disagreements:
        more = f", the first {len(disagreements)}" if len(disagreements) < report["disagreements_total"] else ""
        console.print(_table(f"Disagreements ({report['disagreements_total']}{more})", DISAGREEMENT_HEADINGS,
                             [_short(disagreement_cells(r)) for r in disagreements]))
    notes = report["notes"][:TABLE_SKIPS]
    if notes:
        console.print(_table(f"Notes on letters ({report['notes_total']})", NOTE_HEADINGS, [note_cells(n) for n in notes]))
        if report["notes_total"] > len(notes):
            console.print(Text(f"… and {report['notes_total'] - len(notes)} more notes (all are in the JSON report)"))
    skipped = report["skipped"][:TABLE_SKIPS]
    if skipped:
        rest = report["skipped_total"] - len(skipped)
        console.print(_table(f"Skipped ({report['skipped_total']})", ("source", "reason"),
                             [[s["source"], s["reason"]] for s in skipped]))
        if rest:
            console.print(Text(f"… and {rest} more skipped (all are in the JSON report and the --details file)"))


def _md(value: object) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def _md_section(title: str, headings: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    lines = [f"## {title}", "", "| " + " | ".join(headings) + " |", "|" + "---|" * len(headings)]
    lines.extend("| " + " | ".join(_md(v) for v in row) + " |" for row in rows)
    return [*lines, ""]


def render_markdown(report: dict[str, Any]) -> str:
    metrics, baseline = report["metrics"], report["baseline"]
    confusion = metrics["confusion"]
    return "\n".join([
        "# imrcheck back-test", "", counts_line(report) + ".", "",
        *_md_section("Agreement with the reviewers", ("figure", "imrcheck", "always uphold"),
                     [[label, percent(metrics[k]), percent(baseline[k])] for k, label in FIGURES]),
        *_md_section("Confusion matrix (rows: the reviewer's decision; columns: the prediction)", ("actual", *DECISIONS),
                     [[a, *(str(confusion[a][p]) for p in DECISIONS)] for a in DECISIONS]),
        *_md_section("Per treatment category", ("category", *GROUP_HEADINGS), _groups(report, "per_category")),
        *_md_section("Per criteria set", ("criteria set", *GROUP_HEADINGS), _groups(report, "per_criteria_set")),
        *_md_section("Items", ITEM_HEADINGS, [item_cells(row) for row in report["item_rows"]]),
        *_md_section(f"Disagreements ({report['disagreements_total']})", DISAGREEMENT_HEADINGS,
                     [disagreement_cells(r) for r in report["disagreements"]]),
        *_md_section(f"Notes on letters ({report['notes_total']})", NOTE_HEADINGS, [note_cells(n) for n in report["notes"]]),
        *_md_section(f"Skipped ({report['skipped_total']})", ("source", "reason"),
                     [[s["source"], s["reason"]] for s in report["skipped"]]),
    ])
