"""License-pack loading: strict validation with file, line, key and did-you-mean; --license PATH."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from checker.ruleset import RULES_DIR, load_pack
from checker.strict_yaml import ConfigError


@pytest.fixture
def pack_copy(tmp_path) -> Path:
    dest = tmp_path / "mypack"
    shutil.copytree(RULES_DIR / "dcnf", dest)
    return dest


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def test_default_pack_loads(pack):
    assert pack.id == "dcnf"
    assert [r.id for r in pack.rules] == ["logo", "byline", "affiliation"]
    assert "DCNF" in pack.aliases and "Daily Caller" in pack.not_aliases


def test_load_by_path(pack_copy):
    edit(pack_copy / "license.yaml", "id: dcnf", "id: other")
    assert load_pack(str(pack_copy)).id == "other"
    assert load_pack(str(pack_copy / "license.yaml")).id == "other"


def test_unknown_key_names_file_line_and_suggestion(pack_copy):
    edit(pack_copy / "byline.yaml", "severity: error", "severty: error")
    with pytest.raises(ConfigError) as exc:
        load_pack(str(pack_copy))
    msg = str(exc.value)
    assert "byline.yaml:3" in msg and "severty" in msg and "did you mean 'severity'" in msg


def test_unknown_check_suggests(pack_copy):
    edit(pack_copy / "logo.yaml", "  - logo.licensor_image", "  - logo.licensor_imag")
    with pytest.raises(ConfigError, match=r"logo.yaml:\d+: checks\[0\]: unknown check 'logo.licensor_imag' \(did you mean 'logo.licensor_image'\?\)"):
        load_pack(str(pack_copy))


def test_bad_severity_and_expect(pack_copy):
    edit(pack_copy / "logo.yaml", "severity: error", "severity: fatal")
    with pytest.raises(ConfigError, match="must be one of error, warning, info"):
        load_pack(str(pack_copy))


def test_invalid_yaml_line(pack_copy):
    (pack_copy / "affiliation.yaml").write_text("id: affiliation\ntitle: [unclosed\n")
    with pytest.raises(ConfigError, match=r"affiliation.yaml:\d+: invalid YAML"):
        load_pack(str(pack_copy))


def test_bad_regex_in_logo_patterns(pack_copy):
    edit(pack_copy / "license.yaml", "    - '\\bdcnf\\b'", "    - '(dcnf'")
    with pytest.raises(ConfigError, match=r"license.yaml:\d+: logo.text_patterns\[1\]: invalid regular expression"):
        load_pack(str(pack_copy))


def test_missing_rule_file(pack_copy):
    (pack_copy / "logo.yaml").unlink()
    with pytest.raises(ConfigError, match="rule file not found"):
        load_pack(str(pack_copy))


def test_unknown_pack_name():
    with pytest.raises(ConfigError, match="did you mean 'dcnf'"):
        load_pack("dcfn")


def test_yaml_cannot_construct_objects(pack_copy):
    (pack_copy / "logo.yaml").write_text("id: !!python/object/apply:os.system ['echo pwned']\n")
    with pytest.raises(ConfigError, match="unsupported YAML value"):
        load_pack(str(pack_copy))


def test_check_parameters_validated(pack_copy):
    edit(pack_copy / "logo.yaml", "  - logo.licensor_image", "  - {id: text.present, with: {patern: 'x'}}")
    with pytest.raises(ConfigError, match=r"unknown parameter \(did you mean 'pattern'\?\)"):
        load_pack(str(pack_copy))


def test_a_file_that_is_no_pack_is_named_as_such(tmp_path, capsys):
    # Before: "license.yaml: cannot read file", naming neither the file given nor what a pack is.
    from checker.cli import main
    page = tmp_path / "good.html"
    page.write_text("<html><body><p>Hello</p></body></html>")
    with pytest.raises(ConfigError) as err:
        load_pack(str(page))
    assert str(page) in str(err.value) and "not a license pack" in str(err.value)
    assert main(["rules", "--license", str(page)]) == 2
    assert f"{page}: not a license pack" in capsys.readouterr().err
    assert load_pack(str(RULES_DIR / "dcnf" / "license.yaml")).name  # the pack's own license.yaml still names it
