"""The checks a Creative Commons-style pack composes: link to the original, credit line, tracking pixel, text unedited."""
from __future__ import annotations

import dataclasses

import pytest

from checker.api import check_html
from checker.edits import Unit, allowed_edit, compare, original_units, sentences
from checker.models import Outcome, Severity
from checker.ruleset import CheckCall, Rule, load_pack

from conftest import article_html

CC = load_pack("cc-by-nd-newsroom")
ORIGINAL = CC.example_original
URL = ORIGINAL.url  # https://harborledger.example/2026/04/14/port-dredging-delay/
BYLINE = "<p class='byline'>By Ada Lin, Harbor Ledger</p>"


def run(check_id: str, html: str, pack=CC, original=ORIGINAL, **params):
    """The finding of a one-rule pack made of `check_id` with `params`, on a page the test wrote."""
    rule = Rule("r", "rule under test", Severity.ERROR, "", "", (CheckCall(check_id, tuple(sorted(params.items()))),),
                (), "test")
    finding = next(f for f in check_html(html, [original], pack=dataclasses.replace(pack, rules=(rule,))).findings)
    return finding


def page(head: str = "", foot: str = "", body: str | None = None, outside: str = "", head_tags: str = "") -> str:
    text = article_html(ORIGINAL) if body is None else body
    return (f"<!doctype html><html><head><title>t</title>{head_tags}</head><body><header><nav><a href='/'>Home</a>"
            f"</nav></header><main><article><h1>{ORIGINAL.title}</h1>{head}{text}{foot}</article></main>"
            f"{outside}</body></html>")


# ---- link.to_original --------------------------------------------------------------------------


@pytest.mark.parametrize("href", [
    URL,
    URL.replace("https://", "http://"),
    URL.replace("https://", "https://www."),
    URL.rstrip("/"),
    URL + "?utm_source=partner&utm_medium=republish",
    URL + "?fbclid=abc#comments",
    "//harborledger.example/2026/04/14/port-dredging-delay/",
])
def test_link_to_original_tolerates_scheme_www_slash_and_tracking(href):
    f = run("link.to_original", page(foot=f"<p>Read the original at <a href='{href}'>Harbor Ledger</a></p>"))
    assert f.outcome is Outcome.PASS, f.message


@pytest.mark.parametrize("href", [
    "https://harborledger.example/2026/04/14/port-dredging-delay-2/",
    "https://harborledger.example/",
    "https://other.example/2026/04/14/port-dredging-delay/",
    URL + "?page=2",
])
def test_link_to_another_address_fails(href):
    f = run("link.to_original", page(foot=f"<p><a href='{href}'>Harbor Ledger</a></p>"))
    assert f.outcome is Outcome.FAIL
    assert f.message == "no link points to the original article" and URL in f.fix


def test_hidden_link_does_not_count():
    f = run("link.to_original", page(foot=f"<p style='display:none'><a href='{URL}'>original</a></p>"))
    assert f.outcome is Outcome.FAIL and "hidden" in f.message


def test_canonical_counts_only_when_allowed():
    html = page(head_tags=f"<link rel='canonical' href='{URL}'>")
    assert run("link.to_original", html).outcome is Outcome.PASS
    assert run("link.to_original", html, canonical=False).outcome is Outcome.FAIL
    # another rel is not a canonical
    assert run("link.to_original", page(head_tags=f"<link rel='alternate' href='{URL}'>")).outcome is Outcome.FAIL


# ---- credit.line_present -----------------------------------------------------------------------


CREDIT = "<p><em>This article was originally published by <a href='{u}'>The Harbor Ledger</a>.</em></p>".format(u=URL)


