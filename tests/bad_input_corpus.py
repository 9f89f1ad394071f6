"""The hostile-input corpus of issue 17, generated into a folder (large files are built, not committed).

Every file carries MARKER inside what it holds (a diagnosis, a criteria title): no message may repeat
it. File names never contain it, so any sighting in the output is a leak.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import yaml

from engine.models import MAX_LIST_ITEMS, MAX_REQUESTS, MAX_TEXT_CHARS

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
MARKER = "OKAPI-MARKER-4410"
GOOD_CASE = REPO / "examples" / "repeat_esi_missing_relief.yaml"
GOOD_LETTER = TESTS / "letters" / "fixtures" / "synthetic_header_layout.txt"
USER_SET = REPO / "guideline_criteria" / "odg" / "odg_office_visits.yaml"
# A gte leaf on the pain score, with its threshold to fill in.
PAIN_LEAF = '{op: gte, path: symptoms.pain_score, label: pain, ask: "The pain score on a 0-10 scale", value: %s}'


def case_text(marker: str = MARKER, **replace: str) -> str:
    """The good example case with `marker` in its diagnosis and each (old → new) edit made."""
    text = GOOD_CASE.read_text(encoding="utf-8").replace("lumbar radiculopathy", f"{marker} radiculopathy")
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new)
    return text


def case_data(requests: int = 1) -> dict[str, Any]:
    return {"case_id": "c1", "request_date": "2014-09-02", "diagnoses": [{"text": f"{MARKER} radiculopathy"}],
            "requests": [{"id": f"r{i}", "treatment": "TFESI", "region": "lumbar"} for i in range(requests)]}


def record(source: str, case_id: str, **extra: Any) -> dict[str, Any]:
    case = {**case_data(), "case_id": case_id, **extra}
    return {"source": source, "case": case, "outcomes": {"r0": "upheld"}}


def nested(levels: int) -> Any:
    value: Any = MARKER
    for _ in range(levels):
        value = [value]
    return value


def _criteria_set(set_id: str, *edits: tuple[str, str]) -> str:
    text = USER_SET.read_text(encoding="utf-8").replace("id: odg_office_visits", f"id: {set_id}", 1)
    text = text.replace("title: Follow-up office visits (evaluation and management)", f"title: {MARKER} visits", 1)
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new)
    return text


def _with_leaf(set_id: str, leaf: str) -> str:
    anchor = "        - {op: is_true, path: exam.progressive_neurologic_deficit"
    return _criteria_set(set_id, (anchor, f"        - {leaf}\n{anchor}"))


def _many_criteria(set_id: str, count: int) -> str:
    head, _, one = _criteria_set(set_id).partition("criteria:\n")
    return head + "criteria:\n" + "".join(one.replace("id: clinical_need", f"id: c{i}") for i in range(count))


def _criteria_files() -> dict[str, str]:
    deep_200 = deep_20 = PAIN_LEAF % "3"
    for level in range(200):
        deep_200 = "{all: [" + deep_200 + "]}"
        if level < 20:
            deep_20 = deep_200
    cycle_a = _criteria_set("cycle_a", ("topic: office_visit", "topic: office_visit\nfills_gaps_in: [cycle_b]"))
    cycle_b = _criteria_set("cycle_b", ("topic: office_visit", "topic: office_visit\nfills_gaps_in: [cycle_a]"))
    return {
        "bad_date/bad_date.yaml": _criteria_set("bad_date", ("effective_from: 2008-01-01", "effective_from: 2009-02-30")),
        "long_number/long_number.yaml": _with_leaf("long_number", PAIN_LEAF % ("9" * 5001)),
        "infinite/infinite.yaml": _with_leaf("infinite", PAIN_LEAF % ".inf"),
        "not_a_number/not_a_number.yaml": _with_leaf("not_a_number", PAIN_LEAF % ".nan"),
        "huge_number/huge_number.yaml": _with_leaf("huge_number", PAIN_LEAF % ("9" * 25)),
        "deep_200/deep_200.yaml": _with_leaf("deep_200", deep_200),
        "deep_20/deep_20.yaml": _with_leaf("deep_20", deep_20),
        "window/window.yaml": _criteria_set("window", ("select: {pick: any}", "select: {pick: any, within_days: 10000000}")),
        "cycle/cycle_a.yaml": cycle_a,
        "cycle/cycle_b.yaml": cycle_b,
        "self_gap/self_gap.yaml": _criteria_set("self_gap", ("topic: office_visit", "topic: office_visit\nfills_gaps_in: [self_gap]")),
        "edition/edition.yaml": _criteria_set("edition", ("source: ODG", "source: MTUS"), ("edition: odg", "edition: mtus_2099"),
                                              ("  section: Office visits", "  section: Office visits\n  pages: [1]")),
        "criteria_150/criteria_150.yaml": _many_criteria("criteria_150", 150),
        "criteria_10000/criteria_10000.yaml": _many_criteria("criteria_10000", 10_000),
    }


def _case_files() -> dict[str, str | bytes]:
    long_text = (MARKER + " ") * (MAX_TEXT_CHARS // (len(MARKER) + 1) + 1)
    duplicate = case_text() + "requests:\n  - {id: other, treatment: TFESI}\n"
    return {
        "dup_requests.yaml": duplicate,
        "dup_keys.json": '{"case_id": "c1", "diagnoses": [{"text": "' + MARKER + '"}], '
                         '"requests": [{"id": "r1", "treatment": "TFESI"}], "requests": []}',
        "dup_unknown_key.yaml": case_text(**{"sex: male}": f"sex: male, {MARKER}: 1, {MARKER}: 2}}"}),
        "too_many_requests.yaml": yaml.safe_dump(case_data(MAX_REQUESTS + 1)),
        "five_thousand_requests.json": json.dumps(case_data(5_000)),
        "too_many_diagnoses.json": json.dumps({**case_data(), "diagnoses": [{"text": MARKER}] * (MAX_LIST_ITEMS + 1)}),
        "long_text.yaml": case_text(**{"{text: ": f"{{text: {long_text}"}),
        "long_case_id.json": json.dumps({**case_data(), "case_id": MARKER * 3000}),
        "long_line.yaml": f"case_id: c1\ndiagnoses: [{', '.join(['{text: ' + MARKER + '}'] * 4000)}]\n",
        "four_megabytes.yaml": "case_id: " + MARKER * (4_000_000 // len(MARKER)) + "\n",
        "utf16.yaml": GOOD_CASE.read_text(encoding="utf-8").encode("utf-16"),
        "relief_1e309.yaml": case_text(**{"date: 2014-03-10}": "date: 2014-03-10, relief_pct: 1e309}"}),
        "timestamp.yaml": case_text(**{"date: 2014-03-10": "date: !!timestamp 2015-02-30"}),
        "deep.json": json.dumps({**case_data(), "diagnoses": nested(200)}),
        "deep.yaml": yaml.safe_dump({**case_data(), "diagnoses": nested(100)}),
    }


def _record_files() -> dict[str, str]:
    good = [record("CM-1", "c1"), record("CM-3", "c3"), record("CM-4", "c4")]
    # Written by hand: the JSON writer itself refuses to nest 1,000 deep.
    deep = json.dumps(record("CM-2", "c2", red_flags="DEEP")).replace('"DEEP"', "[" * 1000 + f'"{MARKER}"' + "]" * 1000)
    deep_line = json.dumps(good[0]) + "\n" + deep + "\n" + "\n".join(json.dumps(r) for r in good[1:]) + "\n"
    repeats = [good[0], record("CM-5", "c1"), record("CM-1", "c6"), good[1]]
    dup_key = '{"source": "CM-7", "source": "CM-8", "case": {"requests": [{"id": "r0", "treatment": "TFESI"}]}, ' \
              '"outcomes": {"r0": "upheld"}}'
    return {
        "deep.jsonl": deep_line,
        "repeats.jsonl": "\n".join(json.dumps(r) for r in repeats) + "\n",
        "dup_key.jsonl": "\n".join([json.dumps(good[0]), dup_key, json.dumps(good[1])]) + "\n",
        "dup_key_records.yaml": yaml.safe_dump([good[0]]) + "  source: again\n",
        "four_megabyte_records.yaml": "- source: " + MARKER * (4_000_000 // len(MARKER)) + "\n",
    }


def write_corpus(folder: Path) -> Path:
    for name, content in {**_case_files(), **_record_files(), **_criteria_files()}.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    os.mkfifo(folder / "fifo.yaml")
    os.mkfifo(folder / "fifo_criteria.yaml")
    shutil.copy(GOOD_CASE, folder / "good.yaml")
    letters = folder / "letters"
    letters.mkdir()
    for number in range(3):
        shutil.copy(GOOD_LETTER, letters / f"{number:03}.txt")
    os.link(letters / "000.txt", folder / "hard_link.html")  # the same file (inode) under another name
    (folder / "sym_link.html").symlink_to(letters / "001.txt")
    return folder
