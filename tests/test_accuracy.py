"""Accuracy floors: the checker judged on labelled DCNF copies built in real layouts, and on real bylines."""
from __future__ import annotations

import importlib.util
import json
import os
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Optional

import pytest
import yaml

HERE = Path(__file__).resolve().parent
ACCURACY = HERE / "accuracy"
RULES = ("logo", "byline", "affiliation")
PRECISION_FLOOR = 0.98
RECALL_FLOOR = 0.97
REAL_BYLINE_FLOOR = 0.95


def corpus_path() -> Optional[Path]:
    """../shared/corpus/real-pages beside the repository, or $SYNDICHECK_CORPUS."""
    cands: list[Path] = []
    env = os.environ.get("SYNDICHECK_CORPUS")
    if env:
        p = Path(env)
        cands += [p, p / "real-pages", p / "corpus" / "real-pages"]
    cands.append(Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "real-pages")
    for c in cands:
        if c.is_dir() and any(c.glob("*/source.html")):
            return c
    return None


def load_build() -> ModuleType:
    """tests/accuracy/build.py, imported by path (tests/ is not a package)."""
    name = "syndicheck_accuracy_build"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ACCURACY / "build.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


@dataclass
class Outcome:
    """What the checker said about one case."""

    status: str
    original_id: Optional[str] = None
    score: Optional[float] = None
    rules: dict[str, str] = field(default_factory=dict)  # rule -> pass/fail/review/not-applicable/missing
    messages: dict[str, str] = field(default_factory=dict)
    error: Optional[str] = None


def to_originals(articles: list[dict[str, Any]]) -> list[Any]:
    from checker.models import Original

    return [Original(id=a["id"], url=a["url"], title=a.get("title") or "", authors=tuple(a["authors"]),
                     published=a.get("published") or None, text=a.get("text") or "") for a in articles]


def summarise(result: Any) -> Outcome:
    out = Outcome(status=result.status.value, error=getattr(result, "error", None))
    if result.original is not None:
        out.original_id = result.original.id
    if result.match is not None:
        out.score = round(float(result.match.score), 3)
    for f in result.findings:
        if f.rule in RULES and f.rule not in out.rules:
            out.rules[f.rule] = f.outcome.value
            ev = "; ".join(f"{e.selector} «{(e.snippet or '')[:80]}»" for e in f.evidence[:2])
            out.messages[f.rule] = f"{f.message}" + (f" [evidence: {ev}]" if ev else "")
    return out


# --------------------------------------------------------------------------------------------
# fixtures
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def corpus() -> Path:
    path = corpus_path()
    if path is None:
        pytest.skip("real-pages corpus not found (../shared/corpus/real-pages or $SYNDICHECK_CORPUS)")
    return path


@pytest.fixture(scope="session")
def built(corpus: Path) -> Any:
    return load_build().build(corpus)


@pytest.fixture(scope="session")
def outcomes(built: Any) -> dict[str, Outcome]:
    from checker.api import check_html

    originals_cache: dict[int, list[Any]] = {}
    out: dict[str, Outcome] = {}
    for case in built.cases:
        key = id(case["originals"])
        if key not in originals_cache:
            originals_cache[key] = to_originals(case["originals"])
        try:
            res = check_html(case["html"], originals_cache[key], url=f"file:///{case['name']}.html")
            out[case["name"]] = summarise(res)
        except Exception as e:  # a crash is an error outcome, reported with the case
            out[case["name"]] = Outcome(status="crash", error=f"{type(e).__name__}: {e}")
    report = os.environ.get("SYNDICHECK_ACCURACY_REPORT")
    if report:
        Path(report).write_text(json.dumps({
            name: {"expect": c["expect"], "shape": c["shape"], "layout": c["layout"], "got": vars(out[name])}
            for c in built.cases for name in [c["name"]]}, indent=1, ensure_ascii=False), encoding="utf-8")
    return out


# --------------------------------------------------------------------------------------------
# the generated corpus itself
# --------------------------------------------------------------------------------------------


