"""Metamorphic probes on the tune split: compliant copies changed only in ways a reader does not notice.

    python tests/accuracy/probe.py --kind reader [--seed N] [--limit N] [--only T_nav,M_under_headline]
    python tests/accuracy/probe.py --kind hide [--seed N] [--limit N]
    python tests/accuracy/probe.py --kind noise [--seed N] [--limit N]
    python tests/accuracy/probe.py --kind lure [--seed N] [--limit N]
    python tests/accuracy/probe.py --kind slot [--seed N] [--limit N]
    python tests/accuracy/probe.py --kind unknown [--seed N] [--limit N]
    python tests/accuracy/probe.py --kind page [--seed N] [--limit N]
    python tests/accuracy/probe.py --kind anon [--seed N] [--limit N]
    python tests/accuracy/probe.py --kind anon-real [--limit N]
    python tests/accuracy/probe.py --kind K --layouts FILE     # only copies made on the layouts named in FILE

`reader`: each copy whose byline passes gets its credit element wrapped, extended or moved (under the
headline, right after the article's text, at the top of the text, below a lead picture with its caption
and a share bar; as an author card's caption, a `<dl>` entry, a whole-link byline, `<small>`, schema.org); the byline must still pass and the affiliation keep its
verdict (moves check the byline only: a move may part the byline from a licensor line beside it).
`hide`: every visible credit naming the reporter is hidden one way at a time; the byline must not pass
(`aria-hidden`, which hides nothing from the eye, and `d-none d-lg-block`, shown from a desktop width on, must pass). `noise`: what real pages carry around an
article is added, the credit untouched (a cookie banner, rails and rows of other stories' teasers "By X
42 minutes ago" before the article or above its headline, related stories, a newsletter box, comments
and tags after its text, a lead photo with its credit, a dek, a breadcrumb, an audio player under the
headline, an advertisement and a "READ MORE" link inside the text, a signed-in greeting, the site's
footer naming its editor); no verdict may change. `lure`: copies whose byline fails get the reporter
named where a reader sees no credit of this article (another story's teaser, a photo credit, a comment,
`<meta name=author>` and JSON-LD); the byline must still not pass. `slot`: copies whose byline passes and
names the reporter once get the author-marked element of that credit emptied (or replaced by an empty
marked one), as a theme whose script fills the byline in serves it; byline must be `review`, affiliation
not `fail`. `unknown`: the same copies checked against an original whose authors are not known; the
reporter's credit must be found by where it stands and what it looks like (byline `review`, affiliation
not `fail`). `page`: the headline as a `<div role=heading>` or an `<h2>`, the site's name in an `<h1>` above
it, the headline rewritten or suffixed with the site's name (partners retitle); no verdict may change. Prints each change that flips a verdict
and a count per change. `anon`: every copy (compliant or not) with the whole page's markup renamed as a
site built with CSS modules or a page builder serves it: class names and ids opaque (consistently in its
style sheets; a library's lazy-loading and screen-reader classes keep their names), then no microdata,
`rel` or `data-*` hints either, sectioning tags as `<div>`s, every top-level block three grid levels deeper;
no verdict may change (a `review` that only an author-named empty element gave may become `fail`: nothing
on such a page says a script fills it). `anon-real`: the same renames on the real-byline cases (each real
page a copy of its own original, or credited to someone else); the byline keeps its verdict.
Only the tune split is read: the test split stays unseen.
"""
from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from multiprocessing import Pool
from pathlib import Path
from typing import Any, Callable, Optional

from anyascii import anyascii
from bs4 import BeautifulSoup, NavigableString, Tag

sys.path.insert(0, str(Path(__file__).resolve().parent))
import evaluate as E  # noqa: E402

Change = Callable[[BeautifulSoup, Tag, dict], None]


