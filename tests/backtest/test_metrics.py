"""The agreement metrics: worked examples and properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.backtest.metrics import (
    Confusion,
    accuracy,
    balanced_accuracy,
    figures,
    overturn_f1,
    overturn_precision,
    overturn_recall,
)

counts = st.integers(min_value=0, max_value=10_000)
confusions = st.builds(Confusion, counts, counts, counts, counts)


def test_worked_example() -> None:
    # 80 upheld (72 predicted upheld), 20 overturned (5 predicted overturned).
    c = Confusion(upheld_upheld=72, upheld_overturned=8, overturned_upheld=15, overturned_overturned=5)
    assert accuracy(c) == pytest.approx(77 / 100)
    assert balanced_accuracy(c) == pytest.approx((72 / 80 + 5 / 20) / 2)
    assert overturn_precision(c) == pytest.approx(5 / 13)
    assert overturn_recall(c) == pytest.approx(5 / 20)
    p, r = 5 / 13, 5 / 20
    assert overturn_f1(c) == pytest.approx(2 * p * r / (p + r))
    assert figures(c)["confusion"] == {"upheld": {"upheld": 72, "overturned": 8}, "overturned": {"upheld": 15, "overturned": 5}}


def test_the_baseline_is_right_nine_times_in_ten_and_useless() -> None:
    baseline = Confusion(upheld_upheld=90, overturned_overturned=10).always_uphold()
    assert baseline == Confusion(upheld_upheld=90, overturned_upheld=10)
    assert accuracy(baseline) == pytest.approx(0.9)
    assert balanced_accuracy(baseline) == pytest.approx(0.5)
    assert (overturn_recall(baseline), overturn_precision(baseline), overturn_f1(baseline)) == (0.0, None, None)


def test_undefined_figures_are_none() -> None:
    empty = Confusion()
    assert [accuracy(empty), balanced_accuracy(empty), overturn_precision(empty), overturn_recall(empty), overturn_f1(empty)] == [
        None, None, None, None, None]


def test_one_class_present_balanced_accuracy_is_that_class_recall() -> None:
    only_upheld = Confusion(upheld_upheld=3, upheld_overturned=1)
    assert balanced_accuracy(only_upheld) == pytest.approx(0.75)
    only_overturned = Confusion(overturned_upheld=2, overturned_overturned=2)
    assert balanced_accuracy(only_overturned) == pytest.approx(0.5)
    assert balanced_accuracy(only_overturned.always_uphold()) == 0.0


def test_f1_is_zero_when_precision_and_recall_are() -> None:
    assert overturn_f1(Confusion(upheld_overturned=3, overturned_upheld=2)) == 0.0


def test_of_counts_by_pair() -> None:
    assert Confusion.of({("upheld", "overturned"): 2, ("overturned", "overturned"): 1}) == Confusion(
        upheld_overturned=2, overturned_overturned=1)


@given(confusions)
def test_every_figure_is_a_share_or_none(c: Confusion) -> None:
    for name, value in figures(c).items():
        if name != "confusion":
            assert value is None or 0.0 <= value <= 1.0, name


@given(confusions)
def test_confusion_sums_equal_items(c: Confusion) -> None:
    nested = figures(c)["confusion"]
    assert isinstance(nested, dict)
    assert sum(n for row in nested.values() for n in row.values()) == c.total == c.actual_upheld + c.actual_overturned
    assert c.always_uphold().total == c.total


@given(counts.filter(bool), counts.filter(bool), counts, counts)
def test_always_uphold_balanced_accuracy_is_half_with_both_classes(uu: int, oo: int, uo: int, ou: int) -> None:
    c = Confusion(upheld_upheld=uu, upheld_overturned=uo, overturned_upheld=ou, overturned_overturned=oo)
    assert balanced_accuracy(c.always_uphold()) == pytest.approx(0.5)
    assert accuracy(c.always_uphold()) == pytest.approx(c.actual_upheld / c.total)


@given(confusions, confusions)
def test_adding_matrices_adds_counts(a: Confusion, b: Confusion) -> None:
    assert (a + b).total == a.total + b.total
    assert (a + b).correct == a.correct + b.correct


@given(confusions)
def test_accuracy_is_between_the_class_recalls(c: Confusion) -> None:
    # Accuracy is a weighted mean of the two recalls, so it lies between them (balanced accuracy is their plain mean).
    value = accuracy(c)
    recalls = [r for r in (c.upheld_upheld / c.actual_upheld if c.actual_upheld else None, overturn_recall(c)) if r is not None]
    if value is not None:
        assert min(recalls) - 1e-9 <= value <= max(recalls) + 1e-9
