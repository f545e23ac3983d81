"""One blueprint per concern: the SPARQL protocol, the canned-query API, exports, linked data, health."""
