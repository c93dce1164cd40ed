"""The accuracy gate in render mode on a sample of its cases: rendering never does worse than static on them.

Every page the browser judged must be judged at least as well as statically; a page it could not judge keeps
the static verdict (failures as `review`, never a new failure) and such pages stay under a tenth of the sample."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "accuracy"))
import evaluate as E  # noqa: E402  (tests/accuracy/evaluate.py: the accuracy gate's cases and summaries)

RULES, load_build, summarise = E.RULES, E.load_build, E.summarise


def to_originals(articles):
    return E.to_originals(articles)


def corpus_path():
    return load_build().corpus_dir()

pytestmark = pytest.mark.browser
SAMPLE = 30  # copies, spread over every shape and layout by taking every n-th case


@pytest.fixture(scope="module")
def sample():
    from checker.render import browser_problem
    problem = browser_problem()
    if problem:
        pytest.skip(problem)
    corpus = corpus_path()
    if corpus is None:
        pytest.skip("real-pages corpus not found (../shared/corpus/real-pages or $SYNDICHECK_CORPUS)")
    cases = load_build().build(corpus).cases
    copies = [c for c in cases if c["category"] == "copy"]
    others = [c for c in cases if c["category"] != "copy"]
    return copies[::max(1, len(copies) // SAMPLE)][:SAMPLE] + others[::max(1, len(others) // 6)][:6]


def test_render_mode_never_does_worse_than_static(sample, pack):
    from checker.pipeline import Checker
    from checker.render import Renderer, RenderSettings

    renderer = Renderer(RenderSettings(mode="always", allow_private=False, offline=True, budget=10.0, contexts=4))

    def one(case):
        originals = to_originals(case["originals"])
        url = f"file:///{case['name']}.html"  # rendered offline: nothing is fetched from the network
        static = Checker.build(pack, originals).check_html(case["html"], target=case["name"], url=url)
        result = Checker.build(pack, originals, renderer=renderer).check_html(case["html"], target=case["name"], url=url)
        return case, static, result

    worse, better, rendered = [], [], 0
    try:
        with ThreadPoolExecutor(4) as pool:  # four pages in the browser at once, as an audit does
            done = list(pool.map(one, sample))
    finally:
        renderer.close()
    for case, static, result in done:
        rendered += result.rendered
        s, r = summarise(static), summarise(result)
        if case["category"] != "copy":
            if s.status == "not-a-copy" and r.status != "not-a-copy":
                worse.append(f"{case['name']}: not a copy, rendered {r.status}")
            continue
        for rule in RULES:
            want = case["expect"][rule]
            got_s, got_r = s.rules.get(rule, "missing"), r.rules.get(rule, "missing")
            if got_r == "fail" and got_s != "fail" and want != "fail":
                worse.append(f"{case['name']} {rule}: a failure static did not find and that is not one")
            if not result.rendered:
                # The browser could not judge it (offline, a page that stays hidden until its analytics
                # scripts run): the static verdict stands, its failures as `review`. Counted below.
                continue
            if got_s == want and got_r != want:
                worse.append(f"{case['name']} {rule}: expected {want}, static {got_s}, rendered {got_r}: "
                             f"{r.messages.get(rule, '')}")
            elif got_s != want and got_r == want:
                better.append(f"{case['name']} {rule}")
    # A few real layouts hide their body until third-party scripts run; offline those cannot be judged.
    assert rendered >= len(sample) * 0.9, f"only {rendered} of {len(sample)} pages could be judged in the browser"
    assert not worse, "render mode did worse than static on:\n" + "\n".join(worse)
