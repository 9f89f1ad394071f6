"""Bounded memos: what was worked out once and asked again (a title's names, a score, a shared result).

Every memo here stays bounded: past its size it is emptied and refilled, so memory stays flat over any
number of letters, and a miss only costs the work again.
"""

from __future__ import annotations

from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Bounded(dict[K, V]):
    """A dict whose `put` empties it first when it holds `size` entries."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def put(self, key: K, value: V) -> V:
        if len(self) >= self.size:
            self.clear()
        self[key] = value
        return value


class ByIdentity(Generic[K, V]):
    """What was worked out from an immutable object, kept for that very object: results shared between
    requests (engine/findings.py) ask the same questions again. Keyed by `id`, and each entry holds its
    object, so the id cannot be reused by another object while the entry lives."""

    def __init__(self, size: int = 4096) -> None:
        self._entries: Bounded[int, tuple[K, V]] = Bounded(size)

    def get(self, obj: K) -> V | None:
        found = self._entries.get(id(obj))
        return found[1] if found is not None and found[0] is obj else None

    def put(self, obj: K, value: V) -> V:
        self._entries.put(id(obj), (obj, value))
        return value
