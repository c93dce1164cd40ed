"""JSON manifests go through `json` and YAML through libyaml, with the same error lines as the slow path."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from checker import strict_yaml
from checker.originals import OriginalsError, load_originals

ENTRY = {"id": "a1", "url": "https://o.example/a1", "title": "T", "authors": ["Jane Doe"], "text": "Some text."}


def _both(tmp_path: Path, data) -> tuple[str, str]:
    """The error for the same manifest written as pretty JSON (json path) and read by the YAML composer."""
    text = json.dumps(data, indent=2)
    (tmp_path / "m.json").write_text(text, "utf-8")
    (tmp_path / "m.yaml").write_text(text, "utf-8")  # JSON is YAML: the old, slow path, line numbers and all
    out = []
    for name in ("m.json", "m.yaml"):
        with pytest.raises(OriginalsError) as err:
            load_originals(str(tmp_path / name))
        out.append(str(err.value).replace(name, "M"))
    return out[0], out[1]


@pytest.mark.parametrize("data, says", [
    ({"originals": [ENTRY, dict(ENTRY, id="a2", autors=["x"])]}, "unknown key (did you mean 'authors'?)"),
    ({"originals": [ENTRY, dict(ENTRY, id="a1")]}, "duplicate id 'a1' (first at line 3)"),
    ({"originals": [ENTRY, {k: v for k, v in ENTRY.items() if k != "url"}]}, "missing required key 'url'"),
    ({"originals": [ENTRY, dict(ENTRY, id="a3", authors=[3])]}, "expected a non-empty string"),
    ([ENTRY, ENTRY | {"id": "b", "url": "ftp://x"}], "expected an http(s) URL"),
])
def test_json_errors_name_the_same_line_and_key_as_yaml(tmp_path, data, says) -> None:
    fast, slow = _both(tmp_path, data)
    assert says in fast
    assert fast == slow


def test_json_duplicate_key_and_syntax_error_lines(tmp_path) -> None:
    path = tmp_path / "m.json"
    path.write_text('{"originals": [\n  {"id": "a",\n   "url": "https://o/a",\n   "url": "https://o/b"}\n]}', "utf-8")
    with pytest.raises(OriginalsError, match=r"m\.json:4: originals\[0\]\.url: duplicate key"):
        load_originals(str(path))
    path.write_text('{"originals": [\n  {"id": "a",\n   "url": "https://o/a",,\n]}', "utf-8")
    with pytest.raises(OriginalsError, match=r"m\.json:3: invalid JSON"):
        load_originals(str(path))


def test_json_manifest_reads_the_same_originals_as_yaml(tmp_path) -> None:
    entries = [dict(ENTRY, id=f"a{i}", url=f"https://o.example/{i}", text=f"Para one {i}.\n\nPara “two” {i}.",
                    published="2026-01-02") for i in range(50)]
    (tmp_path / "m.json").write_text(json.dumps({"originals": entries}), "utf-8")
    (tmp_path / "m.yaml").write_text(yaml.safe_dump({"originals": entries}, allow_unicode=True), "utf-8")
    assert load_originals(str(tmp_path / "m.json")) == load_originals(str(tmp_path / "m.yaml"))


def test_yaml_uses_libyaml_when_present() -> None:
    if not yaml.__with_libyaml__:
        pytest.skip("PyYAML built without libyaml")
    assert strict_yaml.safe_loader() is yaml.CSafeLoader
    with pytest.raises(strict_yaml.ConfigError, match=r"x\.yaml:4: invalid YAML"):
        strict_yaml.loads("a: 1\nb:\n  - [unclosed\nc: 2\n", "x.yaml")


def test_json_lines_scan_handles_escapes_and_nesting() -> None:
    text = '{\n "a\\"b": [1,\n  {"c": "x\\\\"},\n  [2, 3]],\n "d": null}'
    lines = strict_yaml.json_lines(text)
    assert lines[("a\"b",)] == 2 and lines[("a\"b", 1)] == 3 and lines[("a\"b", 1, "c")] == 3
    assert lines[("a\"b", 2)] == 4 and lines[("d",)] == 5


def test_everyday_entries_checked_inline_give_what_the_document_checks_give(tmp_path, monkeypatch) -> None:
    """_manifest() checks entries of the everyday shape inline (_plain_original); the same Originals as _entry()."""
    from checker import originals as originals_module
    entries = [
        ENTRY,
        dict(ENTRY, id=7, url="https://o.example/7"),  # a number for an id: left to _entry()
        dict(ENTRY, id="  b  ", url=" https://o.example/b ", authors=["  Jane Doe "], title="  A   title \n"),
        dict(ENTRY, id="", url="https://o.example/c", text="  Not\r\nnormal   text\n\n\n\nat all  "),
        {"url": "https://o.example/d", "authors": ["J D"], "published": None, "title": None, "text": None},
        dict(ENTRY, id="e", url="https://o.example:8443/e", published="2026-02-03T10:00:00Z", text="   "),
        dict(ENTRY, id="f", url="https://o.example/f", text="Caf\u00e9\u00a0cr\u00e8me\u2003and\ttabs"),
    ]
    for name, text in (("m.json", json.dumps({"originals": entries})),
                       ("m.yaml", yaml.safe_dump(entries, allow_unicode=True))):
        (tmp_path / name).write_text(text, "utf-8")
        checked_inline = []
        plain_original = originals_module._plain_original
        monkeypatch.setattr(originals_module, "_plain_original",
                            lambda *args: checked_inline.append(plain_original(*args)) or checked_inline[-1])
        inline = load_originals(str(tmp_path / name))
        assert sum(o is not None for o in checked_inline) >= 4  # most went the inline way
        monkeypatch.setattr(originals_module, "_plain_original", lambda *args: None)
        assert load_originals(str(tmp_path / name)) == inline
        monkeypatch.undo()
        assert [o.id for o in inline] == ["a1", "7", "b", "https://o.example/c", "https://o.example/d", "e", "f"]