@pytest.mark.parametrize("where,head,foot,outcome", [
    ("head-or-foot", "", CREDIT, Outcome.PASS),
    ("head-or-foot", CREDIT, "", Outcome.PASS),
    ("foot", "", CREDIT, Outcome.PASS),
    ("foot", CREDIT, "", Outcome.FAIL),
    ("head", "", CREDIT, Outcome.FAIL),
    ("anywhere", CREDIT, "", Outcome.PASS),
])
def test_credit_line_where(where, head, foot, outcome):
    f = run("credit.line_present", page(head=BYLINE + head, foot=foot), where=where)
    assert f.outcome is outcome, f.message
    if outcome is Outcome.FAIL:
        other = "head" if where == "foot" else "foot"
        assert f.message == f"the credit line is at the article's {other}, not at its {where}"


def test_credit_line_wording_is_case_and_punctuation_blind():
    f = run("credit.line_present", page(foot="<p>ORIGINALLY PUBLISHED BY: HARBOR LEDGER</p>"))
    assert f.outcome is Outcome.PASS


def test_credit_line_in_the_middle_of_the_text_fails_and_says_so():
    extra = ["Paragraph number %d of a longer story says something about the harbor and its many ships." % i
             for i in range(5, 11)]
    longer = dataclasses.replace(ORIGINAL, text=ORIGINAL.text + "\n\n" + "\n\n".join(extra))
    paras = article_html(longer).split("\n")
    body = "\n".join(paras[:5] + ["<p>This story was originally published by Harbor Ledger.</p>"] + paras[5:])
    f = run("credit.line_present", page(head=BYLINE, body=body), original=longer)
    assert f.outcome is Outcome.FAIL
    assert f.message == "the credit line is in the middle of the article's text, not at its head or foot"
    assert f.evidence[0].snippet.startswith("This story was originally published")


def test_credit_line_in_a_teaser_for_another_story_fails():
    aside = ("<aside class='related'><h3><a href='/ferry/'>Ferry fares rise again this spring</a></h3>"
             "<p>Originally published by Harbor Ledger</p></aside>")
    f = run("credit.line_present", page(head=BYLINE, outside=aside))
    assert f.outcome is Outcome.FAIL and "another story" in f.message


def test_missing_credit_line_names_the_wording_and_where_it_looked():
    f = run("credit.line_present", page(head=BYLINE, foot="<p>Harbor Ledger is a nonprofit newsroom.</p>"))
    assert f.outcome is Outcome.FAIL
    assert "This article was originally published by Harbor Ledger" in f.message
    assert f.evidence and "looked for a credit line" in f.evidence[0].snippet


def test_credit_line_without_pack_wording_is_review():
    dcnf = load_pack("dcnf")
    f = run("credit.line_present", page(foot=CREDIT), pack=dcnf, original=ORIGINAL)
    assert f.outcome is Outcome.REVIEW and "credit_lines" in f.message


# ---- pixel.present -----------------------------------------------------------------------------

PIX = "https://pixel.harborledger.example/p.gif?post=4412"


@pytest.mark.parametrize("markup", [
    f"<img src='{PIX}' width='1' height='1' alt=''>",
    f"<img src='{PIX}' style='display:none' alt=''>",
    f"<div hidden><img src='{PIX}' alt=''></div>",
    "<img src='https://cdn.pixel.harborledger.example/p.gif' width='1' height='1'>",
    f"<script src='{PIX.replace('p.gif', 'tracker.js')}' async></script>",
])
def test_pixel_present_whatever_its_visibility(markup):
    f = run("pixel.present", page(head=BYLINE, foot=markup))
    assert f.outcome is Outcome.PASS, f.message
    assert f.evidence[0].selector


@pytest.mark.parametrize("markup,why", [
    (f"<template><img src='{PIX}'></template>", "template"),
    (f"<noscript><img src='{PIX}'></noscript>", "noscript"),
    (f"<img data-src='{PIX}' class='lazyload' width='1' height='1'>", "lazy-loading"),
    (f"<script type='text/plain' src='{PIX.replace('p.gif', 't.js')}'></script>", "type"),
])
def test_pixel_that_will_not_load_fails_with_the_reason(markup, why):
    f = run("pixel.present", page(head=BYLINE, foot=markup))
    assert f.outcome is Outcome.FAIL and "will not load" in f.message and why in f.message


