"""Every example in every rule file of the bundled packs gives the outcome it declares."""
from __future__ import annotations

import pytest

from checker.api import check_html
from checker.ruleset import RULES_DIR, load_pack

from conftest import article_html

PACKS = sorted(p.name for p in RULES_DIR.iterdir() if (p / "license.yaml").is_file())
CASES = [(name, rule.id, ex) for name in PACKS for rule in load_pack(name).rules for ex in rule.examples]


def test_every_rule_has_pass_and_fail_examples():
    for name in PACKS:
        for rule in load_pack(name).rules:
            outcomes = {ex.expect.value for ex in rule.examples}
            assert {"pass", "fail"} <= outcomes, f"{name}/{rule.id} needs passing and failing examples"


@pytest.mark.parametrize("pack_name,rule_id,example", CASES, ids=[f"{p}-{r}-{e.name}" for p, r, e in CASES])
def test_rule_example(pack_name, rule_id, example):
    pack = load_pack(pack_name)
    original = pack.example_original
    assert original is not None, f"{pack_name}: examples need example_original in license.yaml"
    html = example.html.replace("{{ARTICLE}}", article_html(original))
    result = check_html(html, [original], pack=pack)
    finding = next((f for f in result.findings if f.rule == rule_id), None)
    assert finding is not None, f"{example.source}:{example.line}: page not recognised as a copy ({result.status})"
    assert finding.outcome == example.expect, (
        f"{example.source}:{example.line} '{example.name}': expected {example.expect.value}, "
        f"got {finding.outcome.value}: {finding.message}")
