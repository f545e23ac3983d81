"""Input kinds, one module each; `kg.readers` is the one entry point that dispatches to them.

`record` holds what every kind yields (`Article`) and how problems are told
(`InputError` for bad local input, `ReadReport` for items left out);
`textfiles` reads the seed format and JSONL, `page` turns HTML into an
article, `warc` reads web archives, `listing` reads feeds and sitemaps, and
`web` follows URLs through `kg.fetch`.
"""
