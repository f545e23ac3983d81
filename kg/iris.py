"""How resource IRIs are minted: the base IRI, and keys that never collide.

IRIs are the product's identity for everything it writes, so two different
inputs must never share one (a second article would silently replace the
first). Keys keep Unicode letters, which IRIs allow (RFC 3987 `ucschar`).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

import pyoxigraph


def check_base_iri(base_iri: str) -> None:
    """Refuse a base IRI that would mint invalid IRIs, before any work is done."""
    if not base_iri.endswith(("/", "#")):
        raise ValueError(f"base IRI must end with '/' or '#': {base_iri!r}")
    if not base_iri.lower().startswith(("http://", "https://")):
        raise ValueError(f"base IRI must be an http(s) IRI: {base_iri!r}")
    try:
        pyoxigraph.NamedNode(base_iri + "x")
    except ValueError as error:
        raise ValueError(f"base IRI is not a valid IRI ({error}): {base_iri!r}") from None


#: An id used verbatim: starts with a letter or digit, then letters, digits, `_`, `-` or single dots.
_CLEAN_ID = re.compile(r"[^\W_](?:[\w-]|\.(?!\.))*")
#: The shape of keys derived from a URL or headline; a verbatim id may not look like one.
_HASHED_SUFFIX = re.compile(r"-[0-9a-f]{10}$")


def slugify(text: str) -> str:
    """Lower case, hyphen-separated, accents dropped and other letters kept: `Łukasz Żak` → `łukasz-żak`.

    Non-Latin names keep their letters (`Жаңалық` → `жаңалық`), so two different
    names in another script never collapse into the same slug.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    bare = unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))
    return re.sub(r"[\W_]+", "-", bare.lower()).strip("-") or "x"


def _digest(text: str, length: int) -> str:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:length]


def article_key(article_id: str | None, url: str | None, title: str) -> str:
    """The local part of an article's IRI; different inputs never share one (IRIs are injective).

    Three shapes that cannot meet: an id that is already IRI-safe is kept as it
    is (case and Unicode letters included, so `A.1` and `a-1` stay apart); any
    other id becomes `{slug}~{hash}` (`~` never occurs in the first shape); an
    article without id is keyed by its URL, else its headline, as
    `{headline slug}-{hash}` (no `~`, and the first shape may not end like it).
    """
    if article_id is not None:
        if _CLEAN_ID.fullmatch(article_id) and not _HASHED_SUFFIX.search(article_id):
            return article_id
        return f"{slugify(article_id)[:60].rstrip('-')}~{_digest(article_id, 12)}"
    return f"{slugify(title)[:60].rstrip('-')}-{_digest(url or title, 10)}"
