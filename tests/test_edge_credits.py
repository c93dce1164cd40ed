"""Credits at the edges of the article: pasted into its first or last paragraph (article/edges.py), set in the headline after the title, or above the headline with their date."""
from __future__ import annotations

import pytest

from checker.api import check_html
from checker.models import Original

from conftest import article_html

NAME = "Jane Q. Reporter"
DCNF = "Daily Caller News Foundation"
LOGO = '<img src="/img/dcnf-logo.png" alt="Daily Caller News Foundation">'
NOTICE = ("All content created by the Daily Caller News Foundation, an independent and nonpartisan newswire service, "
          "is available without charge to any legitimate news publisher that can provide a large audience.")


def outcomes(html: str, original: Original) -> dict[str, str]:
    result = check_html(html, [original])
    assert result.status.value != "not-a-copy", "the page must be recognised as a copy"
    return {f.rule: f.outcome.value for f in result.findings}


def paragraphs(original: Original) -> list[str]:
    return [p.strip() for p in original.text.split("\n\n") if p.strip()]


def page(original: Original, body: str) -> str:
    return (f"<!doctype html><html><head><title>t</title></head><body><header><nav><a href='/'>Home</a></nav></header>"
            f"<main><article><h1>{original.title}</h1>{LOGO}<div class='entry-content'>{body}</div></article></main>"
            f"<footer><p>Copyright 2026 Partner Gazette</p></footer></body></html>")


def first_paragraph_with(original: Original, lead: str) -> str:
    first, *rest = paragraphs(original)
    return page(original, f"<p>{lead}{first}</p>" + "".join(f"<p>{p}</p>" for p in rest))


@pytest.mark.parametrize("lead", [
    f"<strong>By {NAME}, {DCNF}</strong><br>",  # a classic editor's paste: the credit, a line break, the text
    f"<strong>By {NAME}</strong><br><em>{DCNF}</em><br><br>",
    f"By {NAME}, {DCNF} — ",  # on the same line, set off by a dash
    f"({NAME}, {DCNF}) — ",
])
def test_a_credit_pasted_before_the_first_paragraphs_text_is_a_byline(original, lead):
    assert outcomes(first_paragraph_with(original, lead), original) == {
        "logo": "pass", "byline": "pass", "affiliation": "pass"}


def test_a_credit_after_the_last_paragraphs_text_is_a_byline(original):
    *most, last = paragraphs(original)
    body = "".join(f"<p>{p}</p>" for p in most) + f"<p>{last}<br><br><em>— {NAME}, {DCNF}</em></p>"
    assert outcomes(page(original, body), original) == {"logo": "pass", "byline": "pass", "affiliation": "pass"}


def test_a_whole_story_in_one_block_of_line_breaks_has_its_credit_lines_read(original):
    text = "<br><br>".join(paragraphs(original))
    html = page(original, f"<div>By {NAME}<br>{DCNF}<br><br>{text}</div>")
    assert outcomes(html, original) == {"logo": "pass", "byline": "pass", "affiliation": "pass"}


def test_the_license_notice_at_the_end_of_that_block_does_not_attach_the_affiliation(original):
    # Only the lines before the text are the credit's: the notice after it is not "a line of the byline".
    text = "<br><br>".join(paragraphs(original) + [NOTICE])
    html = page(original, f"<div>By {NAME}<br><br>{text}</div>")
    assert outcomes(html, original)["affiliation"] == "fail"


@pytest.mark.parametrize("lead, byline, affiliation", [
    (f"<strong>By {NAME}, The Daily Caller</strong><br>", "pass", "fail"),  # another organisation's name
    (f"<strong>By John Roe, {DCNF}</strong><br>", "fail", "fail"),  # another person
    (f"<span style='display:none'>By {NAME}, {DCNF}<br></span>", "fail", "fail"),  # hidden
    # No break between the name and the text: the words are the sentence's, not a credit.
    (f"{NAME} reports that ", "fail", "fail"),
    (f"According to {NAME} of the {DCNF}, ", "fail", "fail"),
])
def test_what_is_pasted_there_is_judged_like_any_byline(original, lead, byline, affiliation):
    html = first_paragraph_with(original, lead)
    if lead.endswith(" ") and not lead.endswith("— "):
        # the sentence now starts mid-way: lower-case its first letter as an editor would
        first, *rest = paragraphs(original)
        html = page(original, f"<p>{lead}{first[0].lower()}{first[1:]}</p>" + "".join(f"<p>{p}</p>" for p in rest))
    got = outcomes(html, original)
    assert (got["byline"], got["affiliation"]) == (byline, affiliation)


