"""What back-testing produces for each input: the compared items and what was skipped, as frozen models.

One `UnitResult` per input (a letter file, or one record of a case file); it is what a worker sends
back, what one line of `--details` holds, and all the summary needs to fold it into the metrics.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict

from engine.backtest.metrics import Decision


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Skip(_Frozen):
    """An input or one item of it that could not be compared, and why (in words a user can act on)."""

    source: str
    reason: str


class ItemRow(_Frozen):
    """One disputed item: the reviewer's decision beside ours, and what decided ours."""

    source: str
    item: int
    title: str
    treatment: str
    category: str
    actual: Decision
    predicted: Decision
    agree: bool
    basis: str
    as_of: dt.date
    criteria_sets: tuple[str, ...] = ()
    deciding: tuple[str, ...] = ()
    our_guideline: tuple[str, ...] = ()
    reviewer_guideline: str | None = None
    same_guideline: bool | None = None
    probability: float | None = None  # P(overturn) from the score (None for a companion)
    verdict: Decision | None = None  # the strict verdict: overturned only when every criterion is met
    findings: tuple[str, ...] = ()  # every finding as "<set>/<criterion>: <status as read>" (what the score reads)
    contradicted: tuple[str, ...] = ()  # criteria the records show unmet: they uphold whatever the score
    moved_by: tuple[str, ...] = ()  # the parts of the score that moved it most, with their points
    leaves: tuple[str, ...] = ()  # each leaf of a criterion not met: its status and the evidence read
    partly_certified: bool = False  # UR certified part of the request; the item is the rest


class UnitResult(_Frozen):
    """Everything one input gave: its compared items and its skips (a wholly unreadable input has no items)."""

    input: str
    # The input with its file resolved (engine.backtest.inputs.input_key), as --details records it: what
    # --resume matches, so a run resumed from another folder, the paths written relative to it, still
    # skips what is done. None in lines written before it was recorded (their `input` is resolved instead).
    input_key: str | None = None
    items: tuple[ItemRow, ...] = ()
    skipped: tuple[Skip, ...] = ()
    # What a reader must know about the input as a whole: the date it was judged by when that is not the
    # letter's decision date, a letter cut off part-way through its decisions.
    notes: tuple[str, ...] = ()

    @property
    def read(self) -> bool:
        """Whether the input was read as a letter or record at all (it may still have skipped items)."""
        return not any(s.source == self.input for s in self.skipped)
