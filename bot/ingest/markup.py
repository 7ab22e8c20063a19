"""Read saved HTML pages and Markdown bodies (rendered by markdown-it-py) into blocks plus the
metadata the page carries."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from bs4 import BeautifulSoup, NavigableString, Tag
from markdown_it import MarkdownIt

from bot.ingest.plaintext import parse_byline, parse_date, row_statement
from bot.models import Block, Cell


@dataclass
class Parsed:
    """Blocks read from a document and the metadata found inside it."""

    blocks: list[Block]
    meta: dict[str, str] = field(default_factory=dict)


def table_blocks(headers: list[str], rows: list[list[str]]) -> list[Block]:
    """Rows of a comparison table as statements naming each column.

    When the first header is empty (a row-label column), the row label leads the statement.
    """
    blocks = []
    for row in rows:
        if not any(cell.strip() for cell in row):
            continue
        label = ""
        pairs = list(zip(headers, row, strict=False))
        if headers and not headers[0].strip() and len(pairs) > 1:
            label, pairs = pairs[0][1], pairs[1:]
        cells = tuple(Cell(h.strip(), c.strip()) for h, c in pairs if c.strip())
        if not cells:
            continue
        text = row_statement(cells)
        blocks.append(Block("table_row", f"{label} — {text}" if label else text, cells=cells))
    return blocks


# ---------------------------------------------------------------- HTML

_DROP_TAGS = (
    "script",
    "style",
    "noscript",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "iframe",
    "svg",
    "button",
    "template",
    "select",
    "input",
)
_FURNITURE_CLASS = re.compile(
    r"(^|[-_ ])(share|sharing|social|newsletter|subscribe|related|comments?|sidebar|breadcrumbs?|"
    r"cookie|menu|widget|navbar|nav|footer|header|advert|ads|promo|popup|modal|"
    # The page's own notes about the article (author box, byline, date and tag line, reading
    # time, table of contents, a call to action): not the article. Not "tag": WordPress marks the
    # article element itself with its tags ("tag-occupational-therapy").
    r"author|byline|bio|meta|tags|toc|cta)([-_ ]|$)",
    re.IGNORECASE,
)
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_CONTAINERS = ("div", "section", "article", "main", "body", "span", "center", "figure")


def _text(tag: Tag) -> str:
    """A tag's words as written: inline markup adds no space ("<b>IEP</b>," stays "IEP,")."""
    for br in tag.find_all("br"):
        br.replace_with(" ")
    return " ".join(tag.get_text("").split())


def _is_furniture(tag: Tag) -> bool:
    attributes = " ".join([tag.get("id") or "", *(tag.get("class") or [])])  # type: ignore[list-item]
    role = str(tag.get("role") or "")
    return bool(_FURNITURE_CLASS.search(attributes)) or role in (
        "navigation",
        "banner",
        "contentinfo",
    )


def _html_table(table: Tag) -> list[Block]:
    rows = table.find_all("tr")
    if not rows:
        return []
    headers = [_text(c) for c in rows[0].find_all(["th", "td"])]
    body = [[_text(c) for c in row.find_all(["th", "td"])] for row in rows[1:]]
    return table_blocks(headers, body)


def _walk(node: Tag, blocks: list[Block]) -> None:
    inline: list[str] = []

    def flush() -> None:
        text = " ".join(" ".join(inline).split())
        if text:
            blocks.append(Block("lead_in" if text.endswith(":") else "paragraph", text))
        inline.clear()

    for child in node.children:
        if isinstance(child, NavigableString):
            if type(child) is NavigableString:  # skip comments, doctype, CDATA
                inline.append(str(child))
            continue
        if not isinstance(child, Tag):
            continue
        name = child.name
        if name in _DROP_TAGS or _is_furniture(child):
            continue
        if name in _HEADINGS:
            flush()
            text = _text(child)
            if text:
                blocks.append(Block("heading", text, level=int(name[1])))
        elif name in ("p", "blockquote", "pre", "dd", "dt", "figcaption"):
            flush()
            text = _text(child)
            if text:
                blocks.append(Block("lead_in" if text.endswith(":") else "paragraph", text))
        elif name in ("ul", "ol"):
            flush()
            number = 1 if name == "ol" else None
            for item in child.find_all("li", recursive=False):
                nested = [n.extract() for n in item.find_all(["ul", "ol"])]
                text = _text(item)
                if text:
                    blocks.append(Block("list_item", text, number=number))
                    number = number + 1 if number is not None else None
                for sub in nested:
                    holder = BeautifulSoup("<div></div>", "html.parser").div
                    assert holder is not None
                    holder.append(sub)
                    _walk(holder, blocks)
        elif name == "table":
            flush()
            blocks.extend(_html_table(child))
        elif name == "br":
            flush()
        elif name in _CONTAINERS or name in ("dl", "main", "article"):
            flush()
            _walk(child, blocks)
        else:  # inline markup: a, em, strong, ...
            inline.append(child.get_text(""))
    flush()


# What follows an article's title in a page's <title> when it names the site: a separator, the
# site's name, and perhaps more after another separator ("| Northbridge Staffing | Blog").
# (A dash separates only with spaces round it: "School" is no title of "School-based OT".)
_SITE_SUFFIX = re.compile(r"(?:\s*[|·•]|\s+[–—-](?=\s))\s*([^|·•–—]+)")


def _meta(soup: BeautifulSoup, *names: str) -> str | None:
    for name in names:
        tag = soup.find("meta", attrs={"property": name}) or soup.find("meta", attrs={"name": name})
        if isinstance(tag, Tag) and tag.get("content"):
            return str(tag["content"]).strip()
    return None


