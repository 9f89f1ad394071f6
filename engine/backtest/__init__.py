"""Back-testing: predict every disputed item of real IMR letters (or structured cases with their
outcomes) and measure how often the prediction agrees with the reviewer, beside the always-uphold
baseline.

    summary = run_backtest([Path("letters/")], Settings(), workers=2, details=Path("run.jsonl"))
    summary.report()    # the JSON contract of `imrcheck evaluate --format json`

The pipeline per letter: parse (engine.letters) → the case from the clinical summary and the item
titles only (engine.extract) → evaluate (engine.evaluate) → compare with the reviewer's decision.
"""

from __future__ import annotations

from engine.backtest.outcomes import ItemRow, Skip, UnitResult
from engine.backtest.run import run_backtest
from engine.backtest.summary import Summary
from engine.backtest.worker import Settings

__all__ = ["ItemRow", "Settings", "Skip", "Summary", "UnitResult", "run_backtest"]
