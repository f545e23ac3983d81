"""Map IRIs minted under the base IRI to this server's `/resource/` URLs and back.

The default base IRI (https://w3id.org/astana-kg/resource/) is a permanent
name that does not point here, so, like Pubby and LodView, pages link to the
local copy. RDF payloads keep the canonical IRIs; only HTML links are mapped.
Any other IRI is linked only if it is http(s): an IRI is whatever a query or
an update says (`IRI("javascript:alert(1)")`), and a link with another scheme
could run script or show attacker-chosen content on a click.
"""

from __future__ import annotations

from urllib.parse import quote

RESOURCE_PREFIX = "/resource/"
LINKABLE_SCHEMES = ("http://", "https://")
_SAFE = "/:@!$&'()*+,;=-._~"


class IriMap:
    def __init__(self, base_iri: str) -> None:
        self.base_iri = base_iri

    def iri_for(self, path: str) -> str:
        """The IRI that `/resource/{path}` stands for."""
        return self.base_iri + path

    def local_url(self, iri: str, script_root: str = "") -> str | None:
        """This server's URL for an IRI under the base IRI (fragment kept), else None."""
        if not iri.startswith(self.base_iri) or len(iri) == len(self.base_iri):
            return None
        path, hash_, fragment = iri[len(self.base_iri) :].partition("#")
        return script_root + RESOURCE_PREFIX + quote(path, safe=_SAFE) + hash_ + fragment

    def href(self, iri: str, script_root: str = "") -> str | None:
        """Where an HTML page may link an IRI: our page for it, the IRI if http(s), else None (show it as text)."""
        local = self.local_url(iri, script_root)
        if local is not None:
            return local
        return iri if iri.lower().startswith(LINKABLE_SCHEMES) else None
