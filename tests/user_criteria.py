"""A user's own criteria set, written for the criteria-authoring tests (not a guideline's words)."""

from __future__ import annotations

from pathlib import Path

USER_SET_ID = "clinic_tens_trial"

USER_SET = """\
id: clinic_tens_trial
title: Home TENS unit after a month's trial
aliases: [clinic_tens]
source: other
document: A clinic's own purchasing protocol
edition: clinic_2020
effective_from: 2015-01-01
citation: {section: Home TENS purchase}
topic: tens.clinic_purchase
applies_to: {treatments: [tens_unit]}
confidence: U
summary: Written only for the tests of the criteria commands.
criteria:
  - id: trial_first
    title: A trial of a month or more, not for pain right after surgery
    when:
      all:
        - op: gte
          path: request.weeks
          value: 4
          label: weeks of trial requested
          ask: "How many weeks the {request.treatment?TENS} trial lasts"
        - not:
            op: is_true
            path: request.postsurgical
            ask: "Whether the unit is for pain right after surgery"
    messages: {met: A month's trial is planned., unmet: The trial is too short., missing: The trial length is not stated.}
"""


def changed(*edits: tuple[str, str], text: str = USER_SET) -> str:
    """The set with each (old, new) edit made; an edit that no longer matches fails the test."""
    for old, new in edits:
        assert old in text, f"the fixture no longer contains {old!r}"
        text = text.replace(old, new)
    return text


def write_set(folder: Path, text: str = USER_SET, name: str = USER_SET_ID) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path
