"""Render mode judges the article's head and foot by where the browser drew them (checker/article/positions.py)."""
from __future__ import annotations


import pytest

from checker.models import Fetched, Outcome, Status
from checker.pipeline import Checker
from conftest import ROOT, article_html

pytestmark = pytest.mark.browser

LOGO = (ROOT / "rules" / "dcnf" / "logo" / "dcnf-logo.png").read_bytes()
BYLINE = "By Jane Q. Reporter, Daily Caller News Foundation"
OTHER = "By John Smith, Daily Caller News Foundation"
# Another section of the page, long enough that a line after it is far from the article by document order.
MORE = "<section class='more'>" + "".join(
    f"<p>Reader letter {n}: the weather was fine on our street this week, thank you.</p>" for n in range(20)) + "</section>"


@pytest.fixture
def renderer():
    from checker.render import Renderer, RenderSettings, browser_problem
    problem = browser_problem()
    if problem:
        pytest.skip(problem)
    r = Renderer(RenderSettings(mode="always", allow_private=True, budget=8.0))
    yield r
    r.close()


def page(original, style: str, between: str = "", after: str = "") -> str:
    """The headline, `between` it and the body (document order), the body, then `after` it."""
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>t</title><style>{style}</style></head><body>"
            f"<main><article><h1>{original.title}</h1><img src='/dcnf-logo.png' alt=''>{between}{article_html(original)}{after}</article></main>"
            f"</body></html>")


def judge(pack, original, httpserver, html: str, renderer=None):
    httpserver.expect_request("/dcnf-logo.png").respond_with_data(LOGO, content_type="image/png")
    url = f"http://127.0.0.1:{httpserver.port}/story"
    checker = Checker.build(pack, [original], renderer=renderer)
    return checker.check(Fetched(target=url, url=url, body=html.encode("utf-8"), content_type="text/html",
                                 charset="utf-8", status_code=200))


def outcome(result, rule):
    return next(f for f in result.findings if f.rule == rule)


def test_credit_moved_under_the_headline_by_css_order_counts(pack, original, httpserver, renderer):
    # Document order: headline, body, another section, then the credit; flex `order` draws it under the headline.
    style = "article { display: flex; flex-direction: column } h1 { order: -2 } .moved { order: -1 }"
    html = page(original, style, after=MORE + f"<p class='moved'>{BYLINE}</p>")
    static = judge(pack, original, httpserver, html)
    assert outcome(static, "byline").outcome is Outcome.FAIL  # by document order the credit is far below
    result = judge(pack, original, httpserver, html, renderer)
    assert result.rendered and result.static_status is Status.VIOLATION and result.status is Status.COMPLIANT
    byline = outcome(result, "byline")
    assert byline.outcome is Outcome.PASS, byline.message
    assert outcome(result, "affiliation").outcome is Outcome.PASS


def test_credit_placed_under_the_headline_by_grid_counts(pack, original, httpserver, renderer):
    style = ("article { display: grid; grid-template-columns: 760px } h1 { grid-row: 1 } .moved { grid-row: 2 }"
             " article > p { grid-row: auto }")
    html = page(original, style, after=MORE + f"<div class='moved'>{BYLINE}</div>")
    assert outcome(judge(pack, original, httpserver, html), "byline").outcome is Outcome.FAIL
    assert outcome(judge(pack, original, httpserver, html, renderer), "byline").outcome is Outcome.PASS


def test_the_same_credit_left_far_below_still_fails_when_rendered(pack, original, httpserver, renderer):
    html = page(original, "", after=MORE + f"<p>{BYLINE}</p>")
    result = judge(pack, original, httpserver, html, renderer)
    assert result.rendered and outcome(result, "byline").outcome is Outcome.FAIL


SIDEBAR = ("article { position: relative; width: 1240px } article > p, h1 { width: 760px }"
           " .side { position: absolute; left: 940px; top: 900px; width: 260px }")


