"""One regular expression for "the longest of these names", written as a prefix tree.

A plain alternation of a few hundred names, longest first, makes the regex engine try every name at
every place in a text. The same names folded into a prefix tree ("hydro(?:codone|morphone)") let it
give up after the first letter that no name continues; the extractor and the catalog spend much of
their time in such searches (issue 14).

The tree matches exactly what the sorted alternation matches. The names that match at one place
are prefixes of one another (they match the same text), so they lie on one path of the tree; each
optional continuation is tried before stopping short of it, so the longest name that the pattern
around the alternation accepts is found first, as in the longest-first alternation.
"""

from __future__ import annotations

import functools
import importlib
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Any

_END = ""  # the key that marks a node where a name ends (a real key is one character)
_Tree = dict[str, "_Tree"]


def longest_first(names: Iterable[str], *, ignore_case: bool = False) -> str:
    """A regex source (no group of its own) matching any of `names`, the longest one possible first.

    With `ignore_case` the pattern is meant to be compiled with re.IGNORECASE. A name outside ASCII
    could fold to another letter's case ("K", the Kelvin sign), which would put two names that both
    match on different branches; then the plain longest-first alternation is returned instead."""
    unique = sorted(set(names), key=lambda n: (-len(n), n))
    if not unique or "" in unique:
        raise ValueError("longest_first needs at least one name, and no empty name")
    if ignore_case and not all(name.isascii() for name in unique):
        return "(?:" + "|".join(re.escape(name) for name in unique) + ")"
    tree: _Tree = {}
    for name in unique:
        node = tree
        for character in name.lower() if ignore_case else name:
            node = node.setdefault(character, {})
        node[_END] = {}
    return _source(tree)


def _source(node: _Tree) -> str:
    branches = []
    for character in sorted(k for k in node if k != _END):
        child, run = node[character], character
        # A chain of single continuations is written as one literal ("codone", not c, o, d, ...).
        while len(child) == 1 and _END not in child:
            ((following, child),) = child.items()
            run += following
        branches.append(re.escape(run) + _source(child))
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    # Where a name may end, its continuations are tried first (greedy `?`): the longer name wins.
    return ("(?:" + body + ")?" if len(branches) == 1 else body + "?") if _END in node else body


_SCOPED_FLAGS = {re.IGNORECASE: "i", re.MULTILINE: "m", re.DOTALL: "s", re.VERBOSE: "x"}
_BACKREFERENCE = re.compile(r"\\[1-9]|\(\?P=")


def any_of(*patterns: re.Pattern[str] | Gated) -> re.Pattern[str]:
    """One pattern that finds a match wherever any of `patterns` would, each keeping its own flags.

    Meant as a prefilter: a text in which it finds nothing is a text in which none of the patterns
    matches, so a reader can skip all of them with one search. Each pattern becomes an alternative
    with its flags scoped to it ("(?i:...)"); a pattern with a back-reference (whose group number
    would change) or a flag that cannot be scoped is refused."""
    alternatives = []
    for pattern in patterns:
        flags = pattern.flags & ~re.UNICODE
        unscoped = flags & ~sum(_SCOPED_FLAGS)
        if unscoped or _BACKREFERENCE.search(pattern.pattern):
            raise ValueError(f"cannot combine {pattern.pattern[:40]!r}: a back-reference or an unscoped flag")
        letters = "".join(letter for flag, letter in _SCOPED_FLAGS.items() if flags & flag)
        alternatives.append(f"(?{letters}:{pattern.pattern})")
    return re.compile("|".join(alternatives))


# The parser of the standard `re` module, to read which literal words a pattern cannot match without.
# It is internal to `re`; if it is missing or changes shape, every pattern is simply run (no prefilter).
try:
    _PARSER: Any = importlib.import_module("re._parser")
    _OPS: Any = importlib.import_module("re._constants")
except ImportError:  # pragma: no cover - a Python without re._parser
    _PARSER = _OPS = None

_Words = frozenset[str]


