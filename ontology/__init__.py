"""The OWL ontology, SHACL shapes and JSON-LD context, shipped in the package as `kg.ontology` (see `kg.config`)."""