def _without_byline(blocks: list[Block]) -> tuple[list[Block], str | None]:
    """A byline printed at the top of an article ("By Ana Ruiz · April 9, 2024 · Site") is
    metadata, not content: the blocks without it, and the date it gives."""
    for n, block in enumerate(blocks[:2]):
        byline = parse_byline(block.text) if block.kind == "paragraph" else None
        if byline is not None:
            return blocks[:n] + blocks[n + 1 :], byline[1]
    return blocks, None


# schema.org types that describe the article a page shows (its JSON-LD), not the site around it.
_ARTICLE_TYPES = frozenset({
    "article", "blogposting", "newsarticle", "techarticle", "scholarlyarticle", "report",
    "medicalwebpage", "webpage",
})


def _name_of(value: object) -> str | None:
    """A schema.org person or organisation ({"name": ...}, a list of them, or a plain string)."""
    if isinstance(value, list):
        names = [n for n in (_name_of(v) for v in value) if n]
        return ", ".join(names) or None
    if isinstance(value, dict):
        value = value.get("name")
    return (value.strip() or None) if isinstance(value, str) else None


def _linked_data(soup: BeautifulSoup) -> dict[str, str]:
    """What a page's schema.org JSON-LD says of its article (headline, publisher, author, date,
    url): the structured metadata most publishing tools write, read when no <meta> tag says it.
    A script that is not valid JSON is skipped."""
    found: dict[str, str] = {}
    for script in soup.find_all("script", attrs={"type": "application/ld+json"}):
        try:
            data = json.loads(script.string or "")
        except ValueError:
            continue
        items = data if isinstance(data, list) else [data]
        items = [g for i in items if isinstance(i, dict) for g in (i.get("@graph") or [i])]
        # The article's own entry before the page's ("WebPage" names the page, often with the
        # site's name in it), whichever order the graph lists them in.
        items.sort(key=lambda item: isinstance(item, dict) and item.get("@type") == "WebPage")
        for item in items:
            if not isinstance(item, dict):
                continue
            kinds = item.get("@type")
            kinds = kinds if isinstance(kinds, list) else [kinds]
            if not any(isinstance(k, str) and k.lower() in _ARTICLE_TYPES for k in kinds):
                continue
            page = item.get("mainEntityOfPage")
            values = {
                "title": item.get("headline") or item.get("name"),
                "publisher": _name_of(item.get("publisher")),
                "author": _name_of(item.get("author")),
                "date": item.get("datePublished"),
                "url": item.get("url") or (page.get("@id") if isinstance(page, dict) else page),
            }
            for key, value in values.items():
                if isinstance(value, str) and value.strip() and key not in found:
                    found[key] = value.strip()
    return found


def parse_html(html: str) -> Parsed:
    """Main content of a saved page as blocks; navigation, scripts and styles are dropped."""
    soup = BeautifulSoup(html, "html.parser")
    meta: dict[str, str] = {}
    linked = _linked_data(soup)
    page_title = soup.title.string.strip() if soup.title and soup.title.string else ""
    title = _meta(soup, "og:title", "twitter:title") or linked.get("title") or page_title or None
    publisher = (
        _meta(soup, "og:site_name") or linked.get("publisher") or _meta(soup, "publisher", "author")
        or linked.get("author")
    )
    url = _meta(soup, "og:url") or linked.get("url")
    canonical = soup.find("link", rel="canonical")
    if isinstance(canonical, Tag) and canonical.get("href"):
        url = str(canonical["href"])
    date = _meta(soup, "article:published_time", "date", "pubdate", "dc.date") or linked.get("date")
    time_tag = soup.find("time")
    if not date and isinstance(time_tag, Tag):
        date = str(time_tag.get("datetime") or _text(time_tag))

    root = soup.find("article") or soup.find("main") or soup.select_one('[role="main"]')
    if not isinstance(root, Tag):
        root = soup.body if soup.body else soup
    blocks: list[Block] = []
    _walk(root, blocks)
    # The page's first heading is usually its title, often repeated in <title> with a site suffix,
    # or shortened in og:title ("The PRN OT Playbook" for "The PRN OT Playbook: What Per Diem
    # Work Really Looks Like"): the heading, as the reader sees it, is the title.
    if blocks and blocks[0].kind == "heading" and (
        not title or blocks[0].text in title or blocks[0].text.startswith(title)
    ):
        title = blocks[0].text
        blocks = blocks[1:]
    blocks, byline_date = _without_byline(blocks)
    date = date or byline_date
    suffix = _SITE_SUFFIX.match(page_title[len(title) :]) if title and page_title.startswith(title) else None
    if not publisher and suffix:
        # "Article title | Site name": the usual <title> of a page names its site last, after a
        # separator (a title's own colon starts its subtitle, not a site's name).
        publisher = suffix.group(1).strip() or None
    for key, value in (("title", title), ("publisher", publisher), ("url", url)):
        if value:
            meta[key] = value
    if date:
        iso = parse_date(date[:10]) or parse_date(date)
        if iso:
            meta["date"] = iso
    return Parsed(blocks, meta)


# ---------------------------------------------------------------- Markdown

_MARKDOWN = MarkdownIt("commonmark").enable("table")


def parse_markdown(body: str) -> Parsed:
    """Blocks of a Markdown body, read by markdown-it-py and walked like a saved page; a level-1
    heading before anything else is returned as the title."""
    soup = BeautifulSoup(_MARKDOWN.render(body), "html.parser")
    meta: dict[str, str] = {}
    first = soup.find(True)
    if isinstance(first, Tag) and first.name == "h1" and _text(first):
        meta["title"] = _text(first)
        first.decompose()
    blocks: list[Block] = []
    _walk(soup, blocks)
    blocks, date = _without_byline(blocks)
    if date:
        meta["date"] = date
    return Parsed(blocks, meta)
