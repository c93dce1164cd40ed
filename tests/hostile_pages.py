"""Hostile HTML pages for the hardening tests: each carries a copy of the pack's example original.

Every builder returns a complete page; the article (headline, byline, logo, body paragraphs) sits
inside whatever hostile structure the case is about, so the full check path (match, parse,
layout, byline, affiliation, logo) runs on it.
"""
from __future__ import annotations

from checker.models import Original

DEPTH = 100_000
MEGABYTE = 1024 * 1024


def article(original: Original, *, byline: bool = True) -> str:
    paras = "".join(f"<p>{p.strip()}</p>\n" for p in original.text.split("\n\n") if p.strip())
    credit = (f'<p class="byline">By {", ".join(original.authors)}, Daily Caller News Foundation</p>'
              '<img src="/img/dcnf-logo.png" alt="Daily Caller News Foundation">') if byline else ""
    return f"<article><h1>{original.title}</h1>{credit}{paras}</article>"


def page(body: str, head: str = "") -> str:
    return f"<!doctype html><html><head><title>t</title>{head}</head><body>{body}</body></html>"


def deep_div(o: Original) -> str:
    return page("<div>" * DEPTH + article(o) + "</div>" * DEPTH)


def deep_b(o: Original) -> str:
    return page("<b>" * DEPTH + article(o) + "</b>" * DEPTH)


def deep_span(o: Original) -> str:
    return page("<span>" * DEPTH + article(o) + "</span>" * DEPTH)


