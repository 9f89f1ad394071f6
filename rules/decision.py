"""The reviewer's decision logic, as a durable-rules ruleset.

One event per requested item: `{unmet, missing, contradicted, criteria, clinical, follows, points,
partly_certified}` where
`clinical` says whether a clinical set (not only a limit such as the statutory visit cap) applied,
`contradicted` counts the criteria the records show unmet (a documented fact, not a silence), `criteria` says
whether any criteria set applied, `follows` is the outcome of the primary procedure for a companion
request (fluoroscopy, sedation, anesthesia), or "none", and `points` is the request's score, the
log-odds that IMR overturns the denial (engine/scoring). Exactly one rule fires:

- a companion of an upheld primary is upheld (a derivative request is not necessary when the
  procedure it serves is not);
- a companion of an overturned primary with no criteria of its own follows it;
- every criterion met: overturned, medically necessary (the guideline itself says so), unless it is the
  rest of a partly certified request (below);
- every criterion met once silent records are read by each leaf's stated rule (`if_silent`: no earlier
  imaging mentioned is none, a first course needs no count of earlier visits), with a clinical set
  applied: overturned, as reviewers do not ask for what a case plainly does not need; the strict verdict
  stays uphold, so the checklist still lists every silence a careful request fills;
- a criterion the records show unmet (a documented fact outside the guideline) upholds the denial,
  whatever the score;
- the rest of a request utilization review certified in part (`partly_certified`: UR certified the
  first visits, a smaller quantity, a shorter rental) is upheld: UR has given the trial or amount
  the guideline supports, and more waits for the response to it, which cannot be on record yet (the
  guidelines' trial-then-reassess rule; 27 of the 28 such items in the development archive were
  upheld, the other being a different procedure certified beside it). Its strict verdict stays as
  the criteria give it, so the checklist still lists what the request lacks;
- otherwise the score decides, where a clinical set applied (a limit alone never carries a request
  to overturn: meeting a cap is not medical necessity): at or above the threshold the denial is predicted overturned,
  below it upheld — reviewers overturn ordinary early requests whose records are silent on what a
  checklist would ask, and the points say how often that happened on the development letters;
- an item no criteria set covers is predicted from its category's base rate, with basis
  `no_criteria`, against its own threshold (by default one half: without criteria to read, the
  prediction is the category's more likely outcome).

Each action also gives the strict verdict: overturn only when every criterion is met (or the
primary it follows is overturned). The strict verdict drives `missing` and the checklist, so a
clinic still sees everything a careful request documents.
"""

from __future__ import annotations

from typing import Any

NAME_BASE = "imr_decision"

OUTCOMES: dict[str, tuple[str, str, str]] = {
    # action: (prediction, basis, strict verdict)
    "uphold_companion": ("uphold", "companion", "uphold"),
    "overturn_companion": ("overturn", "companion", "overturn"),
    "overturn_met": ("overturn", "criteria", "overturn"),
    "overturn_met_as_read": ("overturn", "criteria", "uphold"),
    "uphold_contradicted": ("uphold", "criteria", "uphold"),
    "uphold_beyond_certified": ("uphold", "criteria", "uphold"),
    "uphold_beyond_certified_all_met": ("uphold", "criteria", "overturn"),
    "overturn_scored": ("overturn", "criteria", "uphold"),
    "uphold_scored": ("uphold", "criteria", "uphold"),
    "overturn_no_criteria": ("overturn", "no_criteria", "uphold"),
    "uphold_no_criteria": ("uphold", "no_criteria", "uphold"),
}

_NOT_FOLLOWING_UPHELD = {"$neq": {"follows": "uphold"}}
_NOT_ALL_MET = {"$or": [{"$gt": {"unmet": 0}}, {"$gt": {"missing": 0}}]}
_ALL_MET_AS_READ = [{"read_unmet": 0}, {"read_missing": 0}, {"clinical": True}]
_NOT_ALL_MET_AS_READ = {"$or": [{"$gt": {"read_unmet": 0}}, {"$gt": {"read_missing": 0}}, {"clinical": False}]}


def decision_rules(threshold_points: float, base_rate_threshold_points: float) -> dict[str, Any]:
    """The ruleset for the thresholds (log-odds) of scored and of uncovered items; its content hash names
    it, so each pair of thresholds is its own ruleset."""
    at_least = {"$gte": {"points": threshold_points}}
    below = {"$lt": {"points": threshold_points}}
    base_at_least = {"$gte": {"points": base_rate_threshold_points}}
    base_below = {"$lt": {"points": base_rate_threshold_points}}
    scored = [_NOT_FOLLOWING_UPHELD, {"criteria": True}, _NOT_ALL_MET, {"contradicted": 0}, _NOT_ALL_MET_AS_READ,
              {"partly_certified": False}]
    uncovered = [{"follows": "none"}, {"criteria": False}]
    return {
        "companion_of_upheld_primary": {"all": [{"m": {"follows": "uphold"}}], "run": "uphold_companion"},
        "companion_of_overturned_primary": {
            "all": [{"m": {"$and": [{"follows": "overturn"}, {"criteria": False}]}}],
            "run": "overturn_companion",
        },
        "all_criteria_met": {
            "all": [{"m": {"$and": [_NOT_FOLLOWING_UPHELD, {"criteria": True}, {"unmet": 0}, {"missing": 0},
                                    {"partly_certified": False}]}}],
            "run": "overturn_met",
        },
        "the_rest_of_a_partly_certified_request_all_met": {
            "all": [{"m": {"$and": [_NOT_FOLLOWING_UPHELD, {"criteria": True}, {"unmet": 0}, {"missing": 0},
                                    {"partly_certified": True}]}}],
            "run": "uphold_beyond_certified_all_met",
        },
        "every_criterion_met_as_read": {
            "all": [{"m": {"$and": [_NOT_FOLLOWING_UPHELD, {"criteria": True}, _NOT_ALL_MET, *_ALL_MET_AS_READ,
                                    {"partly_certified": False}]}}],
            "run": "overturn_met_as_read",
        },
        "a_criterion_documented_unmet": {
            "all": [{"m": {"$and": [_NOT_FOLLOWING_UPHELD, {"criteria": True}, {"$gt": {"contradicted": 0}}]}}],
            "run": "uphold_contradicted",
        },
        "the_rest_of_a_partly_certified_request": {
            "all": [{"m": {"$and": [_NOT_FOLLOWING_UPHELD, {"criteria": True}, _NOT_ALL_MET, {"contradicted": 0},
                                    {"partly_certified": True}]}}],
            "run": "uphold_beyond_certified",
        },
        "score_reaches_threshold": {
            "all": [{"m": {"$and": [*scored, {"clinical": True}, at_least]}}], "run": "overturn_scored",
        },
        "score_below_threshold_or_only_limits": {
            "all": [{"m": {"$and": [*scored, {"$or": [below, {"clinical": False}]}]}}], "run": "uphold_scored",
        },
        "no_criteria_base_rate_reaches_threshold": {
            "all": [{"m": {"$and": [*uncovered, base_at_least]}}], "run": "overturn_no_criteria",
        },
        "no_criteria_base_rate_below_threshold": {
            "all": [{"m": {"$and": [*uncovered, base_below]}}], "run": "uphold_no_criteria",
        },
    }