def _frag(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def find_credit(soup: BeautifulSoup, name: str) -> Optional[Tag]:
    """The smallest block around the first visible mention of the reporter's surname, grown while short."""
    name = anyascii(name)
    first, last = name.split()[0].lower(), name.split()[-1].lower()
    for s in soup.find_all(string=lambda t: last in anyascii(str(t)).lower()):
        el = s.parent
        if el is None or el.name in ("script", "style", "title", "meta"):
            continue
        while (el.parent is not None and el.parent.name not in ("body", "html")
               and len(el.parent.get_text(" ", strip=True)) < 160 and first in anyascii(el.parent.get_text()).lower()):
            el = el.parent
        text = anyascii(el.get_text(" ", strip=True)).lower()
        if first in text and len(text) < (120 if el.name == "p" else 200):
            return el
    return None


def _add_class(el: Tag, *names: str) -> None:
    el["class"] = list(el.get("class") or []) + list(names)


def _style(soup: BeautifulSoup, css: str) -> None:
    st = soup.new_tag("style")
    st.string = css
    (soup.head or soup).append(st)


# ---- changes a reader does not notice (the credit stays where it is, as it reads) ----------------

def t_wrappers(soup, el, ctx):
    for i in range(5):
        w = soup.new_tag("div", attrs={"class": f"wrap-{i}"})
        el.wrap(w)
        el = w


def t_nav(soup, el, ctx):
    el.wrap(soup.new_tag("nav", attrs={"class": "pst-by"}))


def t_aside(soup, el, ctx):
    el.wrap(soup.new_tag("aside", attrs={"class": "article-meta"}))


def t_teaser_class(soup, el, ctx):
    _add_class(el, "card", "teaser", "related")


def t_date_share(soup, el, ctx):
    el.append(_frag(' <time datetime="2026-12-03">Dec. 3, 2026 5:42 p.m. ET</time> <span class="share"><a href='
                    '"https://twitter.com/intent/tweet?url=x">Share on X</a> <a href="https://www.facebook.com/sharer.php'
                    '?u=x">Facebook</a> <a href="mailto:?subject=x">Email</a></span> <span>4 min read</span>'))


def t_author_link(soup, el, ctx):
    last = ctx["name"].split()[-1].lower()
    for s in list(el.find_all(string=lambda t: last in str(t).lower())):
        if s.parent is not None and s.parent.name != "a":
            s.wrap(soup.new_tag("a", href="/author/" + ctx["name"].lower().replace(" ", "-") + "/"))
    el.insert(0, soup.new_tag("img", src=f"/avatars/{last}-96x96.jpg", alt=ctx["name"], width="48", height="48"))


def t_upper(soup, el, ctx):
    for s in list(el.find_all(string=True)):
        s.replace_with(NavigableString(str(s).upper()))


def t_nbsp(soup, el, ctx):
    for s in list(el.find_all(string=True)):
        s.replace_with(NavigableString(str(s).replace(" ", "\u00a0")))


def t_up_next(soup, el, ctx):
    el.append(_frag(' <span class="more">Read next: <a href="/2026/12/02/senate-farm-bill/">Senate Passes Sweeping '
                    'Farm Bill After Months of Delay</a></span>'))


def t_mobile_hidden(soup, el, ctx):
    _add_class(el, "zz-desk")
    _style(soup, "@media (max-width: 600px){.zz-desk{display:none}}")


def t_css_noise(soup, el, ctx):
    _add_class(el, "meta-ab")
    _style(soup, ".meta-ab{font-size:13px;color:#666} .meta-ab.is-hidden{display:none} .js-off .meta-ab{visibility:hidden}")


def t_table(soup, el, ctx):
    td, tr, table = soup.new_tag("td"), soup.new_tag("tr"), soup.new_tag("table", attrs={"class": "meta"})
    el.wrap(td)
    td.wrap(tr)
    tr.wrap(table)
    tr.append(_frag("<td>Updated Dec. 3</td>"))


def t_sr_label(soup, el, ctx):
    el.insert(0, _frag('<span class="screen-reader-text" style="position:absolute;clip:rect(1px,1px,1px,1px);'
                       'width:1px;height:1px;overflow:hidden">Author:</span>'))


def t_lazy_avatar(soup, el, ctx):
    el.insert(0, _frag('<img class="lazyload" data-src="/img/author.jpg" src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="">'))


def t_role_line(soup, el, ctx):
    el.append(_frag('<div class="role">Contributor</div>'))


def t_list(soup, el, ctx):
    li, ul = soup.new_tag("li"), soup.new_tag("ul", attrs={"class": "meta-list"})
    el.wrap(li)
    li.wrap(ul)
    ul.append(_frag("<li><time>Dec. 3, 2026</time></li><li>5 min read</li>"))


def t_date_first(soup, el, ctx):
    el.insert(0, _frag('<time datetime="2026-12-03">Dec. 3, 2026</time> | '))


def t_figure_avatar(soup, el, ctx):
    """The credit as the caption of the author's portrait (an author card)."""
    cap, fig = soup.new_tag("figcaption"), soup.new_tag("figure", attrs={"class": "author-card"})
    el.wrap(cap)
    cap.wrap(fig)
    fig.insert(0, _frag('<img src="/avatars/author-96x96.jpg" alt="" width="48" height="48">'))


def t_dl(soup, el, ctx):
    dd, dl = soup.new_tag("dd"), soup.new_tag("dl", attrs={"class": "article-info"})
    el.wrap(dd)
    dd.wrap(dl)
    dl.insert(0, _frag("<dt>Author</dt>"))
    dl.append(_frag("<dt>Published</dt><dd>Dec. 3, 2026</dd>"))


def t_footer_tag(soup, el, ctx):
    el.wrap(soup.new_tag("footer", attrs={"class": "entry-meta"}))


def t_whole_link(soup, el, ctx):
    for a in list(el.find_all("a")):
        a.unwrap()
    el.wrap(soup.new_tag("a", href="/author/" + ctx["name"].lower().replace(" ", "-") + "/", attrs={"class": "byline-link"}))


def t_small(soup, el, ctx):
    el.wrap(soup.new_tag("small"))


def t_schema(soup, el, ctx):
    el["itemprop"] = "author"
    el["itemscope"] = ""
    el["itemtype"] = "https://schema.org/Person"


def t_reading_time_first(soup, el, ctx):
    el.insert_before(_frag('<div class="meta-top"><span>Politics</span> <span>6 min read</span></div>'))


# ---- moves: where a reader looks for the credit ------------------------------------------------

def _headline(soup: BeautifulSoup, ctx: dict) -> Tag:
    words = set(re.findall(r"\w+", ctx["title"].lower()))
    h = next((h for h in soup.find_all(["h1", "h2"])
              if len(words & set(re.findall(r"\w+", h.get_text().lower()))) >= 0.9 * len(words)), None)
    if h is None:
        raise ValueError("no headline")
    return h


def _last_paragraph(soup: BeautifulSoup, ctx: dict) -> Tag:
    closing = re.findall(r"\w+", ctx["text"])[-5:]
    last = None
    for p in soup.find_all(["p", "div"]):
        t = re.findall(r"\w+", p.get_text(" ").lower())
        if len(t) < 60 and closing and all(w.lower() in t for w in closing):
            last = p
    if last is None:
        raise ValueError("the last paragraph was not found")
    return last


def _paragraph(soup: BeautifulSoup, ctx: dict, n: int) -> Tag:
    """The n-th paragraph of the article's text on the page."""
    paras = [p for p in ctx["text"].split("\n") if len(p.split()) > 8]
    if len(paras) <= n:
        raise ValueError("too few paragraphs")
    opening = re.findall(r"\w+", paras[n].lower())[:6]
    for p in soup.find_all("p"):
        if re.findall(r"\w+", p.get_text(" ").lower())[:6] == opening:
            return p
    raise ValueError("paragraph not found")


def m_under_headline(soup, el, ctx):
    h = _headline(soup, ctx)
    if h is el or el in h.parents or h in el.parents:
        raise ValueError("no headline apart from the credit")
    el.extract()
    h.insert_after(el)


def m_after_text(soup, el, ctx):
    last = _last_paragraph(soup, ctx)
    if last is el or el in last.parents:
        raise ValueError("the credit's element holds the last paragraph")
    el.extract()
    last.insert_after(el)


def m_top_of_text(soup, el, ctx):
    first = _paragraph(soup, ctx, 0)
    if first is el or el in first.parents or first in el.parents:
        raise ValueError("the credit's element holds the first paragraph")
    el.extract()
    first.insert_before(el)


def m_after_hero(soup, el, ctx):
    """A lead picture with a long caption, a share bar and an advertisement between the headline and the credit."""
    m_under_headline(soup, el, ctx)
    el.insert_before(_frag(
        '<figure class="lead"><img src="/img/lead-1200x675.jpg" width="1200" height="675" alt="A committee room">'
        '<figcaption>Members of the committee listen to testimony during a hearing on the proposal in the state '
        'capitol on Tuesday, as supporters and opponents filled the gallery. (Photo: Alex Brandt/Getty Images)'
        '</figcaption></figure><div class="share-bar"><a href="https://twitter.com/intent/tweet?u=x">Share</a> '
        '<a href="https://www.facebook.com/sharer.php?u=x">Facebook</a> <a href="mailto:?s=x">Email</a> '
        '<button>Save</button></div><div class="ad-slot"><span>Advertisement</span></div>'))


READER: dict[str, Change] = {n: f for n, f in globals().items() if n.startswith(("t_", "m_")) and callable(f)}


# ---- ways to hide ------------------------------------------------------------------------------

def _inline(css: str) -> Change:
    def change(soup, el, ctx):
        el["style"] = (str(el.get("style", "")) + ";" + css).lstrip(";")
    return change


def _rule(css: str, by_id: bool = False) -> Change:
    def change(soup, el, ctx):
        if by_id:
            el["id"] = "zq-id"
        else:
            _add_class(el, "zq-x")
        _style(soup, ("#zq-id" if by_id else ".zq-x") + "{" + css + "}")
    return change


def _attr(name: str, value: str = "") -> Change:
    def change(soup, el, ctx):
        el[name] = value
    return change


def _wrap(tag: str) -> Change:
    def change(soup, el, ctx):
        el.wrap(soup.new_tag(tag))
    return change


HIDE: dict[str, Change] = {
    "display-none-important": _inline("display: none !important"), "opacity-0": _inline("opacity:0"),
    "opacity-0.01": _inline("opacity: 0.01"), "font-size-0": _inline("font-size:0"), "font-size-1px": _inline("font-size:1px"),
    "offscreen-left": _inline("position:absolute;left:-9999px"), "offscreen-top": _inline("position:absolute;top:-10000px"),
    "text-indent": _inline("text-indent:-9999px;overflow:hidden;white-space:nowrap"),
    "zero-box": _inline("width:0;height:0;overflow:hidden"), "clip-path-inset": _inline("clip-path: inset(50%)"),
    "clip-path-circle": _inline("clip-path: circle(0)"), "translate": _inline("transform: translateX(-10000px)"),
    "visibility-collapse": _inline("visibility: collapse"), "hidden-attr": _attr("hidden"),
    "class-display-none": _rule("display:none"), "class-opacity-0": _rule("opacity:0"),
    "class-sr-only": _rule("position:absolute;left:-10000px;top:auto;width:1px;height:1px;overflow:hidden"),
    "id-display-none": _rule("display:none", by_id=True), "id-visibility-hidden": _rule("visibility:hidden", by_id=True),
    "template": _wrap("template"), "noscript": _wrap("noscript"),
    "sr-only-class": lambda soup, el, ctx: _add_class(el, "sr-only"),
    "color-transparent": _inline("color: transparent"), "color-rgba-0": _inline("color: rgba(0, 0, 0, 0)"),
    "text-fill-transparent": _inline("-webkit-text-fill-color: transparent"),
    "max-height-0": _inline("max-height:0;overflow:hidden"), "height-0": _inline("height:0;overflow:hidden"),
    "width-0": _inline("width:0;overflow:hidden;white-space:nowrap"),
    "scale-0": _inline("transform: scale(0)"),
    "filter-opacity-0": _inline("filter: opacity(0)"), "margin-offscreen": _inline("margin-left:-9999px"),
    "fixed-offscreen": _inline("position:fixed;top:-500px"), "clip-rect-0": _inline("position:absolute;clip:rect(0 0 0 0)"),
    "content-visibility": _inline("content-visibility: hidden"), "class-color-transparent": _rule("color:transparent"),
    "attr-selector": lambda soup, el, ctx: (el.__setitem__("data-zq", "1"), _style(soup, "[data-zq]{display:none}")),
    "parent-display-none": lambda soup, el, ctx: el.wrap(soup.new_tag("div", attrs={"style": "display:none"})),
    "font-size-0-important": _inline("font-size:0 !important"), "scale-speck": _inline("transform:scale(0.001)"),
    "class-collapsed": _rule("height:0;overflow:hidden"),
    "parent-class-collapsed": lambda soup, el, ctx: (el.wrap(soup.new_tag("div", attrs={"class": "zq-p"})),
                                                    _style(soup, ".zq-p{max-height:0;overflow:hidden}")),
    "is-selector": lambda soup, el, ctx: (_add_class(el, "zq-x"), _style(soup, ":is(.zq-x){display:none}")),
    "media-screen": lambda soup, el, ctx: (_add_class(el, "zq-x"), _style(soup, "@media screen{.zq-x{display:none}}")),
    "details-closed": lambda soup, el, ctx: (el.wrap(soup.new_tag("details")), el.parent.insert(0, soup.new_tag("summary"))),
    "dialog-closed": _wrap("dialog"), "noframes": _wrap("noframes"),
    "parent-visibility-hidden": lambda soup, el, ctx: el.wrap(soup.new_tag("div", attrs={"style": "visibility:hidden"})),
    # White on the page: the credit and every element in it (a link's own colour would show the name again).
    "white-text": lambda soup, el, ctx: [_inline("color:#fff")(soup, e, ctx) for e in [el, *el.find_all(True)]],
    "class-white-text": lambda soup, el, ctx: (_style(soup, ".zq-w, .zq-w *{color:#ffffff}"), _add_class(el, "zq-w")),
    "important-over-inline": lambda soup, el, ctx: (_inline("display:block")(soup, el, ctx),
                                                    _rule("display:none !important")(soup, el, ctx)),
    "clip-path-polygon-0": _inline("clip-path: polygon(0 0, 0 0, 0 0)"),
    "print-only-class": lambda soup, el, ctx: _add_class(el, "visible-print-block"),
    "aria-hidden (must pass)": _attr("aria-hidden", "true"),
    "d-none d-lg-block (must pass)": lambda soup, el, ctx: _add_class(el, "d-none", "d-lg-block"),
}


# ---- noise: what real pages carry around an article (the credit untouched; no verdict may change) ----

_TEASERS = [("Governor Signs Budget After Marathon Session", "Kyle Wood", "42 minutes ago"),
            ("School Board Delays Vote on New Boundaries", "Maria Lopez", "2 hours ago"),
            ("Storm Knocks Out Power to Thousands Overnight", "Dan Whitfield", "Dec. 2, 2026"),
            ("City Council Approves Downtown Parking Plan", "Priya Natarajan", "Dec. 1, 2026")]


def _teaser_list(heading: str, cls: str, tag: str = "aside", names: Optional[list[str]] = None) -> str:
    items = "".join(f'<li class="{cls}-item"><a href="/2026/12/0{i + 1}/story-{i}/">{t}</a> '
                    f'<span class="{cls}-by">By {(names or [n])[i % len(names or [n])]}</span> <time>{w}</time></li>'
                    for i, (t, n, w) in enumerate(_TEASERS))
    return f'<{tag} class="{cls}"><h3>{heading}</h3><ul>{items}</ul></{tag}>'


def _body_start(soup: BeautifulSoup, html: str) -> None:
    (soup.body or soup).insert(0, _frag(html))


def n_cookie_banner(soup, el, ctx):
    _body_start(soup, '<div class="consent" role="dialog"><p>We value your privacy. By clicking “Accept All '
                      'Cookies”, you agree to the storing of cookies on your device to enhance site navigation.</p>'
                      '<button>Accept All Cookies</button> <button>Settings</button></div>')


def n_rail_before(soup, el, ctx):
    _body_start(soup, _teaser_list("Most Read", "rail"))


def n_trending_above_headline(soup, el, ctx):
    _headline(soup, ctx).insert_before(_frag(_teaser_list("Trending", "trend", tag="div")))


def n_related_after_text(soup, el, ctx):
    _last_paragraph(soup, ctx).insert_after(_frag(
        '<section class="more"><h2>Related Stories</h2>' + "".join(
            f'<div class="item"><h3><a href="/2026/12/0{i + 1}/r{i}/">{t}</a></h3><p>By {n}</p></div>'
            for i, (t, n, w) in enumerate(_TEASERS[:3])) + "</section>"))


def n_newsletter_after_text(soup, el, ctx):
    _last_paragraph(soup, ctx).insert_after(_frag(
        '<div class="signup"><h4>Get the Morning Brief</h4><p>By signing up, you agree to our Terms of Use and '
        'Privacy Policy.</p><input type="email" placeholder="Email address"><button>Sign up</button></div>'))


def n_comments_after_text(soup, el, ctx):
    _last_paragraph(soup, ctx).insert_after(_frag(
        '<section id="comments"><h3>3 Comments</h3><div class="comment"><b>Robert Hale</b> says:<p>Great '
        'reporting, thank you.</p></div><div class="comment"><b>Linda Ortiz</b> says:<p>I disagree with the '
        'premise.</p></div><form><textarea></textarea><button>Post comment</button></form></section>'))


def n_tags_after_text(soup, el, ctx):
    _last_paragraph(soup, ctx).insert_after(_frag(
        '<div class="tags">Tags: <a href="/tag/congress/">Congress</a>, <a href="/tag/senate/">Senate</a>, '
        '<a href="/tag/policy/">Policy</a></div>'))


def n_photo_under_headline(soup, el, ctx):
    _headline(soup, ctx).insert_after(_frag(
        '<figure class="lead"><img src="/img/2026/12/capitol-lead.jpg" alt="The Capitol at dusk" width="1200" '
        'height="675"><figcaption>The Capitol at dusk on Dec. 2, 2026. (Photo by Anna Moneymaker/Getty Images)'
        '</figcaption></figure>'))


def n_dek_under_headline(soup, el, ctx):
    _headline(soup, ctx).insert_after(_frag(
        '<p class="dek">The measure now heads to the president’s desk after weeks of negotiation.</p>'))


def n_breadcrumb(soup, el, ctx):
    _headline(soup, ctx).insert_before(_frag(
        '<nav class="crumbs"><a href="/">Home</a> › <a href="/politics/">Politics</a> › '
        '<a href="/politics/congress/">Congress</a></nav>'))


def n_listen(soup, el, ctx):
    _headline(soup, ctx).insert_after(_frag(
        '<div class="audio"><button>Listen to this article</button> <span>4 min</span></div>'))


def n_ad_in_body(soup, el, ctx):
    _paragraph(soup, ctx, 1).insert_after(_frag(
        '<div class="ad-slot"><span>Advertisement</span><div id="div-gpt-ad-1" style="min-height:250px"></div>'
        '</div>'))


def n_inline_related_in_body(soup, el, ctx):
    _paragraph(soup, ctx, 2).insert_after(_frag(
        '<div class="inline-related"><strong>READ MORE:</strong> <a href="/2026/12/01/story-0/">'
        + _TEASERS[0][0] + "</a></div>"))


def n_greeting(soup, el, ctx):
    _body_start(soup, '<header class="site"><a href="/">Example Herald</a> <span class="user">Hi, Kevin Marsh</span> '
                      '<a href="/logout">Log out</a> <a href="/subscribe">Subscribe</a></header>')


def n_site_footer(soup, el, ctx):
    (soup.body or soup).append(_frag(
        '<footer class="site"><p>© 2026 Example Media LLC. All rights reserved.</p><p>Site by Pixelworks. '
        'Powered by WordPress.</p><p>Editor-in-chief: Helen Brandt</p></footer>'))


NOISE: dict[str, Change] = {n: f for n, f in globals().items() if n.startswith("n_") and callable(f)}


# ---- lures: the reporter named near an uncredited copy, but not as its credit (the byline must not pass) ----

def l_rail_teaser(soup, el, ctx):
    _body_start(soup, _teaser_list("Most Read", "rail", names=[ctx["name"], "Kyle Wood"]))


def l_related_after_text(soup, el, ctx):
    _last_paragraph(soup, ctx).insert_after(_frag(
        f'<section class="more"><h2>More Stories</h2><div class="item"><h3><a href="/2026/12/01/r0/">{_TEASERS[0][0]}'
        f'</a></h3><p>By {ctx["name"]}</p></div><div class="item"><h3><a href="/2026/12/02/r1/">{_TEASERS[1][0]}'
        f'</a></h3><p>By Maria Lopez</p></div></section>'))


def l_photo_credit(soup, el, ctx):
    _headline(soup, ctx).insert_after(_frag(
        f'<figure><img src="/img/lead.jpg" alt="Lead"><figcaption>The hearing on Tuesday. (Photo by {ctx["name"]})'
        '</figcaption></figure>'))


def l_meta_only(soup, el, ctx):
    head = soup.head or soup
    head.append(_frag(f'<meta name="author" content="{ctx["name"]}">'))
    head.append(_frag('<script type="application/ld+json">{"@type": "NewsArticle", "author": {"@type": "Person", '
                      f'"name": "{ctx["name"]}"}}}}</script>'))


def l_comment(soup, el, ctx):
    _last_paragraph(soup, ctx).insert_after(_frag(
        f'<section id="comments"><h3>1 Comment</h3><div class="comment"><b>{ctx["name"]}</b> says:<p>Thanks for '
        'reading, more soon.</p></div></section>'))


def l_more_from(soup, el, ctx):
    _last_paragraph(soup, ctx).insert_after(_frag(
        f'<aside class="mf"><h3>More from {ctx["name"]}</h3><ul><li><a href="/2026/11/30/a/">{_TEASERS[2][0]}</a></li>'
        f'<li><a href="/2026/11/29/b/">{_TEASERS[3][0]}</a></li></ul></aside>'))


def l_tweet_embed(soup, el, ctx):
    handle = re.sub(r"\W", "", ctx["name"].split()[-1]).lower()
    _paragraph(soup, ctx, 1).insert_after(_frag(
        '<blockquote class="twitter-tweet"><p lang="en" dir="ltr">Big vote today, more to come.</p>&mdash; '
        f'{ctx["name"]} (@{handle}) <a href="https://twitter.com/{handle}/status/1">December 3, 2026</a></blockquote>'))


def l_contributors_rail(soup, el, ctx):
    _body_start(soup, f'<aside class="people"><h3>Our Contributors</h3><ul><li><a href="/author/x/">{ctx["name"]}</a></li>'
                      '<li><a href="/author/kyle-wood/">Kyle Wood</a></li><li><a href="/author/maria-lopez/">Maria Lopez</a>'
                      '</li><li><a href="/author/dan-whitfield/">Dan Whitfield</a></li></ul></aside>')


def l_recommended_inline(soup, el, ctx):
    _paragraph(soup, ctx, 2).insert_after(_frag(
        f'<p class="rec"><strong>Recommended:</strong> <a href="/2026/11/28/c/">{_TEASERS[1][0]}</a> by {ctx["name"]}</p>'))


def l_newsletter_of(soup, el, ctx):
    _last_paragraph(soup, ctx).insert_after(_frag(
        f'<div class="nl"><p>Get {ctx["name"]}\'s weekly newsletter in your inbox.</p><form><input type="email">'
        '<button>Sign up</button></form></div>'))


def l_site_footer_staff(soup, el, ctx):
    (soup.body or soup).append(_frag(
        f'<footer class="site-footer"><p>Partner Gazette, 12 Main St. Editor: {ctx["name"]}. Publisher: Kyle Wood.</p>'
        '<p><a href="/privacy">Privacy</a> <a href="/terms">Terms</a></p></footer>'))


LURE: dict[str, Change] = {n: f for n, f in globals().items() if n.startswith("l_") and callable(f)}


# ---- the page around the credit changed in ways a reader does not notice (byline and affiliation keep their verdicts) ----

def p_headline_div(soup, el, ctx):
    h = _headline(soup, ctx)
    h.name = "div"
    h.attrs = {"class": ["article-title"], "role": "heading", "aria-level": "1"}


def p_headline_h2(soup, el, ctx):
    h = _headline(soup, ctx)
    if h.name != "h1":
        raise ValueError("the headline is no h1")
    h.name = "h2"


def p_site_h1(soup, el, ctx):
    body = soup.body
    if body is None:
        raise ValueError("no body")
    body.insert(0, _frag('<header class="masthead"><h1 class="site-title"><a href="/">Partner Gazette</a></h1>'
                         '<p class="tagline">News for the valley since 1887</p></header>'))


def p_headline_rewritten(soup, el, ctx):
    h = _headline(soup, ctx)
    h.clear()
    h.append("What the New Rule Means for Your Town, Explained")


def p_headline_suffixed(soup, el, ctx):
    h = _headline(soup, ctx)
    h.append(" | Partner Gazette")


PAGE: dict[str, Change] = {n: f for n, f in globals().items() if n.startswith("p_") and callable(f)}


# ---- the whole page's markup renamed, as a site built with CSS modules or a page builder serves it (no verdict may change) ----

_TOKEN = re.compile(r"(?<![\w-])([.#])(-?[_a-zA-Z][\w-]*)")


def _opaque(token: str) -> str:
    """An opaque name for a site's own class; a library's state and utility classes (lazy loaders, screen-reader
    text, framework `hidden`) keep theirs, because its scripts and style sheets need them by name."""
    import hashlib

    from checker.vocabulary import DEFAULT_VOCABULARY as V
    if token.lower() in V.lazy_classes or token.lower() in V.hiding_classes or token.lower() == "lazyloaded":
        return token
    return "x" + hashlib.sha1(token.encode()).hexdigest()[:7]


def a_hashed_names(soup, el, ctx):
    """Every class and id replaced by an opaque token, consistently in the page's style sheets (CSS modules)."""
    names: set[str] = set()
    for tag in soup.find_all(True):
        for attr in ("class", "id"):
            v = tag.get(attr)
            if not v:
                continue
            toks = v if isinstance(v, list) else [v]
            names.update(toks)
            new = [_opaque(t) for t in toks]
            tag[attr] = new if isinstance(v, list) else new[0]
        if tag.name == "label" and tag.get("for"):
            tag["for"] = _opaque(tag["for"])
    for st in soup.find_all("style"):
        css = st.string or ""
        st.string = _TOKEN.sub(lambda m: m.group(1) + _opaque(m.group(2)) if m.group(2) in names else m.group(0), css)


def a_no_hints(soup, el, ctx):
    """Class names opaque, and no other hint either: microdata, `rel` and `data-*` gone (a page whose markup says
    nothing of what its boxes hold; only what they show, their accessible names, and where they stand)."""
    a_hashed_names(soup, el, ctx)
    for tag in soup.find_all(True):
        for attr in [a for a in tag.attrs if a in ("itemprop", "itemscope", "itemtype", "rel")
                     or a.startswith("data-") and tag.name not in ("img", "source", "picture")]:
            del tag[attr]


def a_semantic_divs(soup, el, ctx):
    """Sectioning tags written as plain `<div>`s (a page builder's div soup), their roles kept out too."""
    for tag in soup.find_all(["article", "header", "main", "aside", "nav", "footer", "section"]):
        tag.name = "div"


def a_deeper(soup, el, ctx):
    """Every block of the body's top level wrapped three levels deeper (a layout grid's rows and columns)."""
    body = soup.body
    if body is None:
        raise ValueError("no body")
    for child in [c for c in body.children if isinstance(c, Tag) and c.name not in ("script", "style")]:
        for cls in ("row", "col", "inner"):
            w = soup.new_tag("div", attrs={"class": f"grid-{cls}"})
            child.wrap(w)
            child = w


ANON: dict[str, Change] = {n: f for n, f in globals().items() if n.startswith("a_") and callable(f)}


# ---- script-filled slots: the credit's author-marked element left empty (byline and affiliation: review) ----

_SLOT_MARK = re.compile(r"author|byline|by-line|writer|contributor|autor|auteur|verfasser", re.I)


def _marked(el: Tag) -> bool:
    return any(_SLOT_MARK.search(" ".join(el.get(a)) if isinstance(el.get(a), list) else (el.get(a) or ""))
               for a in ("class", "id", "itemprop", "rel"))


def _slot_of(el: Tag, name: str) -> Tag:
    """The author-marked element that holds the credit: the credit itself, an ancestor within three
    levels, or the smallest marked descendant holding the name."""
    for node in [el, *list(el.parents)[:3]]:
        if node.name not in ("body", "html", "article", "main") and _marked(node):
            return node
    last = anyascii(name).split()[-1].lower()
    inner = [d for d in el.find_all(True) if _marked(d) and last in anyascii(d.get_text()).lower()]
    if inner:
        return inner[0]
    raise ValueError("the credit has no author-marked element")


def s_emptied(soup, el, ctx):
    _slot_of(el, ctx["name"]).clear()


def s_name_emptied(soup, el, ctx):
    last = anyascii(ctx["name"]).split()[-1].lower()
    holders = [d for d in el.find_all(True) if _marked(d) and last in anyascii(d.get_text()).lower()
               and len(d.get_text().split()) <= 4]
    if not holders:
        raise ValueError("no marked element holds the name alone")
    holders[-1].clear()


def _replace_with_slot(soup, el, ctx, html: str) -> None:
    _slot_of(el, ctx["name"])  # only where the page marks its credit: the slot replaces a marked credit
    el.replace_with(_frag(html))


def s_itemprop(soup, el, ctx):
    _replace_with_slot(soup, el, ctx, '<div class="meta"><span itemprop="author" itemscope itemtype="https://schema.org/'
                       'Person"><span itemprop="name"></span></span> <time>Dec. 3, 2026</time></div>')


def s_author_link(soup, el, ctx):
    _replace_with_slot(soup, el, ctx, '<div class="post-author-box"><img src="/img/avatar-placeholder.png" alt="" '
                       'width="40" height="40"><a class="post-author-link" href="#"></a></div>')


def s_auteur(soup, el, ctx):
    _replace_with_slot(soup, el, ctx, '<p class="auteur" data-auteur-id="5521"></p><p class="date">3 décembre 2026</p>')


SLOT: dict[str, Change] = {n: f for n, f in globals().items() if n.startswith("s_") and callable(f)}


def u_as_served(soup, el, ctx):
    """The copy unchanged; its original's authors are not known (the task says so)."""


UNKNOWN: dict[str, Change] = {"u_as_served": u_as_served}


def _context(case: dict[str, Any]) -> dict[str, Any]:
    orig = next(o for o in case["originals"] if o["id"] == case["original_id"])
    return {"name": orig["authors"][0], "title": orig["title"], "text": orig["text"]}


def _credits(soup: BeautifulSoup, el: Tag, name: str) -> list[Tag]:
    """The credit element and every other short element naming the reporter (a head byline and a foot box)."""
    last = name.split()[-1].lower()
    out = [el]
    for s in soup.find_all(string=lambda t: last in anyascii(str(t)).lower()):
        p = s.parent
        if (p is not None and p.name not in ("script", "style", "title") and len(p.get_text()) < 200
                and not any(p is e or e in p.parents or p in e.parents for e in out)):
            out.append(p)
    return out


AFTER_ANON = {"lure-anon": "lure", "hide-anon": "hide", "noise-anon": "noise"}  # the change, then `a_no_hints`


def probe(job: tuple[dict[str, Any], str, Optional[frozenset]]) -> tuple[str, bool, list[tuple[str, str, str]]]:
    """(case, whether its byline passed unchanged, [(change, outcome, message)] for each flipped verdict)."""
    case, kind, only = job
    anon_after = kind in AFTER_ANON
    kind = AFTER_ANON.get(kind, kind)
    ctx = _context(case)
    base = E.check_task(E.case_task(case))[1]
    if kind != "anon" and (base.rules.get("byline") == "pass") == (kind == "lure"):
        return case["name"], False, []
    changes = {"reader": READER, "hide": HIDE, "noise": NOISE, "lure": LURE, "slot": SLOT, "unknown": UNKNOWN, "page": PAGE, "anon": ANON,
               "reader-anon": READER}[kind]
    flips = []
    for name, change in changes.items():
        if only and name not in only:
            continue
        soup = BeautifulSoup(case["html"], "lxml")
        if kind == "reader-anon":
            a_no_hints(soup, soup.body, ctx)  # the reader's change made on a page whose markup says nothing
        el = soup.body if kind in ("lure", "anon") else find_credit(soup, ctx["name"])
        if el is None:
            return case["name"], True, [("-", "no credit element found", "")]
        if kind == "slot" and len(_credits(soup, el, ctx["name"])) > 1:
            return case["name"], False, []  # the reporter is credited again elsewhere: an empty slot decides nothing
        try:
            for target in (_credits(soup, el, ctx["name"]) if kind == "hide" else [el]):
                change(soup, target, ctx)
        except ValueError as e:
            flips.append((name, "not applicable", str(e)))
            continue
        if anon_after:
            a_no_hints(soup, soup.body, ctx)  # the change's own markup renamed too: only what it shows and where
        got = E.check_task(E.Task(name=case["name"] + "-" + name, html=str(soup),
                                  unknown_authors=case["original_id"] if kind == "unknown" else case.get("unknown_authors")))[1]
        byline, aff = got.rules.get("byline"), got.rules.get("affiliation")
        if kind == "lure":
            bad = byline == "pass"
        elif kind == "anon":
            bad = any(got.rules.get(r) != base.rules.get(r) for r in ("logo", "byline", "affiliation"))
        elif kind in ("noise", "page"):
            bad = byline != "pass" or aff != base.rules.get("affiliation")
        elif kind in ("slot", "unknown"):
            bad = byline != "review" or aff == "fail"
        elif kind in ("reader", "reader-anon"):
            bad = byline != "pass" or (name.startswith("t_") and aff != base.rules.get("affiliation"))
        else:
            bad = (byline == "pass") != name.endswith("(must pass)")
        if bad:
            was = "" if kind != "anon" else " (was " + "/".join(str(base.rules.get(r)) for r in ("logo", "byline", "affiliation")) + f"; logo {got.rules.get('logo')})"
            flips.append((name, f"byline {byline}, affiliation {aff}{was}", got.messages.get("byline", "")[:160]))
    return case["name"], True, flips


def probe_real(job: tuple[Any, Any, Optional[frozenset]]) -> tuple[str, bool, list[tuple[str, str, str]]]:
    """A real page checked as a copy of its own original (or credited to someone else), its markup renamed:
    the byline keeps its verdict."""
    bc, task, only = job
    base = E.check_task(task)[1].rules.get("byline")
    flips = []
    for name, change in ANON.items():
        if only and name not in only:
            continue
        soup = BeautifulSoup(task.html, "lxml")
        try:
            change(soup, soup.body, {})
        except ValueError as e:
            flips.append((name, "not applicable", str(e)))
            continue
        got = E.check_task(E.Task(name=task.name + "-" + name, html=str(soup), originals=task.originals, force=True))[1]
        if got.rules.get("byline") != base:
            flips.append((name, f"byline {got.rules.get('byline')} (was {base})", got.messages.get("byline", "")[:160]))
    return bc.name, True, flips


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kind", choices=("reader", "hide", "noise", "lure", "slot", "unknown", "page", "anon", "anon-real", "reader-anon",
                                       "lure-anon", "hide-anon", "noise-anon"),
                    default="reader")
    ap.add_argument("--seed", type=int, default=None, help="generator seed (default: the gate's first)")
    ap.add_argument("--limit", type=int, default=0, help="probe at most this many copies (0: all)")
    ap.add_argument("--only", default="", help="comma-separated change names")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--layouts", type=Path, default=None,
                    help="a file of layout (page) names, one a line: probe only copies made on those layouts")
    args = ap.parse_args(argv)
    layouts = frozenset(args.layouts.read_text(encoding="utf-8").split()) if args.layouts else None
    b = E.load_build()
    corpus = b.corpus_dir()
    only = frozenset(x for x in args.only.split(",") if x) or None
    if args.kind == "anon-real" and corpus is not None:
        bcs, tasks, _ = E.byline_cases(corpus)
        jobs = [(c, t, only) for c, t in zip(bcs, tasks) if c.split == "tune" and c.expect != "none"
                and (layouts is None or c.page in layouts)]
        jobs = jobs[: args.limit] if args.limit else jobs
        counts = Counter()
        with Pool(max(1, args.jobs)) as pool:
            for name, _ok, flips in pool.imap_unordered(probe_real, jobs, chunksize=2):
                for change, what, msg in flips:
                    counts[change] += 1
                    print(f"{name}  {change}: {what}  {msg}")
        print(f"{len(jobs)} real-byline cases; flips per change: {dict(counts) or 'none'}")
        return 0
    if corpus is None:
        print("the corpus was not found (set SYNDICHECK_CORPUS)", file=sys.stderr)
        return 2
    built = b.build(corpus, seed=args.seed if args.seed is not None else E.seeds(1)[0])
    want = "fail" if args.kind in ("lure", "lure-anon") else "pass"
    cases = [c for c in built.cases if c.get("split") == "tune" and c.get("category") == "copy"
             and ((c.get("expect") or {}).get("byline") == want or args.kind == "anon")
             and (layouts is None or c.get("layout") in layouts)]
    cases = cases[: args.limit] if args.limit else cases
    only = frozenset(x for x in args.only.split(",") if x) or None
    counts: Counter = Counter()
    probed = 0
    with Pool(max(1, args.jobs)) as pool:
        for name, ok, flips in pool.imap_unordered(probe, [(c, args.kind, only) for c in cases], chunksize=2):
            probed += ok
            for change, what, msg in flips:
                counts[change if what != "not applicable" else change + " (not applicable)"] += 1
                print(f"{name}  {change}: {what}  {msg}")
    print(f"{probed} copies whose byline {'failed' if want == 'fail' else 'passed'}; flips per change: {dict(counts) or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
