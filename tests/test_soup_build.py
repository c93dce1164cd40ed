"""checker/soup_build.py builds, field for field, the tree BeautifulSoup(html, "lxml") builds."""
from __future__ import annotations

import gzip
import os
from pathlib import Path
from typing import Any, Optional

import pytest
from bs4 import BeautifulSoup
from bs4.builder._lxml import LXMLTreeBuilder
from bs4.element import PageElement

import checker.soup_build as soup_build
from checker.decode import decode_html
from checker.soup_build import soup_of

import hostile_pages as H

EDGE_PAGES = {
    "empty": "", "whitespace": "   \n ", "bom": "\ufeff<p>x</p>", "bare text": "just text",
    "pre and textarea": "<pre>  a\n  <b> </b>\n <pre> </pre>  </pre><textarea>  \n </textarea><p> </p>",
    "string containers": "<script> var a = '<b>'; </script><style> .a{} </style><template><p> x </p><b>y</b>"
                         "</template><ruby>a<rt> r </rt><rp>(</rp></ruby>",
    "comments": "<!-- c --><!----><!-- \n --><p><!--x-->y</p><!DOCTYPE html>",
    "doctype": '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
               '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd"><html><body>x</body></html>',
    "processing instructions": "<?xml version='1.0'?><?php echo 1; ?><p>x</p>",
    "cdata": "<p><![CDATA[ x ]]></p><svg><![CDATA[y]]></svg>",
    "meta charset": '<head><meta charset="ISO-8859-1"><meta http-equiv="Content-Type" '
                    'content="text/html; charset=latin1"><meta content="x" http-equiv="refresh"></head>',
    "misnested": "<p><b><i>x</b>y</i>z<p>q<table><tr>stray<td>c</table></div></span></p></p></b>",
    "svg and math": '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
                    '<use xlink:href="#a" xml:lang="en"/><image href="x.png"/><title>T</title></svg>'
                    '<math><mi>x</mi></math>',
    "list attributes": '<p class=" a  b\tc " rel="x y" id="i" CLASS="dup" data-x=\'1\' hidden '
                       'accept-charset="a b" headers="h1 h2">x</p><td headers="a b">1</td><a rev="r s" accesskey="k l">',
    "repeated html and body": "<html><body><html lang=x><body class=b><head><title>x</title></head>y</body></html>",
    "frameset": "<frameset><frame src=x></frameset><noframes>x</noframes>",
    "entities and controls": "<p>&amp;&lt;&nbsp;&#0;&#x1F600;&bogus; \x00 \x0c</p>a\x00b<p \x00>c</p>",
    "unclosed": "<div><span><p>x" * 50,
    "forms and embeds": "<select><option>a<option>b</select><noscript><img src=x></noscript><iframe>y</iframe>",
    "whitespace kinds": "<div>\r\n\t </div><span> \x0c </span><p>\u00a0</p><b>\u3000</b>",
}

_ATTRIBUTE_STRINGS = ("CharsetMetaAttributeValue", "ContentMetaAttributeValue")


def _norm(value: Any, index: dict) -> Any:
    """A field's value with tree nodes replaced by their position in document order."""
    if isinstance(value, PageElement) and type(value).__name__ not in _ATTRIBUTE_STRINGS:
        return ("node", index.get(id(value), "outside the tree"))
    if isinstance(value, dict):
        return (type(value).__name__, [(k, _norm(v, index)) for k, v in value.items()])
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, [_norm(v, index) for v in value])
    if isinstance(value, set):
        return ("set", sorted(map(repr, value)))
    if isinstance(value, str):
        return (type(value).__name__, str(value), sorted((k, repr(v)) for k, v in getattr(value, "__dict__", {}).items()))
    return (type(value).__name__, repr(value))


