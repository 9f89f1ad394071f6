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

import re
from collections.abc import Iterable

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


def any_of(*patterns: re.Pattern[str]) -> re.Pattern[str]:
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
