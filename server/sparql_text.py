"""A lexical view of SPARQL text: its tokens per the SPARQL 1.1 grammar, keywords, variables, nesting depth.

pyoxigraph does not expose the parsed algebra, yet the server must notice
`FROM` clauses (so the protocol's default dataset does not override them),
find a canned query's parameters, refuse queries nested too deeply for the
engine, and refuse `SERVICE` and `LOAD` (and, for a remote store, the store's
own functions that reach the network). For the embedded store that is a
second fence only: its query workers cannot open network connections at all
(`server.sandbox`). A remote store evaluates queries itself, so there it is
the only one.

Token boundaries follow the grammar's terminals (section 19.8) exactly:
comments run to the next CR or LF; strings end where ECHAR/UCHAR escapes say;
IRIREFs may hold `#` and `\\u` escapes; prefixed names may hold PN_LOCAL escapes
such as `ex:a\\#x`, which do not start a comment. Two places where Oxigraph
and the grammar part ways make the keyword check deliberately broader than
the grammar:

- The grammar applies `\\u`/`\\U` escapes to the whole text before parsing
  (section 19.2); Oxigraph decodes them only inside IRIs and strings. A
  keyword counts if it appears in the text as written *or* as decoded.
- Oxigraph matches keywords without a word boundary: `SERVICEex:y { … }`
  and `?s ?p trueSERVICE <…> { … }` run a SERVICE call. A keyword counts
  if it occurs anywhere inside a bare word or a prefixed name's prefix
  (a local name such as `schema:Service` is matched greedily by both and is
  safe).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

_HEX = "[0-9A-Fa-f]"
_UCHAR = rf"\\u{_HEX}{{4}}|\\U{_HEX}{{8}}"
_ECHAR = r"""\\[tbnrf"'\\]"""
_PN_CHARS_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d\u2070-\u218f"
    "\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_PN_CHARS_U = _PN_CHARS_BASE + "_"
_PN_CHARS = _PN_CHARS_U + r"\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = rf"%{_HEX}{{2}}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PN_PREFIX = rf"[{_PN_CHARS_BASE}](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"
_PN_LOCAL = rf"(?:[{_PN_CHARS_U}:0-9]|{_PLX})(?:(?:[{_PN_CHARS}.:]|{_PLX})*(?:[{_PN_CHARS}:]|{_PLX}))?"
_VARNAME = rf"[{_PN_CHARS_U}0-9][{_PN_CHARS_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*"

_TOKEN = re.compile(
    rf"""
    (?P<comment>\#[^\r\n]*)
  | (?P<string>'''(?:(?:'|'')?(?:[^'\\]|{_ECHAR}|{_UCHAR}))*'''
             | \"\"\"(?:(?:"|"")?(?:[^"\\]|{_ECHAR}|{_UCHAR}))*\"\"\"
             | '(?:[^'\\\n\r]|{_ECHAR}|{_UCHAR})*'
             | "(?:[^"\\\n\r]|{_ECHAR}|{_UCHAR})*")
  | (?P<iri><(?:[^<>"{{}}|^`\\\x00-\x20]|{_UCHAR})*>)
  | (?P<pname>(?:{_PN_PREFIX})?:(?:{_PN_LOCAL})?)
  | (?P<bnode>_:[{_PN_CHARS_U}0-9](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?)
  | (?P<var>[?$]{_VARNAME})
  | (?P<langtag>@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*)
  | (?P<number>[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<open><<|[{{(\[])
  | (?P<close>>>|[}})\]])
  | (?P<space>[\ \t\r\n]+)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_ESCAPE = re.compile(rf"\\u({_HEX}{{4}})|\\U({_HEX}{{8}})")


def tokens(text: str) -> Iterator[tuple[str, str]]:
    """(kind, text) pairs covering the whole input, in order."""
    for match in _TOKEN.finditer(text):
        yield match.lastgroup or "other", match.group()


def keywords(text: str) -> set[str]:
    """Upper-cased bare words (keywords, function names; not prefixed names), as Oxigraph reads them."""
    return {value.upper() for kind, value in tokens(text) if kind == "word"}


def mentions_keyword(text: str, keyword: str) -> bool:
    """Whether `keyword` could be read as a keyword anywhere in `text` (see the module docstring).

    Broader than the grammar on purpose: this is a fence, and a false alarm
    (a prefix named `myservice:`) costs less than a query that slips past.
    """
    keyword = keyword.upper()
    for view in {text, decode_escapes(text)}:
        for kind, value in tokens(view):
            if kind == "word" and keyword in value.upper():
                return True
            if kind == "pname" and keyword in value.partition(":")[0].upper():
                return True
    return False


def mentions_namespace(text: str, namespace: str) -> bool:
    """Whether `text` could name an IRI in `namespace` (a scheme such as `bif:`), in any case, as written or decoded.

    An IRI that starts with it counts, and so does a prefixed name whose
    prefix is, or ends with, the scheme (a store may predeclare it, as Virtuoso
    does `bif:`; "ends with" in case a store's lexer splits `truebif:f` as
    Oxigraph's splits `trueSERVICE`); a prefix bound to the namespace is caught
    at its declaration.
    """
    namespace = namespace.lower()
    for view in {text, decode_escapes(text)}:
        for kind, value in tokens(view):
            if kind == "iri" and value[1:].lower().startswith(namespace):
                return True
            if kind == "pname" and (value.partition(":")[0].lower() + ":").endswith(namespace):
                return True
    return False


def decode_escapes(text: str) -> str:
    """The text with `\\uXXXX`/`\\UXXXXXXXX` replaced by their characters, as the grammar reads it."""

    def character(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF else match.group()

    return _ESCAPE.sub(character, text)


def depth(text: str) -> int:
    """The deepest nesting of `{ ( [ <<` brackets outside strings, IRIs and comments."""
    level = deepest = 0
    for kind, _ in tokens(text):
        if kind == "open":
            level += 1
            deepest = max(deepest, level)
        elif kind == "close":
            level -= 1
    return deepest


def variables(text: str) -> list[str]:
    """Variable names (without `?`/`$`) in order of first appearance."""
    seen: dict[str, None] = {}
    for kind, value in tokens(text):
        if kind == "var":
            seen.setdefault(value[1:], None)
    return list(seen)


def replace_variables(text: str, replacements: Mapping[str, str]) -> str:
    """Replace each occurrence of the named variables by the given SPARQL term text."""
    return "".join(replacements.get(value[1:], value) if kind == "var" else value for kind, value in tokens(text))
