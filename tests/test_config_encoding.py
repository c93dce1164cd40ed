"""Config files and manifests as Windows editors save them: a UTF-8 byte-order mark is read past (TOML refused it:
'Invalid statement (at line 1, column 1)'); UTF-16 is named as such instead of 'not UTF-8 text (byte 0)'."""
from __future__ import annotations

import json

import pytest

from checker.cli import main


@pytest.fixture
def site(staff_copy_site):
    return staff_copy_site


def test_a_toml_file_with_a_byte_order_mark_is_read(site, capsys):
    (site / "syndicheck.toml").write_bytes(b"\xef\xbb\xbf" + b'originals = ["originals.yaml"]\nrender = "never"\n'
                                           b'format = "json"\n')
    assert main(["check", "copy.html"]) == 1
    assert json.loads(capsys.readouterr().out)["summary"]["violation"] == 1


@pytest.mark.parametrize("name, command", [
    ("syndicheck.toml", ["check", "copy.html"]),
    ("originals.yaml", ["check", "copy.html", "--originals", "originals.yaml", "--no-config"]),
    ("audit.yaml", ["audit", "--config", "audit.yaml"]),
])
def test_utf16_files_are_named_as_such(site, capsys, name, command):
    text = (site / name).read_text() if (site / name).exists() else 'originals = ["originals.yaml"]\n'
    if name == "audit.yaml":
        text = "originals: {manifests: [originals.yaml]}\npartners: [{id: p, name: P, urls: [https://p.example/]}]\n"
    (site / name).write_bytes(text.encode("utf-16"))
    assert main([*command, "--render", "never"] if command[0] == "check" else command) == 2
    err = capsys.readouterr().err
    assert err.strip().endswith(f"{name}: not UTF-8 text: it is UTF-16 (a byte-order mark starts it); "
                                "save it as UTF-8"), err