def test_generated_corpus_is_large_and_balanced(built: Any, corpus: Path) -> None:
    cases = built.cases
    copies = [c for c in cases if c["category"] == "copy"]
    layouts = {c["layout"] for c in copies}
    assert len(cases) >= 300, len(cases)
    assert len(copies) >= 150, len(copies)
    assert len(layouts) >= 40, sorted(layouts)
    assert sum(c["category"] == "unmodified" for c in cases) == len(list(corpus.glob("*/source.html")))
    for rule in RULES:
        cnt = Counter(c["expect"][rule] for c in copies)
        assert cnt["pass"] >= 40 and cnt["fail"] >= 40, (rule, cnt)
    names = [c["name"] for c in cases]
    assert len(names) == len(set(names))


def test_generator_is_deterministic(built: Any, corpus: Path) -> None:
    again = load_build().build(corpus)
    a = [(c["name"], c["shape"], hash(c["html"])) for c in built.cases]
    b = [(c["name"], c["shape"], hash(c["html"])) for c in again.cases]
    assert a == b


# --------------------------------------------------------------------------------------------
# copy detection
# --------------------------------------------------------------------------------------------


def _fmt_status(c: dict[str, Any], o: Outcome) -> str:
    extra = f" score={o.score}" if o.score is not None else ""
    extra += f" paired={o.original_id}" if o.original_id else ""
    extra += f" error={o.error}" if o.error else ""
    return f"  {c['name']} [{c['shape']}] -> {o.status}{extra}"


def test_unmodified_real_pages_are_not_copies(built: Any, outcomes: dict[str, Outcome]) -> None:
    bad = [_fmt_status(c, outcomes[c["name"]]) for c in built.cases
           if c["category"] == "unmodified" and outcomes[c["name"]].status != "not-a-copy"]
    assert not bad, f"{len(bad)} unmodified real pages not reported as not-a-copy:\n" + "\n".join(bad)


def test_pages_mentioning_dcnf_are_not_copies(built: Any, outcomes: dict[str, Outcome]) -> None:
    bad = [_fmt_status(c, outcomes[c["name"]]) for c in built.cases
           if c["category"] == "decoy" and outcomes[c["name"]].status != "not-a-copy"]
    assert not bad, f"{len(bad)} real pages with a DCNF mention/logo in their chrome taken for copies:\n" + "\n".join(bad)


def test_every_copy_is_recognised(built: Any, outcomes: dict[str, Outcome]) -> None:
    bad = []
    for c in built.cases:
        if c["category"] != "copy":
            continue
        o = outcomes[c["name"]]
        if o.status in ("not-a-copy", "error", "crash"):
            bad.append(_fmt_status(c, o))
        elif o.original_id is not None and o.original_id != c["original_id"]:
            bad.append(_fmt_status(c, o) + f" (expected pairing {c['original_id']})")
    assert not bad, f"{len(bad)} copies not recognised (or paired with the wrong original):\n" + "\n".join(bad)


# --------------------------------------------------------------------------------------------
# per-rule violation precision / recall
# --------------------------------------------------------------------------------------------


@dataclass
class Matrix:
    rule: str
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    review_on_fail: int = 0
    review_on_pass: int = 0
    other: Counter = field(default_factory=Counter)  # not-applicable / missing outcomes
    wrong: list[str] = field(default_factory=list)
    reviews: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    def table(self) -> str:
        return (f"[{self.rule}] violations: TP={self.tp} FP={self.fp} FN={self.fn} TN={self.tn} | "
                f"review: on expected-fail={self.review_on_fail} on expected-pass={self.review_on_pass} | "
                f"other outcomes: {dict(self.other) or '-'} | precision={self.precision:.3f} recall={self.recall:.3f}")


def rule_matrix(rule: str, built: Any, outcomes: dict[str, Outcome]) -> Matrix:
    m = Matrix(rule)
    by_shape: dict[str, list[str]] = defaultdict(list)
    for c in built.cases:
        if c["category"] != "copy":
            continue
        o = outcomes[c["name"]]
        want = c["expect"][rule]
        got = o.rules.get(rule, "missing" if o.status not in ("error", "crash") else o.status)
        violation = got == "fail"
        if got == "review":
            if want == "fail":
                m.review_on_fail += 1
            else:
                m.review_on_pass += 1
            m.reviews.append(f"    {c['name']} [{c['shapes'].get(rule)}] expected {want}: {o.messages.get(rule, '')}")
        elif got not in ("pass", "fail"):
            m.other[got] += 1
        if want == "fail" and violation:
            m.tp += 1
        elif want == "fail":
            m.fn += 1
        elif violation:
            m.fp += 1
        else:
            m.tn += 1
        if (want == "fail") != violation:
            by_shape[str(c["shapes"].get(rule))].append(
                f"    {c['name']} expected {want}, got {got} (status {o.status}) | {c['shape']}\n"
                f"        message: {o.messages.get(rule) or o.error or '(no finding)'}")
    for shape in sorted(by_shape):
        m.wrong.append(f"  shape {shape}: {len(by_shape[shape])}")
        m.wrong.extend(by_shape[shape])
    return m


