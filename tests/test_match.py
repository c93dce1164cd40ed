"""Copy detection: shingle containment is robust to markup noise and does not grow with the number of originals."""
from __future__ import annotations

import random

from checker.match import OriginalIndex
from checker.models import Original
from checker.parse import fast_visible_text

from conftest import article_html


def _words(rng: random.Random, n: int) -> str:
    vocab = [f"w{i}" for i in range(5000)]
    return " ".join(rng.choice(vocab) for _ in range(n))


def test_exact_copy_scores_one(original, pack):
    index = OriginalIndex([original], pack.match)
    m = index.best(fast_visible_text(f"<html><body>{article_html(original)}</body></html>"))
    assert m is not None and m.original is original and m.score > 0.99


def test_noise_robust(original, pack):
    """Entities, curly quotes, whitespace, ads and related links between paragraphs, a new headline."""
    paras = [p for p in original.text.split("\n\n") if p.strip()]
    noisy = []
    for i, p in enumerate(paras):
        p = p.replace("'", "&#8217;").replace(" the ", " the\n\t  ").replace(",", " ,")
        noisy.append(f"<p>{p}</p>")
        noisy.append(f"<div class='ad'>Advertisement {i} Buy now</div><p>Related: <a href='/x'>Another story {i}</a></p>")
    html = f"<html><body><h1>Totally Different Headline</h1>{''.join(noisy)}</body></html>"
    m = OriginalIndex([original], pack.match).best(fast_visible_text(html))
    assert m is not None and m.score >= 0.8


def test_partial_excerpt_below_threshold_is_not_a_copy(original, pack):
    first = original.text.split("\n\n")[0]
    m = OriginalIndex([original], pack.match).best(fast_visible_text(f"<p>{first}</p><p>Read more at DCNF</p>"))
    assert m is None


def test_hidden_copy_is_not_visible_text(original, pack):
    html = f"<html><body><div style='display:none'>{article_html(original)}</div><p>Our own story.</p></body></html>"
    assert OriginalIndex([original], pack.match).best(fast_visible_text(html)) is None


def test_license_notice_shared_by_all_originals_does_not_match(pack):
    rng = random.Random(1)
    notice = pack.notice
    originals = [Original(id=str(i), url=f"https://o/{i}", authors=("A B",), text=_words(rng, 300) + "\n\n" + notice)
                 for i in range(20)]
    index = OriginalIndex(originals, pack.match, boilerplate=[notice])
    page = f"<html><body><p>A partner's own story about something else entirely.</p><p>{notice}</p></body></html>"
    assert index.best(fast_visible_text(page)) is None


def test_picks_the_right_original_among_many(pack):
    rng = random.Random(2)
    originals = [Original(id=str(i), url=f"https://o/{i}", authors=("A B",), text=_words(rng, 400)) for i in range(500)]
    index = OriginalIndex(originals, pack.match)
    target = originals[321]
    m = index.best(f"Some header text. {target.text} Footer links.")
    assert m is not None and m.original.id == "321"
