"""Both input formats, the messy details of real files, and located errors."""

from __future__ import annotations

import datetime as dt
import json
import tracemalloc
from dataclasses import replace
from pathlib import Path

import pytest

from kg.config import Settings
from kg.readers import Article, InputError, ReadReport, check_inputs, read_articles, split_long


def write(path: Path, content: str | bytes) -> Path:
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def test_seed_format_tolerates_crlf_nbsp_and_trailing_spaces(tmp_path):
    path = write(
        tmp_path / "a.txt",
        "First Headline\u00a0 \r\n\r\nBODY one – text.\u00a0\r\n\r\n\r\n"
        "Second Headline\r\n\r\nSecond body\r\ncontinues here.  \r\n",
    )
    first, second = read_articles([path])
    assert first.title == "First Headline"
    assert first.text == "BODY one – text."
    assert second.text == "Second body continues here."
    assert second.source == f"{path}:6"


def test_seed_headline_without_body_is_located(tmp_path):
    path = write(tmp_path / "a.txt", "Headline\n\nBody.\n\nOrphan headline\n")
    with pytest.raises(InputError, match=r"a\.txt:5: headline 'Orphan headline' has no text"):
        read_articles([path])


def test_jsonl_fields(tmp_path):
    record = {"title": " T ", "text": "Body", "url": "https://x.example/a", "published": "2024-02-29", "id": 7}
    (article,) = read_articles([write(tmp_path / "a.jsonl", json.dumps(record) + "\n\n")])
    assert (article.title, article.url, article.published, article.id) == (
        "T",
        "https://x.example/a",
        dt.date(2024, 2, 29),
        "7",
    )


@pytest.mark.parametrize(
    ("second_line", "problem"),
    [
        ('{"title": "T", "text": ', "invalid JSON"),
        ('{"text": "only text"}', "missing or empty 'title'"),
        ('{"title": "T", "text": "  "}', "missing or empty 'text'"),
        ('{"title": "T", "text": "B", "published": "2023-13-01"}', "not a real date"),
        ('{"title": "T", "text": "B", "published": "07/11/2023"}', "YYYY-MM-DD"),
        ('{"title": "T", "text": "B", "url": "ftp://x"}', "not an http"),
        ("[1, 2]", "expected a JSON object"),
    ],
)
def test_jsonl_errors_name_file_and_line(tmp_path, second_line, problem):
    path = write(tmp_path / "bad.jsonl", '{"title": "Fine", "text": "Fine."}\n' + second_line + "\n")
    with pytest.raises(InputError) as raised:
        read_articles([path])
    assert raised.value.line == 2
    assert str(raised.value).startswith(f"{path}:2: ")
    assert problem in str(raised.value)


def test_undecodable_bytes_are_located(tmp_path):
    path = write(tmp_path / "bad.txt", b"Headline\n\nBody\n\nOther \xff headline\n\nBody\n")
    with pytest.raises(InputError, match=r"bad\.txt:5: not valid UTF-8"):
        read_articles([path])


def test_directory_reads_txt_and_jsonl_in_order(tmp_path):
    write(tmp_path / "b.jsonl", '{"title": "From JSONL", "text": "x"}\n')
    write(tmp_path / "a.txt", "From text\n\nx\n")
    write(tmp_path / "notes.md", "ignored")
    assert [a.title for a in read_articles([tmp_path])] == ["From text", "From JSONL"]


