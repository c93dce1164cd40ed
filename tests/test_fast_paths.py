"""The speed-ups of `syndicheck check` give what the plain code gave (bench/bench_check.py measures them)."""
from __future__ import annotations

import codecs
import random
import re

from checker.decode import decode_html, utf8_body
from checker.parse import fast_visible_text
from checker.shingles import _PUNCT, _tokens_in_context, shingles, tokens
from checker.visibility import (
    _HIDING_IN_LOWERED,
    _HIDING_STYLE,
    _RULE,
    _SHOWING,
    _SHOWING_IN_LOWERED,
    _rule_selectors,
    _selectors_around,
    css_hiding,
)

TRICKY_TEXT = [
    "Hello, World! “Quoted” — dash… it’s", "ΟΔΟΣ'Α ΟΔΟΣ. Σ", "café RÉSUMÉ İstanbul ıı ſ K Ⅻ Ⓐ",
    "a\x1cb\x1fc\u2028d\u3000e\x85f", "ABC\u00a0DEF\u200bGHI", "lone \ud800 surrogate", "", "   ",
]


def _random_texts(n: int) -> list[str]:
    rng = random.Random(11)
    alphabet = _PUNCT + "abcXYZ ΣσςΟÉéǅİı\n\t\x1c\u2028\u3000©中"
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(n)]


def test_tokens_are_those_of_lower_then_replace() -> None:
    for text in TRICKY_TEXT + _random_texts(5000):
        assert tokens(text) == _tokens_in_context(text), text


def test_shingles_of_short_and_empty_texts() -> None:
    assert shingles([]) == set()
    assert shingles(["a", "b"]) == {hash(("a", "b"))}
    assert shingles(list("abcdef"), 5) == {hash(tuple("abcde")), hash(tuple("bcdef"))}


def _by_rule(css: str, declarations: re.Pattern) -> set[str]:
    return {sel for sel, body in _RULE.findall(css) if declarations.search(body)}


CSS = [
    ".a{display:none}", ".a { DISPLAY : NONE }", ".b{opacity:0}", ".b{opacity:0\n}", ".b{opacity: 0.00 !important}",
    ".c{font-size:0}", "#d{left:-9999px}", ".e{clip: rect(0 0 0 0)}", "@media (max-width:1px){.f{display:none}}",
    "}.g{display:none}", "{.h{display:none}", ".i{display:none", "x{y{display:none}}", ".j,.k{visibility:hidden}",
    "{display:none}", ".l{display:block}", ".m{visibility: visible}",
]


def test_whole_sheet_search_finds_the_rules_a_rule_by_rule_search_finds() -> None:
    rng = random.Random(5)
    sheets = CSS + ["".join(rng.choice(CSS + ["{", "}", " ", "@x;"]) for _ in range(rng.randint(1, 12)))
                    for _ in range(3000)]
    for css in sheets:
        for plain, lowered in ((_HIDING_STYLE, _HIDING_IN_LOWERED), (_SHOWING, _SHOWING_IN_LOWERED)):
            found = set(_selectors_around(css, [m.start() for m in lowered.finditer(css.lower())]))
            assert found == _by_rule(css, plain), css


def test_case_traps_take_the_rule_by_rule_search() -> None:
    css = ".a{dİsplay:none}.b{diſplay:none}"  # re.I reads both as "display"; lower() does not
    assert set(_rule_selectors(css, _HIDING_STYLE, _HIDING_IN_LOWERED)) == {".a", ".b"}
    assert css_hiding([css]).classes == frozenset({"a", "b"})


def test_utf8_body_only_when_the_text_is_the_body_decoded() -> None:
    body = "<!doctype html><p>café</p>".encode()
    assert utf8_body(body, decode_html(body, None)[1]) is body
    assert utf8_body(codecs.BOM_UTF8 + body, "utf-8") is None
    assert utf8_body(b'<?xml version="1.0" encoding="utf-8"?><html></html>', "utf-8") is None
    assert utf8_body("<p>café</p>".encode("cp1252"), "cp1252") is None


def test_fast_text_from_bytes_is_the_same() -> None:
    html = "<html><head><title>T</title></head><body><p>café “x”</p>\n  <script>var a;</script>" \
           "<div hidden>no</div><p style='display:none'>no</p><svg><text>no</text></svg> <p>end</p></body></html>"
    words = fast_visible_text(html).split()
    assert words == ["café", "“x”", "end"]
    assert fast_visible_text(html, html.encode()).split() == words


def test_elements_differing_only_in_data_component_get_their_own_facts(make_page):
    """parse_page memoises element facts by the attributes they read: data-component marks an author credit."""
    from checker.parse import parse_page
    html = make_page('<div data-component="author-byline">Jane Q. Reporter</div><div>Jane Q. Reporter</div>')
    page = parse_page(html, "https://partner.example/story")
    credits = [b for b in page.blocks if b.text == "Jane Q. Reporter"]
    assert [b.marked for b in credits] == [True, False]


def test_media_contexts_are_those_of_the_enclosing_blocks():
    """_contexts (one sweep) gives each rule what intersecting all its enclosing @-blocks gives."""
    import random

    from checker.visibility import _and, _at_blocks, _contexts, media_applies

    rng = random.Random(7)
    queries = ["print", "screen", "(max-width: 600px)", "(min-width: 800px)", "(orientation: landscape)", "all"]
    for _ in range(200):
        out, depth = [], 0
        for _ in range(rng.randint(1, 30)):
            r = rng.random()
            if r < 0.35:
                out.append(f"@media {rng.choice(queries)} {{")
                depth += 1
            elif r < 0.55 and depth:
                out.append("}")
                depth -= 1
            else:
                out.append(f".c{rng.randint(0, 9)}{{display:none}}")
        css = "".join(out)
        blocks = _at_blocks(css)
        positions = [i for i, ch in enumerate(css) if ch == "{"]
        got = _contexts(blocks, positions, media_applies(None))
        for pos in positions:
            want = media_applies(None)
            for start, end, applies in blocks:
                if start < pos < end:
                    want = tuple(_and(a, b) for a, b in zip(want, applies))
            assert got[pos] == want, (css, pos)
