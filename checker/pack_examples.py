"""`syndicheck rules --test`: run every example of one or more license packs and say, per example, whether it gives the outcome it declares."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Optional, TextIO

from .models import Original
from .ruleset import RULES_DIR, Example, LicensePack, Rule, load_pack, resolve_pack
from .strict_yaml import ConfigError

ARTICLE = "{{ARTICLE}}"


@dataclass(frozen=True)
class ExampleResult:
    pack: str
    rule: str
    example: Example
    got: Optional[str]  # the rule's outcome on the example page; None when the page was not a copy
    message: str

    @property
    def ok(self) -> bool:
        return self.got == self.example.expect.value


def article_html(original: Original) -> str:
    """What {{ARTICLE}} in an example expands to: the example original's paragraphs, one <p> each."""
    return "".join(f"<p>{p.strip()}</p>\n" for p in original.text.split("\n\n") if p.strip())


def example_page(example: Example, original: Original) -> str:
    return example.html.replace(ARTICLE, article_html(original))


def pack_dirs(target: Optional[str]) -> list[Path]:
    """The packs to test: one pack (a name, a directory or its license.yaml), every pack in a directory of
    packs, or (no target) every bundled pack under rules/."""
    if not target:
        base = RULES_DIR
    else:
        path = Path(target)
        if path.is_dir() and not (path / "license.yaml").is_file():
            base = path
        else:
            return [resolve_pack(target)]
    found = sorted(p for p in base.iterdir() if (p / "license.yaml").is_file()) if base.is_dir() else []
    if not found:
        raise ConfigError(str(base), None, "", "no license pack here (a pack is a directory with a license.yaml)")
    return found


def run_rule(pack: LicensePack, rule: Rule, original: Original) -> Iterator[ExampleResult]:
    from .api import check_html

    for ex in rule.examples:
        result = check_html(example_page(ex, original), [original], pack=pack)
        finding = next((f for f in result.findings if f.rule == rule.id), None)
        if finding is None:
            why = result.error or f"the page is {result.status.value}, not a copy of the example original"
            yield ExampleResult(pack.id, rule.id, ex, None, why)
        else:
            yield ExampleResult(pack.id, rule.id, ex, finding.outcome.value, finding.message)


def run_pack(directory: Path) -> Iterator[ExampleResult]:
    """Every example of the pack, in rule-file order; a pack error raises ConfigError."""
    pack = load_pack(str(directory))
    with_examples = [r for r in pack.rules if r.examples]
    if with_examples and pack.example_original is None:
        raise ConfigError(str(Path(pack.directory) / "license.yaml"), None, "example_original",
                          f"the rules have examples ({with_examples[0].source}) but the pack gives no example "
                          "original for {{ARTICLE}} to expand to")
    for rule in pack.rules:
        if pack.example_original is not None:
            yield from run_rule(pack, rule, pack.example_original)


def line_for(r: ExampleResult) -> str:
    ex = r.example
    where = f"{_short(ex.source)}:{ex.line}" if ex.line else _short(ex.source)
    if r.ok:
        return f"PASS  {where}  {r.rule}: {ex.name} ({r.got})"
    got = r.got or "not a copy"
    return f"FAIL  {where}  {r.rule}: {ex.name}: expected {ex.expect.value}, got {got}: {r.message}"


def _short(path: str) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return path


def run_examples(target: Optional[str], out: TextIO) -> int:
    """Print one line per example and a summary per pack; 0 when every example holds, 1 otherwise."""
    failed = total = 0
    for directory in pack_dirs(target):
        n_pack = f_pack = 0
        for r in run_pack(directory):
            print(line_for(r), file=out)
            n_pack += 1
            f_pack += not r.ok
        print(f"{directory.name}: {n_pack - f_pack} of {n_pack} examples hold" +
              (" (this pack has no examples: add some under each rule's `examples:`)" if not n_pack else ""), file=out)
        total += n_pack
        failed += f_pack
    return 1 if failed else 0