def deep_unclosed(o: Original) -> str:
    # never closed, mixed block and inline: every parser has to guess where each ends
    return page("<div><span><b><i><section><em><font>" * (DEPTH // 7) + article(o))


def deep_tables(o: Original) -> str:
    return page("<table><tr><td>" * (DEPTH // 10) + article(o) + "</td></tr></table>" * (DEPTH // 10))


def deep_asides(o: Original) -> str:
    # every level is an other-stories container: a per-block list of enclosing containers grows with depth
    return page('<div class="related">' * (DEPTH // 2) + "<aside>" * (DEPTH // 2) + article(o)
                + "</aside>" * (DEPTH // 2) + "</div>" * (DEPTH // 2))


def deep_marked_spans(o: Original) -> str:
    # nested author-marked inline elements: each one's text is its whole subtree
    return page(article(o) + '<p><span class="author">' * 1 + '<span class="byline">' * DEPTH + "By Jane Doe"
                + "</span>" * DEPTH + "</span></p>")


def deep_after_byline(o: Original) -> str:
    # a foot byline without the affiliation, then 100,000 empty wrappers: the search for the line
    # "right after the byline" walks into them
    return page(article(o, byline=False).replace("</article>", f'<p class="byline">By {o.authors[0]}</p></article>')
                + "<div>" * DEPTH + "<p>the end</p>" + "</div>" * DEPTH)


def picture_sources(o: Original) -> str:
    sources = "".join(f'<source srcset="/p/{i}.webp 1x" media="(min-width: {i}px)">' for i in range(50_000))
    return page(f"<picture>{sources}</picture>{article(o)}")


def deep_jsonld(o: Original) -> str:
    # JSON nested too deep for Python's json module, and a megabyte of flat JSON-LD
    deep = "[" * DEPTH + "]" * DEPTH
    flat = "[" + ",".join('{"@type": "Person", "name": "Jane Doe"}' for _ in range(25_000)) + "]"
    return page(article(o), head=f'<script type="application/ld+json">{deep}</script>'
                                 f'<script type="application/ld+json">{flat}</script>')


def huge_attributes(o: Original) -> str:
    big = "x" * MEGABYTE
    style = "color:red;" * (MEGABYTE // 10)
    return page(f'<div class="{big} byline" id="{big}" style="{style}">'
                f'<img alt="{"Daily Caller " * (MEGABYTE // 13)}" src="/{big}.png" title="{big}">'
                f'<span class="author {big}" style="{"width:0px;" * (MEGABYTE // 10)}">x</span>'
                f'<a href="/{big}" rel="author">{big}</a>'
                f"{article(o)}</div>")


def many_images(o: Original) -> str:
    imgs = "".join(f'<img src="/i/{i}.jpg" alt="photo {i}" srcset="/i/{i}.jpg 1x, /i/{i}@2x.jpg 2x">'
                   for i in range(25_000))  # 50,000 in all
    return page(f"<div>{imgs}</div>{article(o)}<div>{imgs}</div>")


def many_bylines(o: Original) -> str:
    lines = '<p class="byline">By Jane Doe</p>' * 5_000
    return page(lines + article(o, byline=False) + lines)


def many_bylines_around(o: Original) -> str:
    # byline-like lines between the article's paragraphs: the head and foot of the body are huge
    paras = [p.strip() for p in o.text.split("\n\n") if p.strip()]
    filler = '<p class="byline">By Jane Doe, Daily Caller</p><div class="author">Someone Else</div>' * 1_000
    body = "".join(f"<p>{p}</p>{filler}" for p in paras)
    return page(f"<article><h1>{o.title}</h1>{filler}{body}{filler}</article>")


def whitespace_flood(o: Original) -> str:
    ws = (" " * 99 + "\n") * (10 * MEGABYTE // 100)  # 10 MB of spaces and newlines
    return page(f"<div>{ws}</div>{article(o)}<p>{ws[:MEGABYTE]}</p><pre>{ws[:MEGABYTE]}</pre>")


def one_huge_word(o: Original) -> str:
    word = "a" * MEGABYTE
    return page(f"<p>{word}</p>{article(o)}<p class=byline>By {word}</p><p>{word}</p>")


def media_bombs(o: Original) -> str:
    # page CSS with 20,000 nested @media blocks, 40,000 flat ones, hiding rules inside them and 30,000
    # stray "@": finding each rule's enclosing blocks one by one would be quadratic
    nested = "@media screen{" * 20_000 + ".n{display:none}" + "}" * 20_000
    flat = "".join(f"@media (max-width:{i}px){{.f{i}{{display:none}}.g{{display:block}}}}" for i in range(40_000))
    stray = "a[title='@']{color:red}" * 30_000
    return page(article(o), head=f"<style>{nested}</style><style>{flat}</style><style>{stray}</style>")


def everything(o: Original) -> str:
    """The article's copy wrapped in all of the above at once."""
    big = "x" * MEGABYTE
    imgs = "".join(f'<img src="/i/{i}.jpg" alt="photo {i}">' for i in range(20_000))
    bylines = '<p class="byline">By Jane Doe</p>' * 2_000
    ws = (" " * 99 + "\n") * (2 * MEGABYTE // 100)
    inner = (f'<div class="{big}" style="{"color:red;" * 50_000}">{imgs}{bylines}<pre>{ws}</pre>'
             + "<table><tr><td>" * 2_000 + article(o) + "</td></tr></table>" * 2_000 + f"{bylines}</div>")
    return page("<div>" * 30_000 + "<b>" * 30_000 + "<span>" * 20_000 + inner
                + "</span>" * 20_000 + "</b>" * 30_000 + "</div>" * 30_000 + "<i><u>" * 10_000)


CASES = {
    "deep_div": deep_div,
    "deep_b": deep_b,
    "deep_span": deep_span,
    "deep_unclosed": deep_unclosed,
    "deep_tables": deep_tables,
    "deep_asides": deep_asides,
    "deep_marked_spans": deep_marked_spans,
    "deep_after_byline": deep_after_byline,
    "picture_sources": picture_sources,
    "deep_jsonld": deep_jsonld,
    "huge_attributes": huge_attributes,
    "many_images": many_images,
    "many_bylines": many_bylines,
    "many_bylines_around": many_bylines_around,
    "whitespace_flood": whitespace_flood,
    "one_huge_word": one_huge_word,
    "media_bombs": media_bombs,
    "everything": everything,
}
