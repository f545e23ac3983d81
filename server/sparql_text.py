"""A lexical view of SPARQL text: which keywords and variables it uses, outside strings, IRIs and comments.

pyoxigraph does not expose the parsed algebra, yet the server must refuse
`SERVICE` and `LOAD` (no outbound requests), notice `FROM` clauses (so the
protocol's default dataset does not override them) and find a canned query's
parameters. A tokenizer that skips strings, IRIs and comments answers those
questions without being fooled by `"SERVICE"` in a literal or `?service`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

_TOKEN = re.compile(
    r"""
    (?P<comment>\#[^\n]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\" | '''(?:[^'\\]|\\.|'(?!''))*''' | "(?:[^"\\\n]|\\.)*" | '(?:[^'\\\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][A-Za-z0-9_\u00B7-\uFFFF]+)
  | (?P<word>[A-Za-z_\u00C0-\uFFFF][\w\-.:\u00B7-\uFFFF]*)
  | (?P<space>\s+)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


def tokens(text: str) -> Iterator[tuple[str, str]]:
    """(kind, text) pairs covering the whole input, in order."""
    for match in _TOKEN.finditer(text):
        yield match.lastgroup or "other", match.group()


def keywords(text: str) -> set[str]:
    """Upper-cased bare words (keywords, function names; not prefixed names)."""
    return {value.upper() for kind, value in tokens(text) if kind == "word" and ":" not in value}


def variables(text: str) -> list[str]:
    """Variable names (without `?`/`$`) in order of first appearance."""
    seen: dict[str, None] = {}
    for kind, value in tokens(text):
        if kind == "var":
            seen.setdefault(value[1:], None)
    return list(seen)


def replace_variables(text: str, replacements: Mapping[str, str]) -> str:
    """Replace each occurrence of the named variables by the given SPARQL term text."""
    return "".join(
        replacements.get(value[1:], value) if kind == "var" else value for kind, value in tokens(text)
    )