def tree_difference(html: str) -> Optional[str]:
    """Where soup_of(html) differs from BeautifulSoup(html, "lxml"), or None: every node's class, text and
    fields (links to other nodes by position)."""
    want, got = BeautifulSoup(html, "lxml"), soup_of(html)
    a, b = [want, *want.descendants], [got, *got.descendants]
    if len(a) != len(b):
        return f"{len(a)} nodes expected, {len(b)} built"
    ia, ib = {id(n): i for i, n in enumerate(a)}, {id(n): i for i, n in enumerate(b)}
    for i, (x, y) in enumerate(zip(a, b)):
        if type(x) is not type(y) or (isinstance(x, str) and str(x) != str(y)):
            return f"node {i}: {type(x).__name__} {str(x)[:40]!r} expected, {type(y).__name__} {str(y)[:40]!r} built"
        fx, fy = vars(x), vars(y)
        if set(fx) - {"builder"} != set(fy) - {"builder"}:
            return f"node {i}: fields {sorted(set(fx) ^ set(fy))} differ"
        for k in fx:
            if k != "builder" and _norm(fx[k], ia) != _norm(fy[k], ib):
                return f"node {i} ({getattr(x, 'name', 'string')}): field {k} differs"
    return None


@pytest.mark.filterwarnings("ignore::bs4.XMLParsedAsHTMLWarning")
@pytest.mark.parametrize("name", sorted(EDGE_PAGES))
def test_edge_pages_build_bs4s_tree(name: str) -> None:
    assert tree_difference(EDGE_PAGES[name]) is None


@pytest.mark.parametrize("name", ["deep_div", "deep_unclosed", "deep_tables", "deep_marked_spans",
                                  "many_bylines_around"])
def test_hostile_pages_build_bs4s_tree(name: str, original, monkeypatch) -> None:
    monkeypatch.setattr(H, "DEPTH", 3000)  # the same structures, 3,000 deep instead of 100,000 (test time)
    assert tree_difference(H.CASES[name](original)) is None


def _real_pages() -> list[Path]:
    root = Path(os.environ.get("SYNDICHECK_CORPUS") or Path(__file__).resolve().parents[2] / "shared/corpus")
    for base in (root, root.parent):
        pages = sorted(base.glob("real-pages/*/source.html"))[::8] + sorted(base.glob("fundus-pages/*/source.html.gz"))[::20]
        if pages:
            return pages
    return []


@pytest.mark.skipif(not _real_pages(), reason="the shared corpus (real-pages, fundus-pages) is not here")
def test_real_pages_build_bs4s_tree() -> None:
    pages = _real_pages()
    assert len(pages) >= 10
    for path in pages:
        raw = path.read_bytes()
        html = decode_html(gzip.decompress(raw) if path.suffix == ".gz" else raw, None)[0]
        assert tree_difference(html) is None, path.parent.name


def test_a_bs4_it_was_not_written_for_gets_bs4s_own_builder(monkeypatch) -> None:
    monkeypatch.setattr(soup_build, "_SUPPORTED", False)
    soup = soup_of("<p class='a b'>x</p>")
    assert type(soup.builder) is LXMLTreeBuilder
    assert soup.p["class"] == ["a", "b"]


def test_a_namespaced_name_falls_back_to_bs4s_builder() -> None:
    soup = BeautifulSoup("", "lxml")
    target = soup_build._Target(soup, soup.builder)
    with pytest.raises(soup_build._Fallback):
        target.start("{http://www.w3.org/2000/svg}svg", {})


def test_the_installed_bs4_gets_the_fast_builder() -> None:
    """A bs4 release soup_build was not compared against would quietly cost twice the parse time:
    this fails instead, so that whoever upgrades runs these comparisons and extends SUPPORTED_BS4."""
    import bs4

    assert soup_build._SUPPORTED, f"bs4 {bs4.__version__} is not in soup_build.SUPPORTED_BS4"
    assert type(soup_of("<p>x</p>").builder) is soup_build._FastBuilder


@pytest.mark.filterwarnings("ignore::bs4.XMLParsedAsHTMLWarning")
@pytest.mark.parametrize("fast", [True, False])
def test_elements_noted_while_building_are_those_a_search_finds(fast: bool, monkeypatch) -> None:
    monkeypatch.setattr(soup_build, "_SUPPORTED", fast)
    names = frozenset({"style", "meta", "script"})
    for html in [*EDGE_PAGES.values(), "<head><style>a{}</style><meta name=a content=b></head><body><script "
                 "type=application/ld+json>{}</script><svg><style>b{}</style></svg><p><meta itemprop=x></p>"]:
        soup, found = soup_build.soup_and_elements(html, names)
        for name in names:
            assert found[name] == soup.find_all(name) and all(a is b for a, b in zip(found[name], soup.find_all(name)))
