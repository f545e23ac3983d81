"""The seed articles, shipped in the package as `kg.seeds` so `kg bench` can generate its corpus anywhere."""