def required_words(pattern: re.Pattern[str] | Gated) -> _Words | None:
    """Words at least one of which is in every text `pattern` matches (lower-cased where the pattern
    ignores case), or None when no such words are known (a pattern of digits, or one that can match
    an empty string): the best group `required_clauses` reads."""
    clauses = required_clauses(pattern)
    return clauses[0][1] if clauses else None


def _score(words: _Words) -> tuple[int, int]:
    """Longer words are rarer: the set whose shortest word is longest wins, then the smaller set."""
    return min(len(w) for w in words), -len(words)


# A group of words a text must hold one of, and whether it is to be looked for in the lower-cased text
# (a pattern, or a part of it, that ignores case) or in the text as it is.
Clause = tuple[bool, _Words]


def required_clauses(pattern: re.Pattern[str] | Gated) -> tuple[Clause, ...]:
    """The groups of words a text `pattern` matches must each hold one word of, best first (`_score`);
    empty when none is known. Read from the parsed pattern: a sequence needs each of its parts, so it
    gives all their groups ("pain ... for N months" needs a symptom word *and* a unit of time, which
    together rule out far more sentences than either); a branch needs, from each of its alternatives,
    one group, so it gives the unions of one group from each (kept few); a repetition needs its body
    when it repeats at least once; a part that ignores case on its own ("(?i:trigger point)") gives
    groups of lower-cased words."""
    if _PARSER is None:
        return ()
    try:
        clauses = _sequence_clauses(_PARSER.parse(pattern.pattern, pattern.flags).data, bool(pattern.flags & re.IGNORECASE))
    except Exception:  # an internal parser that changed shape: no prefilter, never a wrong one
        return ()
    # Outside ASCII, lower-casing may not map what case folding matches ("K", the Kelvin sign).
    return tuple(_smallest({c for c in clauses if not c[0] or all(w.isascii() for w in c[1])}))


_MAX_UNIONS = 16
# Past this many alternatives a branch gives one group (reading the unions of their groups costs too much).
_MANY_ALTERNATIVES = 12


def _clause(fold: bool, words: Iterable[str]) -> Clause:
    return (fold, frozenset(w.lower() for w in words) if fold else frozenset(words))


def _union(first: Clause, second: Clause) -> Clause:
    if first[0] == second[0]:
        return (first[0], first[1] | second[1])
    # One side minds case and the other does not: a word found as written is found lower-cased too.
    return _clause(True, first[1] | second[1])


def _shortest_words(clause: Clause) -> Clause:
    """The group without words that hold another of its words ("diagnosed with" holds "diagnos")."""
    fold, group = clause
    kept: list[str] = []
    for word in sorted(group, key=len):  # a word that holds another holds a shorter one, kept before it
        if not any(shorter in word for shorter in kept):
            kept.append(word)
    return (fold, frozenset(kept))


def _smallest(clauses: set[Clause]) -> list[Clause]:
    """The groups no other group is a part of (a text holding a word of the part holds one of the
    whole), the best `_MAX_UNIONS` of them: unions of unions stay few."""
    ordered = sorted({_shortest_words(c) for c in clauses}, key=lambda c: len(c[1]))
    kept: list[Clause] = []
    for clause in ordered:
        if not any(part[0] == clause[0] and part[1] <= clause[1] for part in kept):
            kept.append(clause)
    return sorted(kept, key=lambda c: (_score(c[1]), sorted(c[1]), c[0]), reverse=True)[:_MAX_UNIONS]


def _sequence_clauses(items: list[tuple[Any, Any]], fold: bool) -> list[Clause]:
    clauses: list[Clause] = []
    run = ""
    for op, argument in items:
        if op is _OPS.LITERAL:
            run += chr(argument)
            continue
        if run:
            clauses.append(_clause(fold, (run,)))
            run = ""
        clauses.extend(_item_clauses(op, argument, fold))
    if run:
        clauses.append(_clause(fold, (run,)))
    return clauses


