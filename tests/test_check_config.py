"""`check`'s config file ([tool.syndicheck] in pyproject.toml or syndicheck.toml, found upward), --exclude, --ignore."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from checker.check_config import excluded, find_config, load_config
from checker.cli import main
from checker.strict_yaml import ConfigError
from conftest import write_manifest


@pytest.fixture
def repo(tmp_path, original, make_page, monkeypatch):
    """A partner's repository: originals manifest, a built site with a compliant copy, a violating copy and a
    draft; the working directory is a subdirectory, as in a CI step that cd's into the project."""
    (tmp_path / "data").mkdir()
    write_manifest(tmp_path / "data" / "originals.yaml", original)
    site = tmp_path / "public"
    for d in ("news", "drafts"):
        (site / d).mkdir(parents=True)
    (site / "news" / "good.html").write_text(make_page(
        '<p class="byline">By Jane Q. Reporter, Daily Caller News Foundation</p>'
        '<img src="/img/dcnf-logo.png" alt="Daily Caller News Foundation">'))
    (site / "news" / "nologo.html").write_text(make_page(
        '<p class="byline">By Jane Q. Reporter, Daily Caller News Foundation</p>'))
    (site / "drafts" / "wip.html").write_text(make_page('<p class="byline">By Staff</p>'))
    (tmp_path / "tools").mkdir()
    monkeypatch.chdir(tmp_path / "tools")
    return tmp_path


def check(capsys, *args: str) -> tuple[int, dict | str, str]:
    code = main(["check", *args])
    out, err = capsys.readouterr()
    try:
        return code, json.loads(out), err
    except ValueError:
        return code, out, err


def names(doc: dict) -> dict[str, str]:
    return {Path(p["target"]).name: p["status"] for p in doc["pages"]}


PYPROJECT = """\
[project]
name = "partner-site"

[tool.syndicheck]
targets = ["public"]
originals = ["data/originals.yaml"]
format = "json"
exclude = ["drafts/*"]
"""


def test_pyproject_found_upward_paths_relative_to_it(repo, capsys):
    (repo / "pyproject.toml").write_text(PYPROJECT)
    code, doc, _ = check(capsys)
    assert names(doc) == {"good.html": "compliant", "nologo.html": "violation"}  # drafts excluded
    assert code == 1


def test_flags_override_the_file(repo, capsys):
    (repo / "pyproject.toml").write_text(PYPROJECT)
    code, out, _ = check(capsys, "--format", "text", str(repo / "public" / "news" / "good.html"))
    assert isinstance(out, str) and out.startswith("COMPLIANT") and code == 0
    other = repo / "other.yaml"
    other.write_text("originals:\n  - url: https://x.example/1\n    authors: [A B]\n"
                     "    text: one two three four five six seven eight nine ten\n")
    code, doc, _ = check(capsys, "--originals", str(other))  # a repeatable flag replaces the list
    assert set(names(doc).values()) == {"not-a-copy"}
    code, doc, _ = check(capsys, "--exclude", "nologo.html")  # so does --exclude: drafts are back
    assert names(doc) == {"good.html": "compliant", "wip.html": "violation"}


def test_syndicheck_toml_wins_in_its_directory_and_no_config(repo, capsys):
    (repo / "pyproject.toml").write_text(PYPROJECT)
    (repo / "syndicheck.toml").write_text('targets = ["public/news"]\noriginals = "data/originals.yaml"\n'
                                          'format = "json"\nfail-on = "never"\n')
    assert find_config(Path.cwd()) == repo / "syndicheck.toml"
    code, doc, _ = check(capsys)
    assert code == 0 and set(names(doc)) == {"good.html", "nologo.html"}
    code, _, err = check(capsys, "--no-config", str(repo / "public"))
    assert code == 2 and "needs --originals" in err


def test_a_pyproject_without_the_table_is_passed_over(repo, tmp_path):
    (repo / "tools" / "pyproject.toml").write_text('[project]\nname = "tools"\n')
    (repo / "pyproject.toml").write_text(PYPROJECT)
    assert find_config(Path.cwd()) == repo / "pyproject.toml"


