"""The canned SPARQL queries (grlc decorators), shipped in the package as `kg.queries` (see `kg.config`)."""
