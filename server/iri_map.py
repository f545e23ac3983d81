"""Map IRIs minted under the base IRI to this server's `/resource/` URLs and back.

The default base IRI (https://w3id.org/astana-kg/resource/) is a permanent
name that does not point here, so, like Pubby and LodView, pages link to the
local copy. RDF payloads keep the canonical IRIs; only HTML links are mapped.
"""

from __future__ import annotations

from urllib.parse import quote

RESOURCE_PREFIX = "/resource/"
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
        path, hash_, fragment = iri[len(self.base_iri):].partition("#")
        return script_root + RESOURCE_PREFIX + quote(path, safe=_SAFE) + hash_ + fragment

    def href(self, iri: str, script_root: str = "") -> str:
        """Where an HTML page should link an IRI: the local page if we serve it, else the IRI."""
        return self.local_url(iri, script_root) or iri
