from bot.ingest.markup import parse_html, parse_markdown

HTML_PAGE = """<!doctype html><html><head>
<title>Pediatric OT in Clinics | CareStaff</title>
<meta property="og:site_name" content="CareStaff">
<meta property="article:published_time" content="2025-03-04T10:00:00Z">
<link rel="canonical" href="https://example.org/pediatric-ot">
<style>.x{color:red}</style><script>var tracking = "Share this";</script>
</head><body>
<nav><a href="/">Home</a> <a href="/jobs">Jobs</a></nav>
<header class="site-header">Menu</header>
<article>
<h1>Pediatric OT in Clinics</h1>
<p>Outpatient pediatric OTs treat children with <strong>sensory</strong> needs.</p>
<h2>What a day looks like</h2>
<p>Common tasks include:</p>
<ul><li>Evaluating motor skills</li><li>Coaching parents</li></ul>
<table><tr><th>Setting</th><th>Caseload</th></tr><tr><td>Clinic</td><td>Eight visits a day</td></tr></table>
<div class="share-buttons"><a>Facebook</a><a>Twitter</a></div>
</article>
<aside class="related-posts"><h3>Related posts</h3><p>Travel OT guide</p></aside>
<footer>Copyright CareStaff</footer>
</body></html>"""


def test_html_main_content_only():
    parsed = parse_html(HTML_PAGE)
    texts = [b.text for b in parsed.blocks]
    assert parsed.meta == {
        "title": "Pediatric OT in Clinics",
        "publisher": "CareStaff",
        "url": "https://example.org/pediatric-ot",
        "date": "2025-03-04",
    }
    assert texts[0] == "Outpatient pediatric OTs treat children with sensory needs."
    assert ("heading", "What a day looks like") in [(b.kind, b.text) for b in parsed.blocks]
    assert [b.text for b in parsed.blocks if b.kind == "list_item"] == [
        "Evaluating motor skills",
        "Coaching parents",
    ]
    assert "Setting: Clinic; Caseload: Eight visits a day." in texts
    joined = " ".join(texts)
    for furniture in (
        "Home",
        "Menu",
        "Facebook",
        "Travel OT guide",
        "Copyright",
        "tracking",
        "color",
    ):
        assert furniture not in joined


def test_markdown_structure_and_inline_marks():
    body = """# Becoming a school OT

Most school OTs work under **IEPs** and [IDEA](https://example.org).

## Pros and cons

Advantages:

- Summers off, depending on the contract
- Team work

| | School | Clinic |
|---|---|---|
| Schedule | School calendar | Year-round |
"""
    parsed = parse_markdown(body)
    assert parsed.meta == {"title": "Becoming a school OT"}
    kinds = [(b.kind, b.text) for b in parsed.blocks]
    assert kinds[0] == ("paragraph", "Most school OTs work under IEPs and IDEA.")
    assert ("heading", "Pros and cons") in kinds
    assert ("lead_in", "Advantages:") in kinds
    assert ("list_item", "Summers off, depending on the contract") in kinds
    assert ("table_row", "Schedule — School: School calendar; Clinic: Year-round.") in kinds


def test_inline_markdown_and_html_leave_their_words_as_written():
    parsed = parse_markdown("See **IEP** [goals](http://x), _then_ `plan` ![img](a.png).")
    assert [b.text for b in parsed.blocks] == ["See IEP goals, then plan ."]
    page = parse_html("<main><p>Contracts last <b>13 weeks</b>, <a href='#'>often</a>.<br>Ask.</p></main>")
    assert [b.text for b in page.blocks] == ["Contracts last 13 weeks, often. Ask."]


def test_markdown_setext_headings_rules_and_wrapped_list_items():
    body = """Travel OT basics
================

Intro paragraph about travel therapy.

Pay and housing
---------------

- Housing stipends are common when you
  work away from your tax home.
- Contracts last about 13 weeks.

***

Closing words.
"""
    parsed = parse_markdown(body)
    assert parsed.meta == {"title": "Travel OT basics"}
    kinds = [(b.kind, b.text) for b in parsed.blocks]
    assert kinds == [
        ("paragraph", "Intro paragraph about travel therapy."),
        ("heading", "Pay and housing"),
        ("list_item", "Housing stipends are common when you work away from your tax home."),
        ("list_item", "Contracts last about 13 weeks."),
        ("paragraph", "Closing words."),
    ]


