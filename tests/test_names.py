"""Person-name matching: case, accents, punctuation, whitespace and middle initials ignored; surname alone never."""
from __future__ import annotations

import pytest

from checker.names import find_name, fold_tokens, name_forms


def named(name: str, text: str) -> bool:
    return any(find_name(f, fold_tokens(text)) for f in name_forms(name))


@pytest.mark.parametrize("name,text", [
    ("José Ñúñez", "By JOSE NUNEZ"),
    ("Mary K. Olsen", "By Mary Olsen, DCNF"),
    ("Mary Olsen", "By Mary K. Olsen"),
    ("Priya Raman", "By Priya R. Raman, Daily Caller News Foundation"),
    ("Gina Roberts-Grey", "by Gina Roberts Grey"),
    ("Michiel de Jong", "Jong, Michiel de"),
    ("A.J. Smith", "By AJ Smith"),
    ("Lucas Nolan", "by Lucas Nolan22 Dec 2016"),
    ("Marcus Hale", "Marcus HaleDaily Caller News Foundation"),
    ("Bruno (Henrique Zecchin) Rodrigues", "Por Bruno Rodrigues"),
    ("Jane Doe", "by   jane\n  doe"),
])
def test_matches(name, text):
    assert named(name, text)


@pytest.mark.parametrize("name,text", [
    ("Jane Doe", "By Doe"),
    ("Jane Doe", "By Janet Doe"),
    ("Jane Doe", "By Jane Smith"),
    ("Jane Doe", "By Staff"),
    ("Hannah Brooks", "By Hannah Brookshire"),
])
def test_does_not_match(name, text):
    assert not named(name, text)


def test_a_generational_suffix_may_be_left_out_of_the_byline():
    from checker.names import find_name, fold_tokens, name_forms

    forms = name_forms("Robert Smith Jr.")
    assert any(find_name(f, fold_tokens("By Robert Smith, Outlet")) for f in forms)
    assert any(find_name(f, fold_tokens("By Robert Smith Jr., Outlet")) for f in forms)
    assert not any(find_name(f, fold_tokens("By Robert Smithers, Outlet")) for f in forms)
    assert len(name_forms("Anna Jrson")) == 1  # only a separate suffix word is one