def _item_clauses(op: Any, argument: Any, fold: bool) -> list[Clause]:
    if op is _OPS.SUBPATTERN:
        _group, add_flags, del_flags, body = argument
        if add_flags & re.IGNORECASE:
            fold = True
        elif del_flags & re.IGNORECASE:
            fold = False
        return _sequence_clauses(body.data, fold)
    if op is _OPS.ATOMIC_GROUP:
        return _sequence_clauses(argument.data, fold)
    if op is _OPS.BRANCH:
        # Any one group from each alternative makes, united, a group the branch needs.
        alternatives = []
        for branch in argument[1]:
            found = _sequence_clauses(branch.data, fold)
            if not found:
                return []
            alternatives.append(found)
        if len(alternatives) > _MANY_ALTERNATIVES:  # a long list of names: the best group of each, united
            best = [max(found, key=lambda c: _score(c[1])) for found in alternatives]
            return [functools.reduce(_union, best)]
        unions: list[Clause] = alternatives[0]
        for found in alternatives[1:]:
            unions = _smallest({_union(u, c) for u in unions for c in found})
        return unions
    if op in (_OPS.MAX_REPEAT, _OPS.MIN_REPEAT, _OPS.POSSESSIVE_REPEAT):
        least, _most, body = argument
        return _sequence_clauses(body.data, fold) if least >= 1 else []
    return []


class Keywords:
    """A prefilter for a group of patterns: False only for a text in which none of them can match.

    Substring tests are far cheaper than running the patterns, which try every position of a long
    sentence. A group with a pattern whose words are unknown always answers True, and so does a
    text outside ASCII, where a case-insensitive pattern may match letters that lower-casing does
    not map (the dotless i, the long s)."""

    def __init__(self, *patterns: re.Pattern[str] | Gated) -> None:
        folded: set[str] = set()
        exact: set[str] = set()
        self.always = False
        for pattern in patterns:
            # The best group each pattern needs, looked for as the group says: a part of a case-minding
            # pattern that ignores case on its own gives lower-cased words.
            clauses = required_clauses(pattern)
            if not clauses:
                self.always = True
                break
            fold, words = clauses[0]
            (folded if fold else exact).update(words)
        self.folded, self.exact = tuple(sorted(folded)), tuple(sorted(exact))
        # The words as one prefix tree each: one search is about twice as fast as a substring test per word.
        self._folded = re.compile(longest_first(folded)) if folded else None
        self._exact = re.compile(longest_first(exact)) if exact else None

    def may_match(self, text: str, lowered: str | None = None) -> bool:
        if self.always or not text.isascii():
            return True
        if self._exact is not None and self._exact.search(text) is not None:
            return True
        if self._folded is None:
            return False
        return self._folded.search(text.lower() if lowered is None else lowered) is not None


# The best groups a gate tests (by `_score`): more would cost more than they rule out.
_GATE_CLAUSES = 3
# Groups of at most this many words are tested with `in`; larger ones with one prefix-tree search.
_FEW_WORDS = 6

_Test = tuple[bool, "tuple[str, ...] | re.Pattern[str]"]


def _test(clause: Clause) -> _Test:
    """How a text is tested for a group: its words one by one (a few), or one prefix-tree search."""
    fold, words = clause
    if len(words) <= _FEW_WORDS:
        return fold, tuple(sorted(words, key=lambda w: (-len(w), w)))
    return fold, re.compile(longest_first(words))


# The last text lower-cased, with its lower-case form: the gates of one reader ask about one sentence in turn.
_LAST_LOWERED = ("", "")


def _lowered(text: str) -> str:
    global _LAST_LOWERED
    last = _LAST_LOWERED
    if last[0] is text:
        return last[1]
    lowered = text.lower()
    _LAST_LOWERED = (text, lowered)  # one tuple, replaced whole: safe to read from another thread
    return lowered


