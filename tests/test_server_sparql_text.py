"""The SPARQL tokenizer (`server.sparql_text`): token boundaries per the grammar, and the keyword fence.

The fence is the second one (the workers cannot connect anyway, see
test_server_ssrf.py), so it is tested here on its own: every spelling that
Oxigraph would run as SERVICE is seen, and look-alikes in strings, comments,
IRIs, variables and local names are not.
"""

from __future__ import annotations

import pytest

from server.sparql_text import decode_escapes, depth, keywords, mentions_keyword, tokens, variables

SEEN = [
    "SELECT * { SERVICE <http://x/> { } }",
    "select * { service <http://x/> { } }",
    "SELECT * { # comment\rSERVICE <http://x/> { } }",
    "SELECT * { # comment\r\nSERVICE <http://x/> { } }",
    "PREFIX ex: <http://e/> SELECT * { BIND(ex:a\\#x AS ?z) SERVICE <http://x/> { } }",
    "PREFIX ex: <http://e/> SELECT * { BIND(ex:a\\%x AS ?z) SERVICE <http://x/> { } }",
    "SELECT * { \\u0053ERVICE <http://x/> { } }",
    "SELECT * { \\U00000053ERVICE <http://x/> { } }",
    'SELECT * { BIND("\\u0022" AS ?x) SERVICE <http://x/> { } } #"""',
    'SELECT * { BIND("a\\"b" AS ?x) SERVICE <http://x/> { } }',
    "SELECT * { BIND('''it''s''' AS ?x) SERVICE <http://x/> { } }",
    "PREFIX r: <http://x/> SELECT * { SERVICEr:x { } }",
    "PREFIX : <http://x/> SELECT * { SERVICE:x { } }",
    "SELECT * { ?s ?p trueSERVICE<http://x/> { } }",
    "SELECT * { SERVICESILENT<http://x/> { } }",
    "SELECT * { SERVICE SILENT ?e { } }",
]
NOT_SEEN = [
    'SELECT ?service WHERE { BIND("SERVICE" AS ?service) }',
    "SELECT * { ?s ?p ?o } # SERVICE <http://x/>",
    "SELECT * { <http://x/SERVICE> ?p ?o }",
    "PREFIX schema: <https://schema.org/> SELECT * { ?s a schema:Service }",
    "SELECT * { ?s ?p 'SERVICE' }",
    'SELECT * { ?s ?p """\nSERVICE <http://x/> { }\n""" }',
    "SELECT * { ?s ?p ?o FILTER(LANG(?o) = 'en') } # SERVICE\n",
    'SELECT * { ?s ?p "x"@service }',
]


@pytest.mark.parametrize("text", SEEN)
def test_every_spelling_of_service_is_seen(text):
    assert mentions_keyword(text, "SERVICE")


@pytest.mark.parametrize("text", NOT_SEEN)
def test_look_alikes_are_not_service(text):
    assert not mentions_keyword(text, "SERVICE")


def test_token_boundaries_follow_the_grammar():
    assert ("pname", "ex:a\\#x") in list(tokens("BIND(ex:a\\#x AS ?z)"))
    assert [kind for kind, _ in tokens("# c\rASK {}") if kind != "space"] == ["comment", "word", "open", "close"]
    assert ("iri", "<http://e/#frag>") in list(tokens("<http://e/#frag> ?p ?o"))
    assert ("iri", "<http://e/\\u0041>") in list(tokens("<http://e/\\u0041>"))
    assert ("string", '"a\\"b"') in list(tokens('"a\\"b" ?x'))
    assert ("string", "'''it''s'''") in list(tokens("'''it''s''' ?x"))
    assert ("langtag", "@en-GB") in list(tokens('"x"@en-GB'))
    assert keywords("SELECT * FROM <g> WHERE { ?s ?p ?o }") >= {"SELECT", "FROM", "WHERE"}
    assert variables("SELECT ?_country_iri $x WHERE { ?x ?p ?_country_iri }") == ["_country_iri", "x", "p"]
    assert decode_escapes("\\u0053\\U0001F600") == "S\U0001f600"


def test_depth_counts_brackets_outside_strings_comments_and_iris():
    assert depth("SELECT * WHERE { FILTER((1)) }") == 3
    assert depth('SELECT * WHERE { BIND("{{{{" AS ?x) } # ((((') == 2
    assert depth("SELECT * WHERE { <http://e/(> ?p [ ?q << ?a ?b ?c >> ] }") == 3
    assert depth("SELECT * WHERE " + "{" * 500 + "}" * 500) == 500