def test_a_credit_in_a_middle_paragraph_is_not_at_the_head_or_foot(original):
    paras = paragraphs(original)
    assert len(paras) >= 5  # (the first two and the last two are the head and foot of the text)
    mid = len(paras) // 2
    body = "".join(f"<p>{p}<br>By {NAME}, {DCNF}</p>" if i == mid else f"<p>{p}</p>" for i, p in enumerate(paras))
    assert outcomes(page(original, body), original)["byline"] == "fail"


def test_a_pictures_credit_pasted_before_the_text_is_no_byline(original):
    html = first_paragraph_with(original, f"<img src='/x.jpg' alt=''><br>Photo: {NAME}/{DCNF}<br>")
    assert outcomes(html, original)["byline"] == "fail"


def headline_page(original: Original, h1: str) -> str:
    return (f"<!doctype html><html><head><title>t</title></head><body><main><article><h1>{h1}</h1>{LOGO}"
            f"{article_html(original)}</article></main></body></html>")


@pytest.mark.parametrize("after_title", [f" <small>By {NAME}, {DCNF}</small>",
                                         f"<br><span class='meta'>By {NAME}</span><br><span>{DCNF}</span>"])
def test_a_credit_the_theme_sets_inside_the_headline_after_the_title_is_a_byline(original, after_title):
    html = headline_page(original, original.title + after_title)
    assert outcomes(html, original) == {"logo": "pass", "byline": "pass", "affiliation": "pass"}


@pytest.mark.parametrize("h1, byline", [
    (lambda o: f"{o.title} <small>By John Roe, {DCNF}</small>", "fail"),  # another person after the title
    (lambda o: f"{o.title} | Partner Gazette", "fail"),  # the site's name: no credit
    # Before the title: not read as a credit line, but the name is shown by the headline: a person decides.
    (lambda o: f"<small>By {NAME}</small> {o.title}", "review"),
])
def test_only_a_credit_after_the_title_counts_and_only_for_whom_it_names(original, h1, byline):
    assert outcomes(headline_page(original, h1(original)), original)["byline"] == byline


def test_a_credit_above_the_headline_with_its_date_under_it_is_the_articles(original):
    # A left column before the article: the byline, then its date, then (beside them) the headline.
    html = (f"<!doctype html><html><body><nav><a href='/'>Home</a></nav><div class='wrap'><aside class='left'>"
            f"<p>By {NAME}, {DCNF}</p><p>December 7, 2026</p></aside><article><h1>{original.title}</h1>{LOGO}"
            f"{article_html(original)}</article></div></body></html>")
    assert outcomes(html, original) == {"logo": "pass", "byline": "pass", "affiliation": "pass"}


def test_a_teaser_above_the_headline_with_a_date_is_still_another_storys(original):
    # guard: a linked title makes the box another story's, whatever date stands under it
    html = (f"<!doctype html><html><body><div class='wrap'><aside class='left'><h3><a href='/other'>Governor Signs "
            f"Budget After Marathon Session</a></h3><p>By {NAME}</p><p>December 7, 2026</p></aside><article>"
            f"<h1>{original.title}</h1>{LOGO}{article_html(original)}</article></div></body></html>")
    assert outcomes(html, original)["byline"] == "fail"


@pytest.mark.parametrize("note", [f"<div class='author-note'><p>Get {NAME}’s weekly newsletter in your inbox.</p></div>",
                                  f"<p class='byline'>{NAME}'s latest stories</p>"])
def test_a_possessive_names_a_thing_of_the_reporters_not_a_credit(original, note):
    # "Jane Doe's newsletter" says what is hers, not who wrote this story (even in an author-marked element)
    html = page(original, "".join(f"<p>{p}</p>" for p in paragraphs(original)) + note)
    assert outcomes(html, original)["byline"] != "pass"


def test_the_licensors_possessive_before_the_name_is_still_a_credit(original):  # guard
    html = page(original, f"<p>{DCNF}'s {NAME}</p>" + "".join(f"<p>{p}</p>" for p in paragraphs(original)))
    assert outcomes(html, original)["byline"] == "pass"
