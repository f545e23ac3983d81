"""How resource IRIs are minted: the base IRI, and keys that never collide.

IRIs are the product's identity for everything it writes, so two different
inputs must never share one (a second article would silently replace the
first). Keys keep Unicode letters, which IRIs allow (RFC 3987 `ucschar`).
"""

from __future__ import annotations

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
