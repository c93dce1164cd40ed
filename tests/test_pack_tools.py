"""Pack authors' tools through the real command line: `rules --test`, `rules --new`, and broken packs."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from checker.cli import main
from checker.ruleset import RULES_DIR

REPO = Path(__file__).resolve().parents[1]


def cli(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "checker", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300)


def test_rules_test_passes_for_both_bundled_packs():
    proc = cli("rules", "--test")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    assert "cc-by-nd-newsroom: 22 of 22 examples hold" in lines
    assert any(ln.startswith("dcnf: ") and ln.endswith("examples hold") for ln in lines)
    results = [ln for ln in lines if ln.startswith(("PASS ", "FAIL "))]
    assert results and all(ln.startswith("PASS  rules/") for ln in results)
    assert "PASS  rules/cc-by-nd-newsroom/text.yaml:27  text: a sentence reworded (fail)" in lines
    assert proc.stderr == ""


def test_rules_test_one_pack_by_name_and_by_directory(capsys):
    assert main(["rules", "--test", "cc-by-nd-newsroom"]) == 0
    by_name = capsys.readouterr().out
    assert main(["rules", "--test", str(RULES_DIR / "cc-by-nd-newsroom")]) == 0
    by_dir = capsys.readouterr().out
    assert "dcnf" not in by_name and by_name.count("PASS  ") == 22
    assert by_dir.count("PASS  ") == 22


def test_a_wrong_expectation_fails_with_the_reason(tmp_path):
    pack = tmp_path / "mine"
    shutil.copytree(RULES_DIR / "cc-by-nd-newsroom", pack)
    text = (pack / "pixel.yaml").read_text()
    (pack / "pixel.yaml").write_text(text.replace("  - name: no pixel\n    expect: fail", "  - name: no pixel\n    expect: pass"))
    proc = cli("rules", "--test", str(pack))
    assert proc.returncode == 1
    fails = [ln for ln in proc.stdout.splitlines() if ln.startswith("FAIL")]
    assert len(fails) == 1
    assert "pixel.yaml:24  pixel: no pixel: expected pass, got fail: no tracking pixel from pixel.harborledger.example" in fails[0]
    assert "mine: 21 of 22 examples hold" in proc.stdout


def test_an_example_that_is_not_a_copy_fails(tmp_path):
    pack = tmp_path / "mine"
    shutil.copytree(RULES_DIR / "cc-by-nd-newsroom", pack)
    text = (pack / "pixel.yaml").read_text()
    (pack / "pixel.yaml").write_text(text.replace("<p>By Ada Lin, The Harbor Ledger</p>{{ARTICLE}}</article>",
                                                  "<p>By Ada Lin, The Harbor Ledger</p><p>Nothing here.</p></article>", 1))
    proc = cli("rules", "--test", str(pack))
    assert proc.returncode == 1
    assert "expected fail, got not a copy: the page is not-a-copy" in proc.stdout


def test_rules_new_writes_a_pack_that_passes_its_own_test(tmp_path):
    target = tmp_path / "newsroom-pack"
    proc = cli("rules", "--new", str(target))
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in target.iterdir()) == ["byline.yaml", "credit.yaml", "license.yaml"]
    license_text = (target / "license.yaml").read_text()
    assert "id: newsroom-pack" in license_text and "FILL IN" in license_text and "{name}" in license_text
    assert license_text.count("\n#") >= 3  # commented
    proc = cli("rules", "--test", str(target))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "newsroom-pack: 4 of 4 examples hold" in proc.stdout
    # the new pack checks pages too
    proc = cli("rules", "--license", str(target))
    assert proc.returncode == 0 and "byline" in proc.stdout and "credit" in proc.stdout


def test_rules_new_refuses_a_directory_that_holds_a_pack(tmp_path):
    assert cli("rules", "--new", str(tmp_path / "p")).returncode == 0
    proc = cli("rules", "--new", str(tmp_path / "p"))
    assert proc.returncode == 2
    assert proc.stderr.strip().endswith("already holds byline.yaml, credit.yaml, license.yaml; give a new or empty directory")
    assert "Traceback" not in proc.stderr


def test_rules_test_and_new_usage_errors(tmp_path):
    proc = cli("rules", "--test", "--new", str(tmp_path / "x"))
    assert proc.returncode == 2 and "not both" in proc.stderr
    proc = cli("rules", "--test", str(tmp_path))  # a directory with no pack in it
    assert proc.returncode == 2 and "no license pack here" in proc.stderr
    proc = cli("rules", "--test", "cc-by-nd-newsrom")
    assert proc.returncode == 2 and "did you mean 'cc-by-nd-newsroom'" in proc.stderr


@pytest.mark.parametrize("file,old,new,message", [
    ("license.yaml", "pixel_hosts:", "pixel_host:", r"license.yaml:\d+: pixel_host: unknown key \(did you mean 'pixel_hosts'\?\)"),
    ("license.yaml", "id: cc-by-nd-newsroom", "id: [cc", r"license.yaml:\d+: invalid YAML"),
    ("license.yaml", '  - "Originally published by {name}"', '  - "Originally published"',
     r"license.yaml:\d+: credit_lines\[2\]: a credit line must contain \{name\}"),
    ("license.yaml", "  - pixel.harborledger.example", "  - https://pixel.harborledger.example/p.gif",
     r"license.yaml:\d+: pixel_hosts\[0\]: expected a host name"),
    ("credit.yaml", "where: head-or-foot", "where: bottom",
     r"credit.yaml:\d+: checks\[0\].with.where: unknown value 'bottom' \(one of: head-or-foot, head, foot, anywhere\)"),
    ("text.yaml", "allowed_edits: [relative-dates, dateline]", "allowed_edits: [relative-dates, datelines]",
     r"text.yaml:\d+: checks\[0\].with.allowed_edits: unknown value 'datelines' \(did you mean 'dateline'\?\)"),
    ("text.yaml", "allowed_edits: [relative-dates, dateline]", "allowed_edits: dateline",
     r"text.yaml:\d+: checks\[0\].with.allowed_edits: expected list"),
    ("pixel.yaml", "  - pixel.present", "  - pixel.presnt", r"pixel.yaml:\d+: checks\[0\]: unknown check 'pixel.presnt' \(did you mean 'pixel.present'\?\)"),
    ("byline.yaml", "    expect: pass", "    expected: pass", r"byline.yaml:\d+: examples\[0\].expected: unknown key"),
    ("byline.yaml", "examples:", "examples: 3\nexamplez:", r"byline.yaml:\d+: examplez: unknown key"),
])
def test_broken_pack_is_one_line_naming_file_and_key(tmp_path, file, old, new, message):
    import re

    pack = tmp_path / "broken"
    shutil.copytree(RULES_DIR / "cc-by-nd-newsroom", pack)
    text = (pack / file).read_text()
    assert old in text
    (pack / file).write_text(text.replace(old, new, 1))
    for args in (("rules", "--test", str(pack)), ("rules", "--license", str(pack))):
        proc = cli(*args)
        assert proc.returncode == 2, (args, proc.stdout, proc.stderr)
        err = proc.stderr.strip()
        assert "\n" not in err and "Traceback" not in err, err
        assert re.search(message, err), err


def test_docs_explain_every_key_check_and_parameter():
    from checker.checks.registry import CHECKS
    from checker.ruleset import _EXAMPLE_KEYS, _LICENSE_KEYS, _LOGO_KEYS, _MATCH_KEYS, _RULE_KEYS

    doc = (REPO / "docs" / "packs.md").read_text(encoding="utf-8")
    for key in _LICENSE_KEYS + _RULE_KEYS + _EXAMPLE_KEYS + _LOGO_KEYS + _MATCH_KEYS:
        assert f"`{key}`" in doc, key
    for check_id, spec in CHECKS.items():
        assert f"`{check_id}`" in doc, check_id
        for param in spec.params:
            assert f"`{param}`" in doc, (check_id, param)
        for choices in (p[2] for p in spec.params.values() if len(p) > 2):
            for value in choices:
                assert f"`{value}`" in doc, (check_id, value)


def test_no_licensor_strings_of_either_pack_in_the_checker():
    """The second pack's names are as absent from checker/ as the default pack's (the demo's sample
    content aside, as in test_article_model)."""
    import re

    from checker.ruleset import load_pack

    for name in ("dcnf", "cc-by-nd-newsroom"):
        pack = load_pack(name)
        names = {n.lower() for n in pack.aliases + pack.not_aliases + (pack.name, pack.id)} | set(pack.pixel_hosts)
        pattern = re.compile("|".join(r"\b" + re.escape(n).replace(r"\ ", r"[\s_-]*") + r"\b" for n in names), re.I)
        hits = []
        for path in sorted((REPO / "checker").rglob("*.py")):
            if "demo" in path.relative_to(REPO / "checker").parts:
                continue
            for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if pattern.search(line):
                    hits.append(f"{path.relative_to(REPO)}:{i}: {line.strip()}")
        assert not hits, f"{name} strings in checker/:\n" + "\n".join(hits)