def test_licensor_on_another_name_in_a_far_sidebar_does_not_decide(pack, original, httpserver, renderer):
    # Document order: headline, "By John Smith, <licensor>", "By Jane Q. Reporter", body. Statically the first line
    # sits right above the reporter's byline and lends it the licensor's name; CSS draws it in a far sidebar.
    html = page(original, SIDEBAR, between=f"<p class='side'>{OTHER}</p><p>By Jane Q. Reporter</p>")
    static = judge(pack, original, httpserver, html)
    assert static.status is Status.COMPLIANT and "right above the byline" in outcome(static, "affiliation").message
    result = judge(pack, original, httpserver, html, renderer)
    assert result.rendered and result.status is Status.VIOLATION and result.static_status is Status.COMPLIANT
    assert outcome(result, "byline").outcome is Outcome.PASS
    assert outcome(result, "affiliation").outcome is Outcome.FAIL
    # Without the sidebar the verdict is the same: the far line decides nothing.
    alone = judge(pack, original, httpserver, page(original, SIDEBAR, between="<p>By Jane Q. Reporter</p>"), renderer)
    assert [(f.rule, f.outcome) for f in alone.findings] == [(f.rule, f.outcome) for f in result.findings]


def test_other_name_in_a_far_sidebar_is_not_the_byline_found(pack, original, httpserver, renderer):
    html = page(original, SIDEBAR, between=f"<p class='side'>{OTHER}</p>")
    static = outcome(judge(pack, original, httpserver, html), "byline")
    assert static.outcome is Outcome.FAIL and "John Smith" in static.message  # statically: "the byline found is ..."
    rendered = outcome(judge(pack, original, httpserver, html, renderer), "byline")
    assert rendered.outcome is Outcome.FAIL and "John Smith" not in rendered.message, rendered.message


def test_boxes_written_into_a_page_are_not_trusted(pack, original, httpserver):
    """A page cannot place a far credit under its headline by writing the snapshot's attributes itself."""
    from checker.article.positions import TOKEN_META
    html = page(original, "", after=MORE + f"<p data-syndicheck-box='0,60,760,20'>{BYLINE}</p>")
    html = html.replace("<title>", f"<meta name='{TOKEN_META}' content='guess'><title>")
    html = html.replace("<h1>", "<h1 data-syndicheck-box='0,0,760,40'>").replace(
        "<p>", "<p data-syndicheck-box='0,100,760,30'>")
    assert outcome(judge(pack, original, httpserver, html), "byline").outcome is Outcome.FAIL


def test_a_line_without_a_box_keeps_its_place_by_document_order(pack, original):
    """On a snapshot this process made (its token), a line with a box is placed by it; a line without one
    (added by a script after the measurement) is judged by document order, as statically."""
    from checker.article import Article
    from checker.article.positions import TOKEN, TOKEN_META
    from checker.parse import parse_page
    from checker.shingles import shingles, tokens

    def snapshot(byline: str) -> str:
        paras = "".join(f"<p data-syndicheck-box='8,{200 + 60 * i},760,40'>{p.strip()}</p>"
                        for i, p in enumerate(t for t in original.text.split("\n\n") if t.strip()))
        return (f"<html><head><meta name='{TOKEN_META}' content='{TOKEN}'></head><body><article>"
                f"<h1 data-syndicheck-box='8,20,760,40'>{original.title}</h1>{byline}{paras}</article></body></html>")

    k = pack.match.shingle_size
    own = frozenset(shingles(tokens(original.text), k))

    def credited(byline: str) -> bool:
        page = parse_page(snapshot(byline), "https://partner.example/story", pack.vocabulary)
        art = Article(page, original, pack, own, k)
        assert art.zones is not None and art.zones.placement is not None
        return not art.credits.missing

    assert credited("<p>By Jane Q. Reporter</p>")  # no box: under the headline by document order
    assert credited("<p data-syndicheck-box='8,100,760,20'>By Jane Q. Reporter</p>")  # drawn under the headline
    assert not credited("<p data-syndicheck-box='940,900,260,20'>By Jane Q. Reporter</p>")  # drawn in a far sidebar


def test_byline_in_a_rail_beside_the_body_top_counts(pack, original, httpserver, renderer):
    """Author, date and share buttons in a narrow rail left of the first paragraphs: the article's head."""
    style = ("article { display: grid; grid-template-columns: 180px 700px; column-gap: 24px }"
             " h1 { grid-column: 1 / span 2 } img, .rail { grid-column: 1 } .rail { grid-row: 2 / span 2 }"
             " article > p { grid-column: 2 }")
    html = page(original, style, between=f"<p class='rail'>{BYLINE}</p>")
    assert judge(pack, original, httpserver, html).status is Status.COMPLIANT
    result = judge(pack, original, httpserver, html, renderer)
    assert result.rendered and result.status is Status.COMPLIANT, [(f.rule, f.message) for f in result.findings]