@pytest.mark.parametrize("rule", RULES)
def test_rule_violation_precision_and_recall(rule: str, built: Any, outcomes: dict[str, Outcome]) -> None:
    m = rule_matrix(rule, built, outcomes)
    print("\n" + m.table())
    if m.wrong:
        print("misclassified:\n" + "\n".join(m.wrong))
    msg = m.table()
    if m.wrong:
        msg += "\nmisclassified cases, by shape:\n" + "\n".join(m.wrong)
    if m.reviews:
        msg += f"\nreview outcomes ({len(m.reviews)}):\n" + "\n".join(m.reviews[:40])
    assert m.precision >= PRECISION_FLOOR and m.recall >= RECALL_FLOOR, msg


# --------------------------------------------------------------------------------------------
# the checker on the real pages' own bylines
# --------------------------------------------------------------------------------------------


def _judged() -> dict[str, dict[str, Any]]:
    data = yaml.safe_load((ACCURACY / "real_bylines.yaml").read_text(encoding="utf-8"))
    return {str(k): v for k, v in (data.get("pages") or {}).items()}


def _persons(page: Path) -> list[str]:
    meta = json.loads((page / "meta.json").read_text(encoding="utf-8"))
    return list(meta.get("persons") or [])


def test_every_real_byline_page_is_judged(corpus: Path) -> None:
    judged = _judged()
    missing = [p.name for p in sorted(corpus.iterdir())
               if (p / "meta.json").is_file() and _persons(p) and p.name not in judged]
    assert not missing, f"pages with persons but no entry in real_bylines.yaml: {missing}"
    for name, v in judged.items():
        assert isinstance(v.get("visible"), bool) and v.get("reason"), name


def test_real_bylines(corpus: Path) -> None:
    from checker.api import check_html
    from checker.models import Original

    judged = _judged()
    checked, misses = 0, []
    for page in sorted(corpus.iterdir()):
        if not (page / "meta.json").is_file() or not judged.get(page.name, {}).get("visible"):
            continue
        persons = _persons(page)
        if not persons:
            continue
        meta = json.loads((page / "meta.json").read_text(encoding="utf-8"))
        orig = Original(id="real", url="https://example.invalid/x", title=meta.get("title") or "",
                        authors=tuple(persons), text="")
        html = (page / "source.html").read_bytes().decode("utf-8", errors="replace")
        checked += 1
        try:
            res = check_html(html, [orig], url=f"file:///{page.name}/source.html", force=True)
        except TypeError as e:
            pytest.fail(f"check_html(..., force=True) is not supported: {e}")
        except Exception as e:
            misses.append(f"  {page.name}: crash {type(e).__name__}: {e}")
            continue
        f = next((f for f in res.findings if f.rule == "byline"), None)
        if f is None or f.outcome.value != "pass":
            got = f.outcome.value if f else f"no byline finding (status {res.status.value})"
            misses.append(f"  {page.name} persons={persons} -> {got}: {f.message if f else ''}"
                          f"  [byline on page: {judged[page.name]['reason']}]")
    rate = (checked - len(misses)) / checked if checked else 1.0
    msg = f"real visible bylines: {checked - len(misses)}/{checked} pass ({rate:.1%}, floor {REAL_BYLINE_FLOOR:.0%})"
    print("\n" + msg + ("\nmisses:\n" + "\n".join(misses) if misses else ""))
    assert checked >= 40, f"only {checked} real pages judged with a visible byline"
    assert rate >= REAL_BYLINE_FLOOR, msg + "\nmisses:\n" + "\n".join(misses)
