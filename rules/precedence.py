"""The medical evidence search sequence (8 CCR 9792.21.1) as a durable-rules ruleset.

One fact per criteria set that could judge a request: `{set, topic, tier}` with tier 1 for the
MTUS, 2 for ACOEM and ODG, 3 for other sources. A set applies when no other candidate on the same
topic has a better (lower) tier: the MTUS governs, and ACOEM or ODG are used where the MTUS is
silent. A set that declares it fills gaps in an applied MTUS set is given a topic of its own by
the caller, so it applies beside that set instead of competing with it.
"""

from __future__ import annotations

from typing import Any

NAME_BASE = "evidence_precedence"

PRECEDENCE_RULES: dict[str, Any] = {
    "best_tier_for_topic": {
        "all": [
            {"a": {"kind": "candidate"}},
            {"m_1$not": {"$and": [{"kind": "candidate"}, {"topic": {"a": "topic"}}, {"$lt": {"tier": {"a": "tier"}}}]}},
        ],
        "run": "applies",
    },
}