@pytest.mark.parametrize("markup", [
    "",
    "<img src='https://pixel.harborledger.example.evil.test/p.gif' width='1' height='1'>",
    "<img src='https://notpixel.harborledger.example.com/p.gif'>",
    "<a href='https://pixel.harborledger.example/p.gif'>pixel</a>",
])
def test_no_pixel_of_the_licensor_fails(markup):
    f = run("pixel.present", page(head=BYLINE, foot=markup))
    assert f.outcome is Outcome.FAIL and "no tracking pixel from pixel.harborledger.example" in f.message


def test_script_pixel_counts_only_with_scripts():
    html = page(head=BYLINE, foot=f"<script src='{PIX.replace('p.gif', 't.js')}'></script>")
    assert run("pixel.present", html, scripts=False).outcome is Outcome.FAIL


def test_pixel_without_pack_hosts_is_review():
    f = run("pixel.present", page(foot=f"<img src='{PIX}'>"), pack=load_pack("dcnf"))
    assert f.outcome is Outcome.REVIEW and "pixel_hosts" in f.message


# ---- text.unedited -----------------------------------------------------------------------------

PARAS = [p for p in ORIGINAL.text.split("\n\n") if p.strip()]


def body(paras) -> str:
    return "".join(f"<p>{p.strip()}</p>" for p in paras)


def test_unchanged_text_passes_with_typography_and_chrome_between_paragraphs():
    ps = [p.replace("'", "\u2019") for p in PARAS]
    ps[1] = ps[1].replace(" ", "\u00a0", 2)
    html = body(ps[:2]) + "<div class='ad'><p>Advertisement: Subscribe to our newsletter today.</p></div>" + body(ps[2:])
    f = run("text.unedited", page(head=BYLINE, body=html))
    assert f.outcome is Outcome.PASS and "all 4 paragraphs" in f.message


def test_changed_sentence_is_quoted_beside_the_original():
    ps = list(PARAS)
    ps[1] = ps[1].replace("voted 5 to 2", "voted narrowly")
    f = run("text.unedited", page(head=BYLINE, body=body(ps)))
    assert f.outcome is Outcome.FAIL
    assert f.message.startswith("paragraph 2 was edited: the copy reads \u201cBoard members voted narrowly")
    assert "where the original reads \u201cBoard members voted 5 to 2" in f.message
    ev = f.evidence[0]
    assert ev.actual.startswith("Board members voted narrowly") and ev.expected.startswith("Board members voted 5 to 2")
    assert ev.selector.endswith("p:nth-of-type(3)")  # the byline is the first <p>, the headline an <h1>


@pytest.mark.parametrize("allowed,outcome", [([], Outcome.FAIL), (["relative-dates"], Outcome.PASS)])
def test_relative_dates_are_allowed_only_when_the_pack_lists_them(allowed, outcome):
    ps = list(PARAS)
    ps[0] = ps[0].replace("on Tuesday", "on April 14")
    f = run("text.unedited", page(head=BYLINE, body=body(ps)), allowed_edits=allowed)
    assert f.outcome is outcome, f.message


def test_a_dateline_is_allowed_only_before_the_first_paragraph():
    ps = list(PARAS)
    ps[0] = "PORTSMOUTH, N.H. \u2014 " + ps[0]
    assert run("text.unedited", page(body=body(ps)), allowed_edits=["dateline"]).outcome is Outcome.PASS
    ps = list(PARAS)
    ps[2] = "PORTSMOUTH \u2014 " + ps[2]
    assert run("text.unedited", page(body=body(ps)), allowed_edits=["dateline"]).outcome is Outcome.FAIL