def test_explicit_config_file(repo, capsys):
    cfg = repo / "ci" / "syndicheck-ci.toml"
    cfg.parent.mkdir()
    cfg.write_text('[tool.syndicheck]\noriginals = ["../data/originals.yaml"]\nformat = "json"\n'
                   'ignore = ["logo"]\n')
    code, doc, _ = check(capsys, "--config", str(cfg), str(repo / "public" / "news"))
    assert code == 0 and names(doc) == {"good.html": "compliant", "nologo.html": "compliant"}
    assert all(f["rule"] != "logo" for p in doc["pages"] for f in p["findings"])
    code, _, err = check(capsys, "--config", str(repo / "missing.toml"), "x.html")
    assert code == 2 and "missing.toml" in err


@pytest.mark.parametrize("text, where, message", [
    ('[tool.syndicheck]\noriginals = ["a.yaml"]\norignals = ["b"]\n', ":3: tool.syndicheck.orignals",
     "did you mean 'originals'"),
    ('[tool.syndicheck]\njobs = "four"\n', ":2: tool.syndicheck.jobs", "expected a whole number"),
    ('[tool.syndicheck]\nformat = "pdf"\n', ":2: tool.syndicheck.format", "not one of text, json"),
    ('[tool.syndicheck]\nexclude = [1, 2]\n', ":2: tool.syndicheck.exclude", "list of strings"),
    ('[tool.syndicheck\n', "pyproject.toml", "not valid TOML"),
])
def test_config_errors_name_file_line_and_key(repo, capsys, text, where, message):
    (repo / "pyproject.toml").write_text(text)
    code, _, err = check(capsys, "x.html")
    assert code == 2 and err.startswith("syndicheck: error: ") and where in err and message in err, err


def test_ignore_an_unknown_rule_is_an_error(repo, capsys):
    code, _, err = check(capsys, str(repo / "public"), "--originals", str(repo / "data" / "originals.yaml"),
                         "--ignore", "logoo")
    assert code == 2 and "--ignore logoo" in err and "rules: logo, byline, affiliation" in err


def test_ignore_flag_drops_the_rule_and_recomputes_the_status(repo, capsys):
    args = (str(repo / "public" / "news" / "nologo.html"), "--originals", str(repo / "data" / "originals.yaml"),
            "--format", "json", "--no-config")
    code, doc, _ = check(capsys, *args)
    assert code == 1 and doc["pages"][0]["status"] == "violation"
    code, doc, _ = check(capsys, *args, "--ignore", "logo")
    assert code == 0 and doc["pages"][0]["status"] == "compliant"


def test_exclude_matching():
    assert excluded("public/drafts/x.html", ["drafts/*"])
    assert excluded("public/drafts/deep/x.html", ["drafts/*"])  # `*` crosses directories
    assert excluded("public/news/x.html", ["**/x.html"])
    assert not excluded("public/news/x.html", ["drafts/*"])
    assert excluded("/abs/site/tmp/a.html", ["site/tmp/*"], base="/abs")
    assert not excluded("public/news/x.html", ["news"])


def test_load_config_values(tmp_path):
    path = tmp_path / "syndicheck.toml"
    path.write_text('originals = ["o.yaml", "https://dcnf.example/feed/"]\nreport = ["sarif=out/r.sarif"]\n'
                    'max_bytes = 1000\ntimeout = 5\nno-color = true\n')
    cfg = load_config(path)
    assert cfg.values == {"originals": [str(tmp_path / "o.yaml"), "https://dcnf.example/feed/"],
                          "report": [f"sarif={tmp_path / 'out' / 'r.sarif'}"], "max_bytes": 1000,
                          "timeout": 5.0, "no_color": True}
    path.write_text("quiet = 1\n")
    with pytest.raises(ConfigError, match="expected true or false"):
        load_config(path)


def test_targets_from_the_file_are_shown_as_seen_from_here(repo, capsys, monkeypatch):
    (repo / "pyproject.toml").write_text(PYPROJECT)
    monkeypatch.chdir(repo)
    _, doc, _ = check(capsys)
    assert sorted(p["target"] for p in doc["pages"]) == ["public/news/good.html", "public/news/nologo.html"]