def test_missing_path_and_wrong_suffix(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_articles([tmp_path / "nope.txt"])
    with pytest.raises(InputError, match="unsupported file type"):
        read_articles([write(tmp_path / "a.csv", "x")])


# -- read-time validation (issue #9, item 4) ------------------------------------------------------
def jsonl(path: Path, *records: dict | str) -> Path:
    lines = [r if isinstance(r, str) else json.dumps(r) for r in records]
    return write(path, "\n".join(lines) + "\n")


def error_of(*paths: Path | str, **settings) -> InputError:
    with pytest.raises(InputError) as raised:
        check_inputs(list(paths), Settings.build(**settings))
    return raised.value


@pytest.mark.parametrize(
    "url",
    [
        "https://x.example/a|b",
        "https://x.example/{a}",
        'https://x.example/"a"',
        "https://x.example/a\\b",
        "https://x.example/a^b",
        "https://x.example/a b",
        "https://x.example/\ud800",
        "ftp://x.example/a",
        "javascript:alert(1)",
        "https://",
        "x.example/a",
    ],
)
def test_urls_iris_forbid_are_errors_at_read_time(tmp_path, url):
    path = jsonl(tmp_path / "u.jsonl", {"title": "Fine", "text": "Fine."}, {"title": "T", "text": "B", "url": url})
    error = error_of(path)
    assert (error.path, error.line) == (str(path), 2)
    assert "'url'" in error.problem


def test_unicode_urls_are_fine(tmp_path):
    path = jsonl(tmp_path / "u.jsonl", {"title": "T", "text": "B", "url": "https://kz.example/жаңалық?q=1#x"})
    assert read_articles([path])[0].url == "https://kz.example/жаңалық?q=1#x"


def test_deep_json_is_an_error_not_a_recursion_traceback(tmp_path):
    path = write(tmp_path / "deep.jsonl", '{"title": "a", "text": "b"}\n' + "[" * 100_000 + "]" * 100_000 + "\n")
    error = error_of(path)
    assert error.line == 2 and "nested too deeply" in error.problem


@pytest.mark.parametrize(("value", "shown"), [(True, "true"), (1.5, "1.5"), ({"a": 1}, '{"a": 1}'), ([1], "[1]")])
def test_ids_must_be_strings_or_integers(tmp_path, value, shown):
    error = error_of(jsonl(tmp_path / "i.jsonl", {"title": "T", "text": "B", "id": value}))
    assert error.line == 1 and "'id' must be a string" in error.problem and shown in error.problem


def test_integer_ids_are_their_digits(tmp_path):
    (article,) = read_articles([jsonl(tmp_path / "i.jsonl", {"title": "T", "text": "B", "id": 12})])
    assert article.id == "12"


@pytest.mark.parametrize("field", ["title", "text", "id"])
def test_lone_surrogates_are_errors(tmp_path, field):
    record = {"title": "T", "text": "B", field: "a\ud83db"}
    error = error_of(write(tmp_path / "s.jsonl", json.dumps(record) + "\n"))
    assert error.line == 1 and "lone surrogate (U+D83D)" in error.problem


def test_odd_but_valid_records(tmp_path):
    path = jsonl(
        tmp_path / "o.jsonl",
        {
            "title": " Two\nlines\t ",
            "text": "Body",
            "unknown": [1, 2],
            "published": "2024-03-04T23:30:00+05:00",
            "publisher": "The Steppe Herald",
        },
    )
    (article,) = read_articles([path])
    assert (article.title, article.published, article.publisher) == (
        "Two lines",
        dt.date(2024, 3, 4),
        "The Steppe Herald",
    )


def test_a_huge_headline_is_rejected_with_its_line(tmp_path):
    path = jsonl(tmp_path / "h.jsonl", {"title": "T", "text": "B"}, {"title": "Word " * 44_000, "text": "B"})
    error = error_of(path)
    assert error.line == 2 and "'title' is 219,999 characters (at most 500)" in error.problem


def test_a_50_mb_line_is_an_error_read_in_bounded_memory(tmp_path):
    path = tmp_path / "big.jsonl"
    with open(path, "wb") as handle:
        handle.write(b'{"title": "small", "text": "fine"}\n{"title": "big", "text": "')
        for _ in range(50):
            handle.write(b"x" * 1_000_000)
        handle.write(b'"}\n')
    tracemalloc.start()
    try:
        error = error_of(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert error.line == 2 and "longer than 10,000,000 bytes" in error.problem
    assert peak < 25_000_000


def test_seed_items_without_a_blank_line_between_them(tmp_path):
    path = write(
        tmp_path / "s.txt",
        "First Headline Here\n\nASTANA – A lead that ends as leads do.\n"
        "Second Headline Run Into It\n\nASTANA – The second lead.\n",
    )
    error = error_of(path)
    assert error.line == 4 and "'Second Headline Run Into It' reads like the next headline" in error.problem


def test_seed_headline_without_its_blank_line(tmp_path):
    path = write(tmp_path / "s.txt", "A Headline\nASTANA – Its lead, with no blank line above.\n")
    error = error_of(path)
    assert error.line == 2 and "a headline is one line" in error.problem


def test_seed_pairing_shifted_by_a_missing_line_is_detected(tmp_path):
    # the lead of item 1 and the headline of item 2 share a block, so lead 2 is read as a headline
    path = write(
        tmp_path / "s.txt",
        "Headline One\n\nLead one, which ends without a full stop\nHeadline Two\n\n"
        "ASTANA – Lead two is a whole sentence.\n\nHeadline Three\n\nLead three.\n",
    )
    error = error_of(path)
    assert error.line == 6 and "reads like a lead" in error.problem


def test_old_mac_line_ends_keep_line_numbers(tmp_path):
    path = write(tmp_path / "m.txt", "Headline\r\rBody.\r\rOrphan\r")
    assert error_of(path).line == 5


@pytest.mark.parametrize(
    ("second", "what"),
    [
        ({"title": "Other", "text": "B", "id": "a-1"}, "id 'a-1'"),
        ({"title": "Other", "text": "B", "url": "https://x.example/1"}, "URL 'https://x.example/1'"),
    ],
)
def test_duplicates_within_one_input_name_both_lines(tmp_path, second, what):
    first = jsonl(tmp_path / "a.jsonl", {"title": "T", "text": "B", "id": "a-1", "url": "https://x.example/1"})
    other = jsonl(tmp_path / "b.jsonl", {"title": "Fine", "text": "B"}, second)
    error = error_of(first, other)
    assert (error.path, error.line) == (str(other), 2)
    assert f"duplicate {what}: first at {first}:1" in error.problem


def test_equal_headlines_without_id_or_url_are_duplicates(tmp_path):
    path = write(tmp_path / "s.txt", "Same Headline\n\nOne.\n\nSame Headline\n\nTwo.\n")
    error = error_of(path)
    assert error.line == 5 and f"duplicate headline 'Same Headline': first at {path}:1" in error.problem


def test_check_inputs_reads_nothing_into_memory_and_fetches_nothing(tmp_path):
    path = jsonl(tmp_path / "a.jsonl", {"title": "T", "text": "B"})
    assert check_inputs([path, "https://news.invalid/feed.xml"]) is None
    assert "cannot be fetched" in error_of(path, "https://x.invalid/a b").problem


# -- long articles (issue #9, item 3) ---------------------------------------------------------------
def test_a_1_mb_article_is_accepted_split_and_warned(tmp_path, caplog):
    sentence = "Kazakhstan and Japan agreed to expand trade in critical minerals. "
    text = (sentence * 16_000)[:1_000_000]
    path = jsonl(tmp_path / "long.jsonl", {"id": "long-1", "title": "A Long Report", "text": text})
    report = ReadReport()
    parts = read_articles([path], Settings.build(max_chars=200_000), report)
    assert len(parts) == 6 and all(len(p.text) <= 200_000 for p in parts)  # cuts at sentence ends: 6, not 5
    assert [p.id for p in parts] == ["long-1"] + [f"long-1#part-{n}" for n in range(2, 7)]
    assert all(p.text.endswith(".") for p in parts[:-1])  # cut at sentence ends
    assert " ".join(p.text for p in parts).split() == text.split()  # nothing lost
    assert report.warnings == 1
    assert (
        f"{path}:1: article body is 1,000,000 characters, over the --max-chars limit of 200,000: split into 6"
        in caplog.text
    )


def test_parts_without_an_id_are_keyed_by_url_then_headline():
    article = Article(title="Long", text="word " * 600, source="f:1", url="https://x.example/a")
    parts = split_long(article, 1000, ReadReport())
    assert parts[0] == replace(article, text=parts[0].text)
    assert parts[1].id == "https://x.example/a#part-2"
    assert split_long(replace(article, url=None), 1000, ReadReport())[1].id == "Long#part-2"
    assert split_long(article, 5000, ReadReport()) == [article]
