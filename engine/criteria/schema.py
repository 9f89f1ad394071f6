"""The closed schema of a criteria-set file.

A set is one guideline topic from one source and edition. Its criteria are trees of
`all` / `any` / `not` over leaves; a leaf names one case fact, an operator from the operator
table and a threshold, and says how to ask for the fact when the records do not document it.
"""

# No `from __future__ import annotations` (a faster start: see engine/models.py).

import datetime as dt
import math
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, model_validator

from engine.models import Region
from engine.operators import OPERATORS

Source = Literal["MTUS", "ACOEM", "ODG", "DHCS", "other"]
Confidence = Literal["C", "Q", "U"]
Pick = Literal["latest", "earliest", "count", "sum", "max", "min", "any", "all"]
Scalar = str | int | float | bool
Identifier = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=80)]

# What the rules engine can hold, and far beyond any guideline: thresholds are doses, days, visits and
# scores; a criteria set has a handful of criteria, each a shallow tree (see the "Limits" in the docs).
MAX_MAGNITUDE = 1e12
MAX_CRITERIA_PER_SET = 100
MAX_LEAVES_PER_SET = 500
MAX_CONDITION_DEPTH = 16
MAX_WINDOW_DAYS = 36_500

PAGED_SOURCES = frozenset({"MTUS", "ACOEM"})
SOURCE_TIER: dict[str, int] = {"MTUS": 1, "ACOEM": 2, "ODG": 2, "DHCS": 3, "other": 3}
CONFIDENCE_WORDS: dict[str, str] = {
    "C": "confirmed in the source text",
    "Q": "as quoted in decisions and secondary sources",
    "U": "unverified threshold",
}


class Schema(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Citation(Schema):
    section: str
    pages: tuple[Annotated[int, Field(gt=0)], ...] = Field(
        default=(), description="Required for paged documents (MTUS, ACOEM); ODG and DHCS are cited by section"
    )
    unpaginated: bool = Field(
        default=False,
        description="The cited text has no page numbers (a regulation, or the online ACOEM-based MTUS): "
        "cited by section and url instead of a made-up page",
    )
    url: str | None = None


class AppliesTo(Schema):
    treatments: Annotated[tuple[Identifier, ...], Field(min_length=1)]
    regions: tuple[Region, ...] | None = None
    repeat: bool | None = Field(default=None, description="true: repeat requests only; false: first only")
    postsurgical: bool | None = Field(
        default=None,
        description="true: only requests stated postsurgical; false: only requests not stated postsurgical",
    )


class Select(Schema):
    """How to turn a collection of records into one value."""

    pick: Pick
    where: dict[str, Scalar | list[Scalar]] = Field(
        default_factory=dict,
        description="Equality filters on record fields; '$request.<field>' compares with the request",
    )
    within_days: Annotated[int, Field(gt=0, le=MAX_WINDOW_DAYS)] | None = Field(
        default=None, description="Only records dated within this many days before the request"
    )


class Term(Schema):
    """One more fact added to a leaf's value (e.g. prior visits plus requested visits)."""

    path: str
    select: Select | None = None


SilentRule = Literal["against", "absent", "neutral"]


class Leaf(Schema):
    op: Literal[tuple(OPERATORS)]  # type: ignore[valid-type]
    path: str
    select: Select | None = None
    plus: tuple[Term, ...] = ()
    value: Scalar | list[Scalar] | None = None
    ask: Annotated[str, Field(min_length=8, description="What to add to the records when this is missing")]
    label: str | None = Field(default=None, description="The fact in plain words, for explanations")
    if_silent: SilentRule = Field(
        default="against",
        description="What records silent on this fact mean to a reviewer: `against` the request (it stays "
                    "missing), presumed `absent` (read as none / no / zero), or `neutral` (not held against it). "
                    "The strict verdict and the checklist always treat it as missing.",
    )
    silent_reason: str | None = Field(default=None, min_length=20,
                                      description="Why, in the guideline and in how reviewers read silent records")

    @model_validator(mode="after")
    def _silent_rule_is_explained(self) -> "Leaf":
        if self.if_silent != "against" and self.silent_reason is None:
            raise ValueError(f"if_silent: {self.if_silent} needs a silent_reason saying why (guideline and reviewers)")
        if self.if_silent == "absent" and absent_value(self) is None:
            raise ValueError("if_silent: absent needs a fact that can be none: a count or sum of records, "
                             "a yes/no fact (is_true/is_false), a list (count_gte, count_lte, contains_*) "
                             "or a total with `plus` terms (the terms the records never mention count as none)")
        return self

    @model_validator(mode="after")
    def _value_fits_operator(self) -> "Leaf":
        op = OPERATORS[self.op]
        v = self.value
        for number in v if isinstance(v, list) else [v]:
            if isinstance(number, float | int) and not isinstance(number, bool) and not _holdable(number):
                raise ValueError(f"value must be a finite number no larger than {MAX_MAGNITUDE:g} either way "
                                 "(the rules engine cannot compare infinity or NaN)")
        if op.arg == "none" and v is not None:
            raise ValueError(f"operator {self.op!r} takes no value")
        if op.arg == "number" and (isinstance(v, bool) or not isinstance(v, int | float)):
            raise ValueError(f"operator {self.op!r} needs a number as value")
        if op.arg == "scalar" and (v is None or isinstance(v, list)):
            raise ValueError(f"operator {self.op!r} needs a single value")
        if op.arg == "scalars" and not (isinstance(v, list) and v):
            raise ValueError(f"operator {self.op!r} needs a non-empty list as value")
        if op.arg == "range":
            numbers = [x for x in v if isinstance(x, int | float) and not isinstance(x, bool)] if isinstance(v, list) else []
            if len(numbers) != 2 or len(v) != 2 or numbers[0] > numbers[1]:  # type: ignore[arg-type]
                raise ValueError(f"operator {self.op!r} needs [low, high] as value")
        return self


PLUS_TERMS = "plus terms"


def absent_value(leaf: Leaf) -> Any:
    """What a fact presumed absent reads as: no records, no, an empty list; for a total with `plus` terms,
    PLUS_TERMS (the observation supplies the total without the unmentioned terms); None where absence has
    no value."""
    if leaf.plus:
        return PLUS_TERMS
    if leaf.select is not None and leaf.select.pick in ("count", "sum"):
        return 0
    if leaf.op in ("is_true", "is_false"):
        return False
    if leaf.op in ("count_gte", "count_lte", "contains_any", "contains_none"):
        return []
    return None


def _holdable(number: float) -> bool:
    return math.isfinite(number) and abs(number) <= MAX_MAGNITUDE


class AllOf(Schema):
    all: Annotated[tuple["Node", ...], Field(min_length=1)]


class AnyOf(Schema):
    any: Annotated[tuple["Node", ...], Field(min_length=1)]


class NotOf(Schema):
    not_: "Node" = Field(alias="not")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)


