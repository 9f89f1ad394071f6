"""Where bundled data lives, and the one safe way to read YAML."""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from engine.criteria import cache
from engine.errors import CriteriaLoadError

Table = TypeVar("Table", bound=BaseModel)


def bundled_criteria_root() -> Traversable:
    """The `guideline_criteria` package shipped with imrcheck (catalog and criteria sets)."""
    return files("guideline_criteria")


# A document may hold at most this many values once its aliases are expanded, beyond what it spells
# out: anchors that save typing stay well under it, a "billion laughs" bomb is refused before it is built.
MAX_ALIAS_EXPANSION = 100_000


# No file imrcheck reads nests deeper than a dozen levels; a deeper one would exhaust the reader's stack.
MAX_YAML_DEPTH = 64


class YamlAliasError(yaml.YAMLError):
    """The document's aliases expand far beyond its text, or an alias refers to the node holding it."""


class YamlDepthError(YamlAliasError):
    """The document nests far deeper than any file imrcheck reads (caught with the alias errors: both are
    documents shaped to exhaust the reader, refused before anything is built)."""


def check_depth(root: yaml.Node, limit: int = MAX_YAML_DEPTH) -> None:
    """Refuse a document nesting lists and mappings more than `limit` levels, naming the line where it does.

    Run after `check_alias_expansion`, so shared nodes are walked a bounded number of times."""
    stack: list[tuple[yaml.Node, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            raise YamlDepthError(f"line {node.start_mark.line + 1}: lists and mappings nest more than {limit} levels "
                                 "deep here; no imrcheck file nests that deep")
        stack.extend((child, depth + 1) for child in _children(node))


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def check_alias_expansion(root: yaml.Node, limit: int = MAX_ALIAS_EXPANSION) -> None:
    """Refuse a document whose expanded size exceeds what it writes out by more than `limit` values.

    Aliases share one node, so this walks each distinct node once (post-order, without recursion)."""
    sizes: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if children_done:
            on_path.discard(key)
            sizes[key] = 1 + sum(sizes[id(child)] for child in _children(node))
            if sizes[key] > len(sizes) + limit:
                raise YamlAliasError(f"its YAML aliases (*name) expand to more than {limit:,} values; "
                                     "write the repeated values out instead")
            continue
        if key in sizes:
            continue
        if key in on_path:
            raise YamlAliasError("a YAML alias (*name) refers to the value that holds it, which never ends")
        on_path.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node))


class DuplicateKeyError(yaml.MarkedYAMLError):
    """A key written twice in one mapping: YAML keeps the last silently, so half of what was meant is lost."""


class UniqueKeys:
    """Loader mixin: a key written twice in one mapping is an error, not the silent loss of the first.

    `known_keys` are the field names a message may repeat; any other key is what the file holds (it may
    be case contents), so the message says only where it is."""

    known_keys: frozenset[str] = frozenset()

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        first: dict[str, int] = {}
        for key, _ in node.value:
            # Checked before merge keys (<<) are flattened: a key overriding a merged one is intended.
            if not isinstance(key, yaml.ScalarNode) or key.tag == "tag:yaml.org,2002:merge":
                continue
            if key.value in first:
                name = repr(key.value) if key.value in self.known_keys else "a key"
                raise DuplicateKeyError(problem=f"{name} is written twice in the same mapping (first on line "
                                                f"{first[key.value]}); YAML would keep only the last",
                                        problem_mark=key.start_mark)
            first[key.value] = key.start_mark.line + 1
        mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)  # type: ignore[misc]
        return mapping


def check_composed(node: yaml.Node) -> None:
    """A composed document's aliases and nesting, bounded before any object is built from it."""
    check_alias_expansion(node)
    check_depth(node)


class BoundedAliases:
    """Loader mixin: the composed document is checked by `check_composed` before any object is built."""

    def get_single_node(self) -> yaml.Node | None:
        node: yaml.Node | None = super().get_single_node()  # type: ignore[misc]
        if node is not None:
            check_composed(node)
        return node


# libyaml's parser when PyYAML was built with it: the same safe constructors, about fifteen times
# faster on the criteria pack, which every process loads at start.
_SafeBase: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LineLoader(BoundedAliases, _SafeBase):  # type: ignore[valid-type,misc]
    """A safe loader that records the line of every mapping, so load errors can name it."""


def _construct_mapping_with_line(loader: LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping: dict[str, Any] = {str(k): v for k, v in loader.construct_mapping(node, deep=True).items()}
    # The line is 1-based for humans.
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


def _construct_timestamp(loader: LineLoader, node: yaml.ScalarNode) -> Any:
    # An impossible date (2009-02-30) stays text, so the model names its field and line instead of the
    # reader failing on it.
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:
        return loader.construct_scalar(node)


def _construct_int(loader: LineLoader, node: yaml.ScalarNode) -> Any:
    try:
        return loader.construct_yaml_int(node)
    except ValueError:  # Python reads integers of at most 4,300 digits; no threshold or count is one
        raise yaml.constructor.ConstructorError(
            None, None, f"a number {len(node.value):,} characters long cannot be read; numbers here are at most "
                        "a few digits", node.start_mark) from None


LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping_with_line)
LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
LineLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)


def load_yaml_with_lines(text: str, loader: type[LineLoader] = LineLoader) -> Any:
    """Parse YAML safely; every mapping carries its 1-based line under the key `__line__`."""
    return yaml.load(text, Loader=loader)


def load_yaml_with_nodes(text: str) -> tuple[Any, yaml.Node | None]:
    """`load_yaml_with_lines`, and the composed document the values were built from (for line
    numbers and repeated keys), from one parse of the text. The node is None when the text may hold
    a merge key (`<<`, `!!merge`): building the values rewrites such a mapping's node, so a caller
    that needs the document as written composes it again."""
    loader = LineLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    return data, (node if "<<" not in text and "merge" not in text else None)


def strip_lines(data: Any) -> Any:
    """Remove the `__line__` markers added by `load_yaml_with_lines`."""
    if isinstance(data, dict):
        return {k: strip_lines(v) for k, v in data.items() if k != "__line__"}
    if isinstance(data, list):
        return [strip_lines(v) for v in data]
    return data


def parse_table(model: type[Table], text: str, *, source: str) -> Table:
    """A bundled data table (drugs, conversion factors) read safely into its pydantic model; every
    problem is a CriteriaLoadError naming the file and the field."""
    try:
        return model.model_validate(strip_lines(load_yaml_with_lines(text)))
    except ValidationError as exc:
        raise CriteriaLoadError([f"{source}: {'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]) from None


def load_bundled_table(model: type[Table], file_name: str) -> Table:
    """The table shipped as `guideline_criteria/<file_name>` (parsed once per installation: the cache)."""
    def parse() -> Table:
        text = bundled_criteria_root().joinpath(file_name).read_text(encoding="utf-8")
        return parse_table(model, text, source=f"guideline_criteria/{file_name}")

    return cache.load_bundled(f"table-{file_name.removesuffix('.yaml')}", parse)