def test_a_missing_paragraph_a_moved_one_and_an_added_sentence():
    f = run("text.unedited", page(body=body(PARAS[:1] + PARAS[2:])))
    assert f.outcome is Outcome.FAIL and f.message.startswith("paragraph 2 of the original is missing")
    f = run("text.unedited", page(body=body([PARAS[0], PARAS[2], PARAS[1], PARAS[3]])))
    assert f.outcome is Outcome.FAIL and "out of order" in f.message
    ps = list(PARAS)
    ps[3] = ps[3] + " Officials did not say why."
    f = run("text.unedited", page(body=body(ps)))
    assert f.outcome is Outcome.FAIL and f.message == "a sentence was added to paragraph 4: \u201cOfficials did not say why.\u201d"


def test_hidden_paragraph_counts_as_missing():
    html = body(PARAS[:3]) + f"<p style='display:none'>{PARAS[3]}</p>"
    f = run("text.unedited", page(body=html))
    assert f.outcome is Outcome.FAIL and "paragraph 4" in f.message


def test_without_the_original_text_the_check_says_review():
    from checker.checks.context import CheckContext
    from checker.checks.unedited import text_unedited
    from checker.parse import parse_page

    parsed = parse_page(page(body=body(PARAS)), "https://partner.example/x")
    verdict = text_unedited(CheckContext(parsed, dataclasses.replace(ORIGINAL, text=""), None, CC))
    assert verdict.outcome is Outcome.REVIEW and "text is unknown" in verdict.message
    verdict = text_unedited(CheckContext(parsed, None, None, CC))
    assert verdict.outcome is Outcome.REVIEW


def test_allowed_edit_kinds():
    assert allowed_edit("It happened on Tuesday.", "It happened on April 14.", ["relative-dates"]) == "relative-dates"
    assert allowed_edit("It happened last week.", "It happened on March 3.", ["relative-dates"]) == "relative-dates"
    assert allowed_edit("It happened on Tuesday.", "It happened on April 14.", ["dateline"]) is None
    assert allowed_edit("Bids rose 40 percent.", "Bids rose 45 percent.", ["relative-dates"]) is None  # a number, not a date
    assert allowed_edit("It closed on Tuesday.", "It closed on Friday.", ["relative-dates"]) == "relative-dates"
    assert allowed_edit("It closed on Tuesday.", "It closed on Tuesday night.", ["relative-dates"]) == "relative-dates"
    assert allowed_edit("It closed on Tuesday.", "It reopened on Tuesday.", ["relative-dates"]) is None
    assert allowed_edit("The board met.", "WASHINGTON (AP) \u2014 The board met.", ["dateline"], first=True) == "dateline"
    assert allowed_edit("The board met.", "Critics say the board met.", ["dateline"], first=True) is None


def test_compare_reports_in_the_original_order():
    orig = original_units("One two three four. Five six seven.\n\nEight nine ten eleven.")
    copy = [Unit(s, 1) for s in sentences("One two three four.")] + [Unit("Eight nine ten twelve.", 2)]
    result = compare(orig, copy)
    assert [d.kind for d in result.differences] == ["missing-sentence", "changed"]
    assert [d.paragraph for d in result.differences] == [1, 2]


def test_an_edit_is_paired_across_a_long_page_header():
    """Dozens of header lines before the body fall in the same stretch as a changed first sentence."""
    chrome = "".join(f"<p>Section {i} News. Weather and sport for the region.</p>" for i in range(80))
    ps = list(PARAS)
    ps[0] = "PORTSMOUTH \u2014 " + ps[0]
    html = (f"<html><body><div class='top'>{chrome}</div><article><h1>{ORIGINAL.title}</h1>{BYLINE}{body(ps)}"
            "</article></body></html>")
    assert run("text.unedited", html, allowed_edits=["dateline"]).outcome is Outcome.PASS
    ps[0] = ps[0].replace("postponed", "cancelled")
    html = html.replace("postponed", "cancelled")
    f = run("text.unedited", html, allowed_edits=["dateline"])
    assert f.outcome is Outcome.FAIL and f.message.startswith("paragraph 1 was edited"), f.message
