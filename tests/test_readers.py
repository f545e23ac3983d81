"""Both input formats, the messy details of real files, and located errors."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from kg.readers import InputError, read_articles


def write(path: Path, content: str | bytes) -> Path:
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def test_seed_format_tolerates_crlf_nbsp_and_trailing_spaces(tmp_path):
    path = write(tmp_path / "a.txt", "First Headline\u00a0 \r\n\r\nBODY one – text.\u00a0\r\n\r\n\r\n"
                                     "Second Headline\r\n\r\nSecond body\r\ncontinues here.  \r\n")
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
        "T", "https://x.example/a", dt.date(2024, 2, 29), "7")


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