class Gated:
    """A compiled pattern that is run only on texts holding the words it cannot match without.

    It answers `search`, `match`, `fullmatch`, `finditer`, `findall` and `sub` exactly as the pattern
    does: where a group of words the pattern needs (`required_clauses`) is absent from the text, the
    pattern cannot match there, and the answer is the one it would give (None, no matches, the text
    unchanged) without scanning the text. A few substring tests cost far less than a pattern tried at
    every position of a sentence. A text outside ASCII is always run (lower-casing may not map what
    the pattern's case folding does), and so is a pattern whose words are unknown. The groups are read
    when first needed, so importing a module of gated patterns costs nothing more."""

    __slots__ = ("_found", "_last", "_tests", "compiled")

    def __init__(self, compiled: re.Pattern[str]) -> None:
        self.compiled = compiled
        self._tests: tuple[_Test, ...] | None = None
        self._last: tuple[str, bool] = ("", True)
        self._found: tuple[str, re.Match[str] | None] | None = None

    @property
    def pattern(self) -> str:
        return self.compiled.pattern

    @property
    def flags(self) -> int:
        return self.compiled.flags

    def may_match(self, text: str) -> bool:
        last = self._last  # the same text is often asked again at once (search, then finditer)
        if last[0] is text:
            return last[1]
        tests = self._tests
        if tests is None:
            tests = self._tests = tuple(_test(c) for c in required_clauses(self.compiled)[:_GATE_CLAUSES])
        answer = True
        if tests and text.isascii():
            for fold, test in tests:
                seen = _lowered(text) if fold else text
                # No generator: this runs a hundred times a letter, and one costs more than the tests.
                if not (any(map(seen.__contains__, test)) if isinstance(test, tuple) else test.search(seen)):
                    answer = False
                    break
        self._last = (text, answer)
        return answer

    def search(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        if pos or endpos != sys.maxsize:
            return self.compiled.search(text, pos, endpos) if self.may_match(text) else None
        found = self._found  # readers ask one sentence the same question in turn ("is it about the dispute?")
        if found is not None and found[0] is text:
            return found[1]
        match = self.compiled.search(text) if self.may_match(text) else None
        self._found = (text, match)
        return match

    def match(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.compiled.match(text, pos, endpos) if self.may_match(text) else None

    def fullmatch(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.compiled.fullmatch(text, pos, endpos) if self.may_match(text) else None

    def finditer(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> Iterator[re.Match[str]]:
        return self.compiled.finditer(text, pos, endpos) if self.may_match(text) else iter(())

    def findall(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> list[Any]:
        return self.compiled.findall(text, pos, endpos) if self.may_match(text) else []

    def sub(self, replacement: str | Callable[[re.Match[str]], str], text: str, count: int = 0) -> str:
        return self.compiled.sub(replacement, text, count) if self.may_match(text) else text


def gated(source: str, flags: int = 0) -> Gated:
    """`re.compile(source, flags)` behind its words (see Gated)."""
    return Gated(re.compile(source, flags))


_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


class NameScanner:
    """The search of `(?<![a-z0-9])(<names, longest first>)(?![a-z0-9])` over lower-case text, without
    compiling it: the earliest place where a name starts at a word boundary, and there the longest name
    that ends at one. Compiling the pattern for a catalog's ~1,400 names costs about 0.2 s of CPU, more
    than `check` spends on everything else for a case that names its treatment in words, while a short
    text (a title, a request) is scanned here in microseconds; long texts keep the compiled pattern."""

    def __init__(self, names: Iterable[str]) -> None:
        # Names of three characters or more under their first three, shorter ones under themselves: at a
        # place, the keys of one, two and three characters reach every name that could start there.
        buckets: dict[str, list[str]] = {}
        for name in set(names):
            if name:
                buckets.setdefault(name[:3], []).append(name)
        for bucket in buckets.values():
            bucket.sort(key=len, reverse=True)
        self._buckets = buckets

    def search(self, text: str, pos: int = 0) -> tuple[int, int, str] | None:
        """(start, end, name) of the match the compiled pattern's `search(text, pos)` would find, or None."""
        buckets, words, size = self._buckets, _WORD_CHARS, len(text)
        for start in range(pos, size):
            if start > 0 and text[start - 1] in words:
                continue
            best: str | None = None
            for width in (3, 2, 1):
                for name in buckets.get(text[start : start + width], ()):
                    end = start + len(name)
                    if (best is None or len(name) > len(best)) and text.startswith(name, start) and (
                            end >= size or text[end] not in words):
                        best = name
                        break
            if best is not None:
                return start, start + len(best), best
        return None
