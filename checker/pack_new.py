"""`syndicheck rules --new DIR`: write a commented starting license pack that passes `syndicheck rules --test DIR`."""
from __future__ import annotations

from pathlib import Path

from .strict_yaml import ConfigError

LICENSE = """\
# A license pack: the licensor's facts (this file) and its rules (one YAML file each, listed under
# `rules:`). Every key is explained in docs/packs.md. Replace the values marked FILL IN with your own,
# then run `syndicheck rules --test {dir}` after each change: every rule's examples must still hold.
id: {id}                            # short name, used in reports and with --license
name: Example Newsroom              # FILL IN: the licensor's name as a byline or credit line gives it
url: https://newsroom.example       # FILL IN: the licensor's site
aliases:                            # FILL IN: every name that credits the licensor (whole words, any case)
  - Example Newsroom
  - The Example Newsroom
not_aliases: []                     # names of other organisations that must never count as the licensor
notice: >-                          # the license notice, quoted in fixes
  Republish this article for free under our license: credit the author and Example Newsroom, link to
  the original and do not edit the text.
notice_markers:                     # text that identifies the notice (it never counts as a credit)
  - republish this article for free
non_person_credits:                 # bylines that credit no person ("By Staff")
  - Staff
  - Example Newsroom
credit_lines:                       # FILL IN: the credit line your terms ask for; {{name}} is any alias
  - "This article was originally published by {{name}}"
  - "Originally published by {{name}}"
pixel_hosts: []                     # FILL IN (with rule pixel.yaml): the host serving your tracking pixel
match:
  min_containment: 0.5              # share of the original's text a page must contain to be a copy
rules:                              # the rule files, in the order reports list them
  - byline.yaml
  - credit.yaml
# The original the rule files' examples copy: {{{{ARTICLE}}}} in an example expands to its paragraphs.
example_original:
  id: example-1
  url: https://newsroom.example/2026/01/05/library-hours/
  title: County Library Extends Weekend Hours
  authors: [Sam Rivera]
  published: "2026-01-05"
  text: |
    The county library board voted on Monday to keep its three largest branches open until 8 p.m. on Saturdays and Sundays, starting next month.

    Library director Paula Grant said evening visits had doubled since a pilot program began last spring, mostly from students and shift workers.

    The longer hours will cost about $140,000 a year, which the board plans to cover from a state grant and a reduction in printed periodicals.
"""

BYLINE = """\
# One rule: what it requires (description, shown in reports), how to fix a failure (fix), the checks it
# is built from (all must pass; `syndicheck rules --help` and docs/packs.md list every check), and
# examples: small pages with the outcome the rule must give. Keep a passing and a failing example.
id: byline
title: Author's byline
severity: error                     # error | warning | info (with --fail-on, decides the exit code)
description: >
  Every author of the original is named in a visible byline of the copy.
fix: >
  Keep the original byline: "By Sam Rivera, Example Newsroom".
checks:
  - byline.authors_credited
  # - affiliation.attached_to_byline    # uncomment when the terms ask for the licensor's name in the byline
examples:
  - name: plain byline
    expect: pass
    html: |
      <html><body><article><h1>County Library Extends Weekend Hours</h1><p>By Sam Rivera</p>{{ARTICLE}}</article></body></html>
  - name: no byline
    expect: fail
    html: |
      <html><body><article><h1>County Library Extends Weekend Hours</h1>{{ARTICLE}}</article></body></html>
"""

CREDIT = """\
# The credit line (one of license.yaml's credit_lines) at the article's head or foot, and a visible link
# to the original. Further rules to add from docs/packs.md: pixel.present, text.unedited, logo.licensor_image.
id: credit
title: Credit line with a link to the original
severity: error
description: >
  A credit line ("This article was originally published by Example Newsroom") at the head or foot of
  the article, and a visible link to the original.
fix: >
  End the article with "This article was originally published by Example Newsroom", linked to the original.
checks:
  - {id: credit.line_present, with: {where: head-or-foot}}   # where: head-or-foot | head | foot | anywhere
  - {id: link.to_original, with: {canonical: false}}          # canonical: true lets <link rel=canonical> count
examples:
  - name: credit line at the foot, linked
    expect: pass
    html: |
      <html><body><article><h1>County Library Extends Weekend Hours</h1><p>By Sam Rivera</p>{{ARTICLE}}
      <p>This article was originally published by <a href="https://newsroom.example/2026/01/05/library-hours/">Example Newsroom</a>.</p></article></body></html>
  - name: no credit line
    expect: fail
    html: |
      <html><body><article><h1>County Library Extends Weekend Hours</h1><p>By Sam Rivera</p>{{ARTICLE}}</article></body></html>
"""


def new_pack(directory: str) -> list[Path]:
    """Write the starting pack into `directory` (created; it must not hold a pack already); the files written."""
    root = Path(directory)
    if root.exists() and not root.is_dir():
        raise ConfigError(str(root), None, "", "exists and is not a directory")
    existing = [p.name for p in (root.iterdir() if root.is_dir() else ()) if p.suffix in (".yaml", ".yml")]
    if existing:
        raise ConfigError(str(root), None, "", f"already holds {', '.join(sorted(existing))}; give a new or empty directory")
    pack_id = "".join(c if c.isalnum() or c in "-_" else "-" for c in root.resolve().name.lower()).strip("-") or "my-pack"
    files = {"license.yaml": LICENSE.format(id=pack_id, dir=directory), "byline.yaml": BYLINE, "credit.yaml": CREDIT}
    try:
        root.mkdir(parents=True, exist_ok=True)
        written = []
        for name, text in files.items():
            path = root / name
            path.write_text(text, encoding="utf-8")
            written.append(path)
    except OSError as exc:
        raise ConfigError(str(root), None, "", f"cannot write the pack: {exc.strerror or exc}") from None
    return written
