from pathlib import Path

import pytest

from bot.ingest.loading import ArticleError, load_corpus, read_article


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


GOOD_MD = """---
title: Travel OT basics
publisher: CareStaff
date: 2025-05-01
url: https://example.org/travel
tags: [clinical, travel]
---
Travel OTs take short contracts in hospitals and clinics across the country.
"""


def test_markdown_front_matter(tmp_path: Path):
    article = read_article(write(tmp_path, "travel.md", GOOD_MD), tmp_path)
    assert (article.title, article.publisher, article.date, article.url) == (
        "Travel OT basics",
        "CareStaff",
        "2025-05-01",
        "https://example.org/travel",
    )
    assert article.tags == ("clinical", "travel")
    assert article.source == "travel.md"


@pytest.mark.parametrize(
    ("author", "publisher"),
    [
        ('author: "Priya Natarajan, OTR/L"', "Priya Natarajan, OTR/L"),
        ("authors: [Ann Lee, Bo Diaz]", "Ann Lee, Bo Diaz"),
        ("author: Ann Lee\npublisher: CareStaff", "CareStaff"),  # the site, when named, wins
    ],
)
def test_front_matter_author_stands_for_the_publisher(tmp_path: Path, author: str, publisher: str):
    text = f"---\ntitle: CLT basics\n{author}\ndate: 2024-05-21\n---\nLymphedema therapy is a niche.\n"
    article = read_article(write(tmp_path, "clt.md", text), tmp_path)
    assert (article.title, article.publisher, article.date) == ("CLT basics", publisher, "2024-05-21")


def test_sidecar_metadata_wins_over_the_text(tmp_path: Path):
    write(tmp_path, "a.txt", "Jan 2, 2024\n\nOld Title Line\n\nSchool OTs help students learn.\n")
    write(tmp_path, "a.meta.yaml", "title: New Title\npublisher: Aequor\n")
    article = read_article(tmp_path / "a.txt", tmp_path)
    assert (article.title, article.publisher, article.date) == ("New Title", "Aequor", "2024-01-02")


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary file"),
        (
            "latin1.txt",
            "Caf\xe9 OT in schools".encode("latin-1"),
            "not UTF-8 text (byte 0xe9 at offset 3)",
        ),
        ("empty.md", "   \n\n", "empty file"),
        (
            "broken.md",
            "---\ntitle: [unclosed\n---\nBody text here.\n",
            "malformed front matter at line",
        ),
        ("unclosed.md", "---\ntitle: x\nBody text.\n", "no closing '---' line"),
        ("list.md", "---\n- a\n- b\n---\nBody text.\n", "expected 'key: value' lines"),
        ("baddate.md", "---\ndate: someday\n---\nBody text.\n", "invalid date 'someday'"),
        ("slides.pdf", b"%PDF-1.4 not really", "unsupported file type '.pdf'"),
        (
            "furniture.txt",
            "Get the Latest Updates\n\nYou'll be the first to know.\n",
            "no article text",
        ),
    ],
)
def test_bad_input_names_file_and_reason(tmp_path: Path, name: str, content, reason: str):
    write(tmp_path, name, content)
    with pytest.raises(ArticleError) as caught:
        read_article(tmp_path / name, tmp_path)
    assert caught.value.source == name
    assert reason in str(caught.value)
    assert str(caught.value).startswith(f"{name}: ")


def test_one_bad_file_does_not_stop_the_rest(tmp_path: Path):
    write(tmp_path, "good.md", GOOD_MD)
    write(tmp_path, "bad.txt", b"\xff\xfe\x00\x00binary")
    write(tmp_path, ".hidden.txt", "ignored")
    load = load_corpus(tmp_path)
    assert [a.source for a in load.articles] == ["good.md"]
    assert [e.source for e in load.errors] == ["bad.txt"]


def test_missing_corpus_folder(tmp_path: Path):
    with pytest.raises(FileNotFoundError, match="corpus folder not found"):
        load_corpus(tmp_path / "nope")


def test_links_out_of_the_corpus_folder_are_not_followed(tmp_path: Path):
    secret = write(tmp_path / "outside", "secret.txt", "root:x:0:0:root:/root:/bin/bash\n")
    corpus = tmp_path / "corpus"
    write(corpus, "travel.md", GOOD_MD)
    (corpus / "passwd.txt").symlink_to(secret)
    inside = write(corpus, "notes" + "/kept.txt", "School OTs support students in class.\n")
    (corpus / "alias.txt").symlink_to(inside)  # a link that stays inside is fine

    loaded = load_corpus(corpus)

    assert sorted(a.source for a in loaded.articles) == ["alias.txt", "notes/kept.txt", "travel.md"]
    assert [(e.source, "outside the corpus folder" in e.reason) for e in loaded.errors] == [
        ("passwd.txt", True)
    ]


def test_deeply_nested_html_is_one_clear_error_not_a_crash(tmp_path: Path):
    nested = "<html><body>" + "<div>" * 1000 + "<p>Deep text here.</p>" + "</div>" * 1000
    write(tmp_path, "deep.html", nested + "</body></html>")
    write(tmp_path, "travel.md", GOOD_MD)

    loaded = load_corpus(tmp_path)

    assert [a.source for a in loaded.articles] == ["travel.md"]
    assert loaded.errors[0].source == "deep.html" and "nested too deeply" in loaded.errors[0].reason


def test_only_web_urls_are_kept_from_metadata(tmp_path: Path):
    hostile = GOOD_MD.replace("https://example.org/travel", "javascript:alert(1)")
    assert read_article(write(tmp_path, "travel.md", hostile), tmp_path).url is None
