"""The reviewer's decision logic, as a durable-rules ruleset.

One event per requested item: `{request, unmet, missing, criteria, follows}` where `criteria`
says whether any criteria set applied and `follows` is the outcome of the primary procedure for a
companion request (fluoroscopy, sedation, anesthesia), or "none". Exactly one rule fires:

- a companion of an upheld primary is upheld (a derivative request is not necessary when the
  procedure it serves is not);
- otherwise any unmet criterion upholds the denial;
- otherwise any criterion the records do not document upholds it (the burden is on the request);
- otherwise all criteria are met: overturned, medically necessary;
- a companion of an overturned primary with no criteria of its own follows it;
- an item no criteria set covers is predicted from the base rate: about nine IMR decisions in
  ten uphold the denial.
"""

from __future__ import annotations

from typing import Any

NAME_BASE = "imr_decision"

OUTCOMES: dict[str, tuple[str, str]] = {
    # action: (prediction, basis)
    "uphold_companion": ("uphold", "companion"),
    "overturn_companion": ("overturn", "companion"),
    "uphold_unmet": ("uphold", "criteria"),
    "uphold_missing": ("uphold", "criteria"),
    "overturn_met": ("overturn", "criteria"),
    "uphold_base_rate": ("uphold", "base_rate"),
}

_NOT_FOLLOWING_UPHELD = {"$neq": {"follows": "uphold"}}

DECISION_RULES: dict[str, Any] = {
    "companion_of_upheld_primary": {"all": [{"m": {"follows": "uphold"}}], "run": "uphold_companion"},
    "companion_of_overturned_primary": {
        "all": [{"m": {"$and": [{"follows": "overturn"}, {"criteria": False}]}}],
        "run": "overturn_companion",
    },
    "any_criterion_unmet": {
        "all": [{"m": {"$and": [_NOT_FOLLOWING_UPHELD, {"criteria": True}, {"$gt": {"unmet": 0}}]}}],
        "run": "uphold_unmet",
    },
    "any_criterion_missing": {
        "all": [{"m": {"$and": [_NOT_FOLLOWING_UPHELD, {"criteria": True}, {"unmet": 0}, {"$gt": {"missing": 0}}]}}],
        "run": "uphold_missing",
    },
    "all_criteria_met": {
        "all": [{"m": {"$and": [_NOT_FOLLOWING_UPHELD, {"criteria": True}, {"unmet": 0}, {"missing": 0}]}}],
        "run": "overturn_met",
    },
    "no_criteria_base_rate": {
        "all": [{"m": {"$and": [{"follows": "none"}, {"criteria": False}]}}],
        "run": "uphold_base_rate",
    },
}