def test_a_byline_at_the_top_is_metadata_and_the_page_title_names_the_site():
    page = """<html><head><title>Clinic OT: the job | Northbridge Staffing</title></head><body>
    <main><h1>Clinic OT: the job</h1>
    <p class="byline">By Marisol Quinn, OTR/L &middot; <time>April 9, 2024</time> &middot;
    Northbridge Staffing</p>
    <p>Pediatric clinic OTs see children after school.</p></main></body></html>"""
    parsed = parse_html(page)
    assert parsed.meta["title"] == "Clinic OT: the job"
    assert parsed.meta["publisher"] == "Northbridge Staffing"
    assert parsed.meta["date"] == "2024-04-09"
    assert [b.text for b in parsed.blocks] == ["Pediatric clinic OTs see children after school."]
    markdown = parse_markdown("# OT vs. COTA\n\n*By Renata Holloway, OTR/L | Copperleaf*\n\nTwo roles.\n")
    assert [b.text for b in markdown.blocks] == ["Two roles."]


def test_a_page_s_json_ld_names_its_publisher_and_its_heading_the_full_title():
    page = """<html><head><title>The PRN Playbook: What Per Diem Work Is Like</title>
    <meta property="og:title" content="The PRN Playbook">
    <script type="application/ld+json">{"@context": "https://schema.org", "@type": "BlogPosting",
     "headline": "The PRN Playbook", "author": {"@type": "Person", "name": "Alicia Brandt"},
     "publisher": {"@type": "Organization", "name": "ShiftWell Health"},
     "datePublished": "2024-11-05"}</script>
    <script type="application/ld+json">{not json</script></head><body><main>
    <div class="blog-post__meta"><a class="blog-post__tag">Career Advice</a></div>
    <h1>The PRN Playbook: What Per Diem Work Really Looks Like</h1>
    <div class="blog-post__author"><span>Alicia Brandt, OTR/L</span> &middot; <span>8 min read</span></div>
    <p>PRN means as needed.</p>
    <div class="cta-banner"><h3>Ready to pick up shifts?</h3><p>Browse PRN jobs now!</p></div>
    <div class="author-box"><h3>About Alicia</h3><p>Alicia writes for ShiftWell.</p></div>
    </main></body></html>"""
    parsed = parse_html(page)
    # og:title shortens the heading the reader sees; "<title>"'s colon starts a subtitle, not a
    # site's name, so the publisher comes from the JSON-LD.
    assert parsed.meta["title"] == "The PRN Playbook: What Per Diem Work Really Looks Like"
    assert parsed.meta["publisher"] == "ShiftWell Health"
    assert parsed.meta["date"] == "2024-11-05"
    # The tag line, author line, call to action and author box are the page's, not the article's.
    assert [b.text for b in parsed.blocks] == ["PRN means as needed."]


def test_wordpress_tag_classes_on_the_article_element_do_not_drop_it():
    page = """<html><head><title>Travel OT | Kestrel</title></head><body>
    <article class="post-4182 post type-post tag-occupational-therapy tag-contracts">
    <h1>Travel OT</h1><p>Contracts usually last 13 weeks.</p></article></body></html>"""
    parsed = parse_html(page)
    assert parsed.meta == {"title": "Travel OT", "publisher": "Kestrel"}
    assert [b.text for b in parsed.blocks] == ["Contracts usually last 13 weeks."]


def test_the_article_s_json_ld_entry_wins_over_the_page_s_in_a_graph():
    page = """<html><head><title>Working PRN - ShiftWell Health</title>
    <script type="application/ld+json">{"@graph": [
     {"@type": "WebPage", "name": "Working PRN - ShiftWell Health", "datePublished": "2020-01-01"},
     {"@type": ["Article"], "headline": "Working PRN", "datePublished": "2024-11-05",
      "publisher": {"name": "ShiftWell Health"}}]}</script></head>
    <body><article><p>PRN means as needed.</p></article></body></html>"""
    parsed = parse_html(page)
    assert parsed.meta == {"title": "Working PRN", "publisher": "ShiftWell Health", "date": "2024-11-05"}
    # A dash that joins a word is no separator before a site's name
    hyphen = "<html><head><title>School-based OT</title><meta property='og:title' content='School'>"
    assert "publisher" not in parse_html(hyphen + "<body><p>Text here.</p></body></html>").meta