def _node_tag(value: Any) -> str:
    if isinstance(value, dict):
        for key in ("all", "any", "not", "op"):
            if key in value:
                return key
        return "op"  # let the leaf model report what is missing
    tags: dict[type, str] = {AllOf: "all", AnyOf: "any", NotOf: "not"}
    return tags.get(type(value), "op")


Node = Annotated[
    Annotated[AllOf, Tag("all")] | Annotated[AnyOf, Tag("any")] | Annotated[NotOf, Tag("not")]
    | Annotated[Leaf, Tag("op")],
    Discriminator(_node_tag),
]


class Messages(Schema):
    met: str
    unmet: str
    missing: str


class Criterion(Schema):
    id: Identifier
    title: str
    when: Node
    messages: Messages
    confidence: Confidence | None = None
    quoted_in: tuple[Annotated[str, Field(pattern=r"^CM\d{2}-\d{7}$")], ...] = Field(
        default=(),
        description="Case numbers of published IMR letters (the DWC's redacted decisions) whose reviewers quote "
        "this criterion's threshold; such a criterion is marked Q (or C)",
    )
    note: str | None = None

    @model_validator(mode="after")
    def _quoted_is_not_unverified(self) -> "Criterion":
        if self.quoted_in and self.confidence not in ("Q", "C"):
            raise ValueError("a criterion quoted in letters (quoted_in) is marked confidence Q or C")
        return self


class CriteriaSet(Schema):
    id: Identifier
    title: str
    status: Literal["active", "deprecated"] = "active"
    replaced_by: Identifier | None = None
    aliases: tuple[Identifier, ...] = ()
    source: Source
    document: str
    edition: Identifier
    effective_from: dt.date
    effective_to: dt.date | None = Field(default=None, description="First day it no longer governs")
    citation: Citation
    topic: str
    fills_gaps_in: tuple[Identifier, ...] = ()
    kind: Literal["clinical", "limit"] = Field(
        default="clinical",
        description="limit: the set only caps a request (a statutory visit cap, a frequency limit) and cannot by "
        "itself carry a request to overturn; a request judged by limits alone is judged by the nearest clinical "
        "edition or predicted from the base rate",
    )
    outside_dates: Literal["nearest_edition", "base_rate"] = Field(
        default="nearest_edition",
        description="When no clinical set governs a request's date: nearest_edition applies this (clinical) set, "
        "marked 'applied outside its dates'; base_rate leaves the request to its category's base rate",
    )
    applies_to: AppliesTo
    confidence: Confidence
    summary: str
    criteria: Annotated[tuple[Criterion, ...], Field(min_length=1, max_length=MAX_CRITERIA_PER_SET)]

    @model_validator(mode="after")
    def _consistent(self) -> "CriteriaSet":
        if self.effective_to is not None and self.effective_to <= self.effective_from:
            raise ValueError("effective_to must be after effective_from")
        if self.source in PAGED_SOURCES and not self.citation.pages:
            if not self.citation.unpaginated:
                raise ValueError(f"a {self.source} citation names its pages")
            if self.citation.url is None:
                raise ValueError("an unpaginated citation gives the url of the text it cites")
        if self.citation.unpaginated and self.citation.pages:
            raise ValueError("a citation with pages is not unpaginated")
        if self.status == "deprecated" and self.replaced_by is None:
            raise ValueError("a deprecated set names its replacement in replaced_by")
        ids = [c.id for c in self.criteria]
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if repeated:
            raise ValueError(f"criterion ids repeated: {', '.join(repeated)}")
        return self

    @property
    def tier(self) -> int:
        return SOURCE_TIER[self.source]

    def in_force(self, on: dt.date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on < self.effective_to)


# No model_rebuild() for the recursive trees (AllOf, AnyOf, NotOf name Node, defined after them): a
# deferred build resolves those names from this module when a set is first validated, and rebuilding
# here would build every validator at import, which a pack read from the cache never uses (issue 14).


def confidence_counts(cs: CriteriaSet) -> dict[str, int]:
    """How many of a set's criteria are C, Q and U (a criterion without its own mark takes the set's)."""
    counts = {"C": 0, "Q": 0, "U": 0}
    for criterion in cs.criteria:
        counts[criterion.confidence or cs.confidence] += 1
    return counts


def iter_leaves(node: Node) -> list[Leaf]:
    if isinstance(node, Leaf):
        return [node]
    if isinstance(node, AllOf):
        return [leaf for child in node.all for leaf in iter_leaves(child)]
    if isinstance(node, AnyOf):
        return [leaf for child in node.any for leaf in iter_leaves(child)]
    return iter_leaves(node.not_)
