"""The accuracy evaluation shared by tests/test_accuracy.py and tests/accuracy/run.py: cases, checks, matrices."""
from __future__ import annotations

import hashlib
import importlib.util
import json
import multiprocessing as mp
import os
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Iterable, Optional, Sequence

import yaml

HERE = Path(__file__).resolve().parent
RULES = ("logo", "byline", "affiliation")
SPLITS = ("tune", "test")

# ---- issue 10's targets ("Done when"): reported with the gap on every run (run.py, the gate's output) ----
PRECISION_FLOOR = 0.99  # violation precision per rule: a `fail` on a copy that complied is a false accusation
RECALL_FLOOR = 0.98  # violation recall per rule
REVIEW_CEILING = 0.03  # `review` where pass or fail was expected, as a share of copies, per rule
REVIEW_EXPECTED_FLOOR = 0.98  # share of review-expected cases answered `review` (a verdict there is wrong)
REAL_BYLINE_PASS_FLOOR = 0.97  # real persons' visible bylines: byline `pass`
REAL_BYLINE_FAIL_FLOOR = 0.99  # the same page credited to someone else: byline `fail`

# ---- what the gate asserts (test split, worst seed): a ratchet at the figures the checks reach today ----
# The targets above are not all met yet (README "Accuracy" gives both). These floors sit just under the
# measured figures so that any regression fails CI; raise them when the checks improve, never lower them
# to let a change through.
GATE_FLOORS: dict[str, dict[str, float]] = {
    "logo": {"precision": 0.99, "recall": 0.98, "review_ceiling": 0.03, "review_expected": 0.98},
    # Re-based 2026-12-07 (twelfth session) to the new test split: half of the old one was released into the tuning
    # split (build.RELEASED_HALF), the other half stays held out. On that half, before any change of the session
    # and again after all of them, the worst seed gives byline precision 0.870 (3 false fails of 23) and
    # affiliation 0.912 (3 of 34), recall 1.000, review-expected 2/3; a seed holds 20-25 flagged copies and 0-5
    # review-expected cases, so one case moves precision 4 points and review-expected 20-33. The floors sit under
    # those figures; the old split's were byline 0.90, affiliation 0.93, review-expected 0.80.
    "byline": {"precision": 0.85, "recall": 0.97, "review_ceiling": 0.03, "review_expected": 0.66},
    "affiliation": {"precision": 0.90, "recall": 0.98, "review_ceiling": 0.03, "review_expected": 0.66},
}
GATE_REAL_BYLINE_PASS = 0.97
GATE_REAL_BYLINE_FAIL = 0.99
# Real pages that credit no person yet pass, per split: the tune split's one is a blog whose handle
# ("史蒂文的家_藍天") is credited as the post's author in a byline-shaped line ("... 發表在 痞客邦 PIXNET").
GATE_NO_PERSON_PASSED = {"tune": 1, "test": 0}
TARGETS = {"precision": PRECISION_FLOOR, "recall": RECALL_FLOOR, "review_ceiling": REVIEW_CEILING,
           "review_expected": REVIEW_EXPECTED_FLOOR}

N_SEEDS = 5
SHOW_TEST_ENV = "SYNDICHECK_ACCURACY_SHOW_TEST"

# names that appear on no corpus page, credited instead of the page's real persons
STRANGERS = ["Harriet Quenneville", "Osric Vandermeulen", "Prudence Albescu", "Thaddeus Whitcombe-Ray"]


def load_build() -> ModuleType:
    """tests/accuracy/build.py, imported by path (tests/ is not a package)."""
    return _load_by_path("syndicheck_accuracy_build", "build.py")


def _load_by_path(name: str, filename: str) -> ModuleType:
    """A module of this folder imported by path once, under `name`."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, HERE / filename)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


def seeds(n: int = N_SEEDS) -> list[int]:
    """The generator's seeds: the historical one first, then fixed others (deterministic)."""
    base = load_build().SEED
    return [base + 7919 * k for k in range(n)]


def show_test() -> bool:
    return os.environ.get(SHOW_TEST_ENV, "") not in ("", "0")


# --------------------------------------------------------------------------------------------
# running the checker (in worker processes)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Task:
    """One page to check: `originals` is None for the DCNF article set, else explicit original dicts."""

    name: str
    html: str
    originals: Optional[tuple[dict[str, Any], ...]] = None
    force: bool = False
    unknown_authors: Optional[str] = None  # id of a DCNF original whose authors the licensor does not know
    pack: Optional[str] = None  # the license pack to check with (None: the default pack)


@dataclass
class Outcome:
    """What the checker said about one case."""

    status: str
    original_id: Optional[str] = None
    score: Optional[float] = None
    rules: dict[str, str] = field(default_factory=dict)  # rule -> pass/fail/review/not-applicable/missing
    messages: dict[str, str] = field(default_factory=dict)
    error: Optional[str] = None


_DCNF: dict[Optional[str], list[Any]] = {}
_PACKS: dict[str, Any] = {}


def to_originals(articles: Iterable[dict[str, Any]], no_authors: Optional[str] = None) -> list[Any]:
    from checker.models import Original

    return [Original(id=a["id"], url=a["url"], title=a.get("title") or "",
                     authors=() if a["id"] == no_authors else tuple(a["authors"]),
                     published=a.get("published") or None, text=a.get("text") or "") for a in articles]


def summarise(result: Any) -> Outcome:
    out = Outcome(status=result.status.value, error=getattr(result, "error", None))
    if result.original is not None:
        out.original_id = result.original.id
    if result.match is not None:
        out.score = round(float(result.match.score), 3)
    for f in result.findings:
        if f.rule not in out.rules:
            out.rules[f.rule] = f.outcome.value
            ev = "; ".join(f"{e.selector} «{(e.snippet or '')[:80]}»" for e in f.evidence[:2])
            out.messages[f.rule] = f"{f.message}" + (f" [evidence: {ev}]" if ev else "")
    return out


def check_task(task: Task) -> tuple[str, Outcome]:
    """Run checker.api.check_html on one task; a crash is an outcome, not an exception."""
    from checker.api import check_html

    try:
        if task.originals is None:
            key = task.unknown_authors
            if key not in _DCNF:
                _DCNF[key] = to_originals(load_build().load_articles(), no_authors=key)
            origs = _DCNF[key]
        else:
            origs = to_originals(task.originals)
        pack = None
        if task.pack is not None:
            from checker.ruleset import load_pack

            pack = _PACKS.get(task.pack) or _PACKS.setdefault(task.pack, load_pack(task.pack))
        res = check_html(task.html, origs, url=f"file:///{task.name}.html", force=task.force, pack=pack)
        return task.name, summarise(res)
    except Exception as e:  # reported with the case
        return task.name, Outcome(status="crash", error=f"{type(e).__name__}: {e}")


def _pool(jobs: int) -> Any:
    return mp.get_context("fork" if sys.platform != "win32" else "spawn").Pool(jobs)


def run_tasks(tasks: Sequence[Task], jobs: int = 2) -> dict[str, Outcome]:
    if jobs <= 1 or len(tasks) < 8:
        return dict(map(check_task, tasks))
    with _pool(jobs) as pool:
        return dict(pool.imap_unordered(check_task, tasks, chunksize=4))


def case_task(case: dict[str, Any]) -> Task:
    return Task(name=case["name"], html=case["html"], unknown_authors=case.get("unknown_authors"))


# --------------------------------------------------------------------------------------------
# per-rule matrices
# --------------------------------------------------------------------------------------------


@dataclass(repr=False)
class Matrix:
    """Violation confusion counts of one rule over the copies of one seed and split."""

    rule: str
    seed: int = 0
    split: str = ""
    copies: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    review_unexpected: int = 0  # review where pass or fail was expected
    review_expected: int = 0  # cases whose expected outcome is review
    review_expected_wrong: int = 0  # ... answered pass or fail
    other: Counter = field(default_factory=Counter)  # not-applicable / missing / crash outcomes
    wrong: list[dict[str, Any]] = field(default_factory=list)  # misclassified cases (details)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def review_rate(self) -> float:
        return self.review_unexpected / self.copies if self.copies else 0.0

    @property
    def review_expected_rate(self) -> float:
        ok = self.review_expected - self.review_expected_wrong
        return ok / self.review_expected if self.review_expected else 1.0

    def __repr__(self) -> str:  # aggregates only: a failing assert must not show test-split cases
        return f"Matrix({self.table()})"

    def table(self) -> str:
        return (f"[{self.rule} seed={self.seed} {self.split}] copies={self.copies} TP={self.tp} FP={self.fp} "
                f"FN={self.fn} TN={self.tn} precision={self.precision:.3f} recall={self.recall:.3f} | "
                f"unexpected review={self.review_unexpected} ({self.review_rate:.1%}) | review expected: "
                f"{self.review_expected - self.review_expected_wrong}/{self.review_expected} | "
                f"other: {dict(self.other) or '-'}")

    def figures(self) -> dict[str, Any]:
        return {"seed": self.seed, "split": self.split, "copies": self.copies, "tp": self.tp, "fp": self.fp,
                "fn": self.fn, "tn": self.tn, "precision": round(self.precision, 4), "recall": round(self.recall, 4),
                "review_unexpected": self.review_unexpected, "review_rate": round(self.review_rate, 4),
                "review_expected": self.review_expected, "review_expected_wrong": self.review_expected_wrong,
                "other": dict(self.other)}


def got_of(o: Outcome, rule: str) -> str:
    return o.rules.get(rule, "missing" if o.status not in ("error", "crash") else o.status)


def rule_matrix(rule: str, cases: Sequence[dict[str, Any]], outcomes: dict[str, Outcome],
                seed: int = 0, split: str = "") -> Matrix:
    """A `fail` is a flagged violation; a `fail` where review was expected is a false accusation too."""
    m = Matrix(rule, seed=seed, split=split)
    for c in cases:
        if c["category"] != "copy":
            continue
        m.copies += 1
        o = outcomes[c["name"]]
        want, got = c["expect"][rule], got_of(o, rule)
        if got not in ("pass", "fail", "review"):
            m.other[got] += 1
        ok = got == want
        if want == "review":
            m.review_expected += 1
            if got in ("pass", "fail"):
                m.review_expected_wrong += 1
            if got == "fail":
                m.fp += 1
        else:
            if got == "review":
                m.review_unexpected += 1
            if want == "fail" and got == "fail":
                m.tp += 1
            elif want == "fail":
                m.fn += 1
            elif got == "fail":
                m.fp += 1
            else:
                m.tn += 1
            ok = ok or (want == "pass" and got == "not-applicable")
        if not ok:
            m.wrong.append({"name": c["name"], "shape": str(c["shapes"].get(rule)), "full_shape": c["shape"],
                            "expected": want, "got": got, "status": o.status,
                            "message": o.messages.get(rule) or o.error or "(no finding)"})
    return m


# --------------------------------------------------------------------------------------------
# one seed: build, check, judge
# --------------------------------------------------------------------------------------------


@dataclass
class SeedResult:
    seed: int
    cases: list[dict[str, Any]]  # case metadata without html
    outcomes: dict[str, Outcome]
    layouts: list[str]
    skipped: dict[str, str]
    build_seconds: float
    check_seconds: float


def case_meta(case: dict[str, Any]) -> dict[str, Any]:
    """A case without its html and originals, with the html's sha256 (determinism is checked on it)."""
    meta = {k: v for k, v in case.items() if k not in ("html", "originals")}
    meta["sha256"] = hashlib.sha256(case["html"].encode("utf-8")).hexdigest()
    return meta


def run_seeds(seed_list: Sequence[int], jobs: int = 2, splits: Sequence[str] = SPLITS,
              corpus: Optional[Path] = None, progress: Any = None) -> list[SeedResult]:
    """Build each seed's cases and check those of the given splits; the next seed is built while the
    workers check the previous one. Unmodified pages do not depend on the seed: only the first seed has them."""
    b = load_build()
    out: list[SeedResult] = []
    pool = _pool(jobs) if jobs > 1 else None
    pending: Optional[tuple[Any, int, list[dict[str, Any]], Any, float, float]] = None

    def finish(p: tuple[Any, int, list[dict[str, Any]], Any, float, float]) -> None:
        handle, seed, meta, res, build_s, t_sub = p
        outcomes = dict(handle.get() if pool is not None else handle)
        r = SeedResult(seed, meta, outcomes, res.layouts, res.skipped, build_s, time.perf_counter() - t_sub)
        out.append(r)
        if progress:
            progress(f"seed {seed}: {len(meta)} cases, build {build_s:.1f}s, check (overlapping the next build) "
                     f"{r.check_seconds:.1f}s")

    try:
        for i, seed in enumerate(seed_list):
            t0 = time.perf_counter()
            res = b.build(corpus, seed=seed, include_unmodified=i == 0)
            cases = [c for c in res.cases if c["split"] in splits]
            meta = [case_meta(c) for c in cases]
            tasks = [case_task(c) for c in cases]
            res.cases = []  # the html is in the tasks now; do not keep two copies
            build_s = time.perf_counter() - t0
            if pending is not None:
                finish(pending)
            t_sub = time.perf_counter()
            handle = pool.map_async(check_task, tasks, chunksize=4) if pool is not None else list(map(check_task, tasks))
            pending = (handle, seed, meta, res, build_s, t_sub)
            del tasks, cases
        if pending is not None:
            finish(pending)
    finally:
        if pool is not None:
            pool.close()
            pool.join()
    return out


def not_copy_failures(cases: Sequence[dict[str, Any]], outcomes: dict[str, Outcome], category: str) -> list[dict[str, Any]]:
    return [{"name": c["name"], "shape": c["shape"], "status": outcomes[c["name"]].status,
             "paired": outcomes[c["name"]].original_id, "score": outcomes[c["name"]].score,
             "error": outcomes[c["name"]].error}
            for c in cases if c["category"] == category and outcomes[c["name"]].status != "not-a-copy"]


def recognition_failures(cases: Sequence[dict[str, Any]], outcomes: dict[str, Outcome]) -> list[dict[str, Any]]:
    bad = []
    for c in cases:
        if c["category"] != "copy":
            continue
        o = outcomes[c["name"]]
        if o.status in ("not-a-copy", "error", "crash") or (o.original_id is not None and o.original_id != c["original_id"]):
            bad.append({"name": c["name"], "shape": c["shape"], "status": o.status, "paired": o.original_id,
                        "expected_pairing": c["original_id"], "score": o.score, "error": o.error})
    return bad


# --------------------------------------------------------------------------------------------
# real bylines: each real page as a copy of its own original
# --------------------------------------------------------------------------------------------


def judged_real_pages() -> dict[str, dict[str, Any]]:
    data = yaml.safe_load((HERE / "real_bylines.yaml").read_text(encoding="utf-8"))
    return {str(k): v for k, v in (data.get("pages") or {}).items()}


@dataclass(frozen=True)
class BylineCase:
    """One real page checked as a copy of its own original credited to `authors`."""

    name: str
    page: str
    corpus: str
    split: str
    kind: str  # own (real persons, visible) | stranger (credited to someone else) | no-person | unknown
    expect: str  # pass | fail | not-pass | none (report only)
    authors: tuple[str, ...]


def _stranger(text: str) -> str:
    low = text.lower()
    return next(s for s in STRANGERS if s.split()[-1].lower() not in low)


_BYLINE_CASES: dict[str, tuple[list[BylineCase], list[Task], dict[str, str]]] = {}


def byline_cases(corpus: Optional[Path] = None) -> tuple[list[BylineCase], list[Task], dict[str, str]]:
    """Real-byline cases for real-pages (real_bylines.yaml) and fundus-pages (meta.json); skipped pages with why."""
    b = load_build()
    corpus = corpus or b.corpus_dir()
    if corpus is None:
        raise FileNotFoundError("real-pages corpus not found")
    key = str(corpus)
    if key not in _BYLINE_CASES:  # once per process: the gate's tests ask more than once
        _BYLINE_CASES[key] = _byline_cases(b, corpus)
    cases, tasks, skipped = _BYLINE_CASES[key]
    return list(cases), list(tasks), dict(skipped)


def _byline_cases(b: ModuleType, corpus: Path) -> tuple[list[BylineCase], list[Task], dict[str, str]]:
    judged = judged_real_pages()
    pages = b.load_pages(corpus)
    fd = b.fundus_dir(corpus)
    if fd is not None:
        pages += b.load_fundus_pages(fd)
    cases: list[BylineCase] = []
    tasks: list[Task] = []
    skipped: dict[str, str] = {}
    for page in pages:
        meta = page.meta
        persons = list(meta.get("persons") or [])
        if page.kind == "fundus":
            body = meta.get("body_visible_without_js")
            if body in ("none", "partial"):
                skipped[page.name] = f"body_visible_without_js={body}"
                continue
            visible = meta.get("byline_visible")
            text = "\n\n".join([meta.get("title") or "", *(meta.get("summary") or []), *(meta.get("paragraphs") or [])])
        else:
            j = judged.get(page.name)
            if persons and j is None:
                skipped[page.name] = "not judged in real_bylines.yaml"
                continue
            visible = bool(j["visible"]) if persons else False  # persons []: the page credits no person
            lay, _ = b.analyse_cached(page)
            # the original's text: the body the layout analysis found (no article text is recorded for real-pages)
            text = ""
            if lay is not None:
                doc = b.parse(page.text)
                text = "\n\n".join(b.vis_text(doc.getroottree().xpath(x)[0]) for x in lay.slots)
        variants: list[tuple[str, str, tuple[str, ...]]] = []
        if visible is True and persons:
            variants += [("own", "pass", tuple(persons)), ("stranger", "fail", (_stranger(page.text),))]
        elif visible is False:
            variants.append(("no-person", "not-pass", tuple(persons) or (_stranger(page.text),)))
        else:
            variants.append(("unknown", "none", tuple(persons) or (_stranger(page.text),)))
        for kind, expect, authors in variants:
            name = f"byline-{page.kind}-{page.name}-{kind}"
            orig = {"id": "real", "url": meta.get("url") or "https://example.invalid/x", "title": meta.get("title") or "",
                    "authors": list(authors), "published": None, "text": text}
            cases.append(BylineCase(name, page.name, page.kind, page.split, kind, expect, authors))
            tasks.append(Task(name=name, html=page.text, originals=(orig,), force=True))
    return cases, tasks, skipped


@dataclass(repr=False)
class BylineTally:
    split: str
    own: int = 0
    own_pass: int = 0
    stranger: int = 0
    stranger_fail: int = 0
    no_person: int = 0
    no_person_passed: int = 0
    unknown: Counter = field(default_factory=Counter)
    wrong: list[dict[str, Any]] = field(default_factory=list)

    @property
    def pass_rate(self) -> float:
        return self.own_pass / self.own if self.own else 1.0

    @property
    def fail_rate(self) -> float:
        return self.stranger_fail / self.stranger if self.stranger else 1.0

    def __repr__(self) -> str:  # aggregates only
        return f"BylineTally({self.table()})"

    def table(self) -> str:
        return (f"[real bylines {self.split}] own persons pass {self.own_pass}/{self.own} ({self.pass_rate:.1%}) | "
                f"credited to someone else fail {self.stranger_fail}/{self.stranger} ({self.fail_rate:.1%}) | "
                f"no person byline: {self.no_person_passed}/{self.no_person} passed (must be 0) | "
                f"cannot-tell pages: {dict(self.unknown) or '-'}")

    def figures(self) -> dict[str, Any]:
        return {"split": self.split, "own": self.own, "own_pass": self.own_pass, "pass_rate": round(self.pass_rate, 4),
                "stranger": self.stranger, "stranger_fail": self.stranger_fail, "fail_rate": round(self.fail_rate, 4),
                "no_person": self.no_person, "no_person_passed": self.no_person_passed, "unknown": dict(self.unknown)}


def tally_bylines(cases: Sequence[BylineCase], outcomes: dict[str, Outcome], split: str) -> BylineTally:
    t = BylineTally(split)
    for c in cases:
        if c.split != split:
            continue
        o = outcomes[c.name]
        got = got_of(o, "byline")
        ok = True
        if c.kind == "own":
            t.own += 1
            t.own_pass += got == "pass"
            ok = got == "pass"
        elif c.kind == "stranger":
            t.stranger += 1
            t.stranger_fail += got == "fail"
            ok = got == "fail"
        elif c.kind == "no-person":
            t.no_person += 1
            t.no_person_passed += got == "pass"
            ok = got != "pass"
        else:
            t.unknown[got] += 1
        if not ok:
            t.wrong.append({"name": c.name, "page": c.page, "kind": c.kind, "expected": c.expect, "got": got,
                            "authors": list(c.authors), "status": o.status,
                            "message": o.messages.get("byline") or o.error or "(no finding)"})
    return t


# --------------------------------------------------------------------------------------------
# the whole evaluation
# --------------------------------------------------------------------------------------------


@dataclass(repr=False)
class Evaluation:
    seeds: list[int]
    splits: tuple[str, ...]
    matrices: dict[tuple[str, str, int], Matrix]  # (rule, split, seed)
    unmodified_bad: dict[str, list[dict[str, Any]]]  # split -> failures
    decoy_bad: dict[str, list[dict[str, Any]]]
    unrecognised: dict[str, list[dict[str, Any]]]
    counts: dict[str, Counter]  # split -> category counts (all seeds)
    bylines: dict[str, BylineTally]
    skipped: dict[str, str]
    layouts: dict[str, list[str]]  # split -> layouts used
    seconds: dict[str, float]
    cases: dict[int, list[dict[str, Any]]] = field(default_factory=dict)  # seed -> case metadata (no html)
    rules: tuple[str, ...] = RULES  # the pack's rules these matrices are for

    def __repr__(self) -> str:  # aggregates only: pytest prints fixture values in failing tracebacks
        return f"Evaluation(seeds={self.seeds}, splits={self.splits}, seconds={self.seconds})"

    def worst(self, rule: str, split: str) -> dict[str, Any]:
        """Per rule, each figure at its worst seed (min precision, min recall, max review rate)."""
        ms = [self.matrices[(rule, split, s)] for s in self.seeds]
        p = min(ms, key=lambda m: m.precision)
        r = min(ms, key=lambda m: m.recall)
        v = max(ms, key=lambda m: m.review_rate)
        e = min(ms, key=lambda m: m.review_expected_rate)
        return {"precision": p.precision, "precision_seed": p.seed, "recall": r.recall, "recall_seed": r.seed,
                "review_rate": v.review_rate, "review_seed": v.seed, "review_expected_rate": e.review_expected_rate,
                "review_expected_seed": e.seed, "copies": min(m.copies for m in ms)}

    def to_json(self, detail_test: bool) -> dict[str, Any]:
        def hide(split: str, rows: list[dict[str, Any]]) -> Any:
            return rows if split == "tune" or detail_test else len(rows)

        return {
            "seeds": self.seeds, "seconds": self.seconds,
            "floors": {"precision": PRECISION_FLOOR, "recall": RECALL_FLOOR, "review_ceiling": REVIEW_CEILING,
                       "review_expected": REVIEW_EXPECTED_FLOOR, "real_byline_pass": REAL_BYLINE_PASS_FLOOR,
                       "real_byline_fail": REAL_BYLINE_FAIL_FLOOR},
            "splits": {split: {
                "layouts": len(self.layouts.get(split, [])),
                "counts": dict(self.counts.get(split, {})),
                "worst": {rule: self.worst(rule, split) for rule in self.rules},
                "per_seed": {rule: [self.matrices[(rule, split, s)].figures() for s in self.seeds] for rule in self.rules},
                "misclassified": {rule: hide(split, [dict(w, seed=s) for s in self.seeds
                                                     for w in self.matrices[(rule, split, s)].wrong]) for rule in self.rules},
                "unmodified_not_not_a_copy": hide(split, self.unmodified_bad.get(split, [])),
                "decoys_taken_for_copies": hide(split, self.decoy_bad.get(split, [])),
                "copies_not_recognised": hide(split, self.unrecognised.get(split, [])),
                "real_bylines": self.bylines[split].figures() if split in self.bylines else None,
                "real_bylines_wrong": hide(split, self.bylines[split].wrong) if split in self.bylines else None,
            } for split in self.splits},
            "skipped": self.skipped,
        }


def evaluate(n_seeds: int = N_SEEDS, splits: Sequence[str] = SPLITS, jobs: int = 2, rules: Sequence[str] = RULES,
             corpus: Optional[Path] = None, bylines: bool = True, progress: Any = None) -> Evaluation:
    """Every seed's cases and the real-byline cases, checked and tallied per split."""
    t0 = time.perf_counter()
    ss = seeds(n_seeds)
    matrices: dict[tuple[str, str, int], Matrix] = {}
    unmod: dict[str, list[dict[str, Any]]] = defaultdict(list)
    decoy: dict[str, list[dict[str, Any]]] = defaultdict(list)
    unrec: dict[str, list[dict[str, Any]]] = defaultdict(list)
    counts: dict[str, Counter] = defaultdict(Counter)
    layouts: dict[str, set[str]] = defaultdict(set)
    skipped: dict[str, str] = {}
    seconds: dict[str, float] = defaultdict(float)
    per_seed: dict[int, list[dict[str, Any]]] = {}
    for i, r in enumerate(run_seeds(ss, jobs, splits, corpus, progress)):
        seed = r.seed
        per_seed[seed] = r.cases
        seconds["build"] += r.build_seconds
        seconds["check"] += r.check_seconds
        skipped.update({k: v for k, v in r.skipped.items() if i == 0 or k.startswith(("copy:", "decoy:"))})
        for split in splits:
            cs = [c for c in r.cases if c["split"] == split]
            for c in cs:
                counts[split][c["category"]] += 1
                if c["category"] == "copy":
                    layouts[split].add(c["layout"])
            for rule in rules:
                matrices[(rule, split, seed)] = rule_matrix(rule, cs, r.outcomes, seed, split)
            unmod[split] += not_copy_failures(cs, r.outcomes, "unmodified")
            decoy[split] += [dict(d, seed=seed) for d in not_copy_failures(cs, r.outcomes, "decoy")]
            unrec[split] += [dict(d, seed=seed) for d in recognition_failures(cs, r.outcomes)]
    tallies: dict[str, BylineTally] = {}
    if bylines:
        t = time.perf_counter()
        bcases, tasks, bskip = byline_cases(corpus)
        keep = {c.name for c in bcases if c.split in splits}
        outs = run_tasks([t_ for t_ in tasks if t_.name in keep], jobs)
        tallies = {split: tally_bylines([c for c in bcases if c.name in keep], outs, split) for split in splits}
        skipped.update({f"real-byline:{k}": v for k, v in bskip.items()})
        seconds["real_bylines"] = time.perf_counter() - t
        if progress:
            progress(f"real bylines: {len(keep)} cases, {seconds['real_bylines']:.1f}s")
    seconds["total"] = time.perf_counter() - t0
    return Evaluation(ss, tuple(splits), matrices, dict(unmod), dict(decoy), dict(unrec), dict(counts), tallies,
                      skipped, {k: sorted(v) for k, v in layouts.items()}, {k: round(v, 1) for k, v in seconds.items()},
                      per_seed)


# --------------------------------------------------------------------------------------------
# the second pack (rules/cc-by-nd-newsroom): its copies in the same real layouts (build_cc.py)
# --------------------------------------------------------------------------------------------

SECOND_PACK = "cc-by-nd-newsroom"
SECOND_RULES = ("byline", "credit", "pixel", "text")
SECOND_N_SEEDS = 3
# The same floors as DCNF's: issue 10's targets for the rules built from the new generic checks, and for the
# byline rule (the DCNF byline and affiliation checks together) the DCNF byline rule's ratchet.
SECOND_GATE_FLOORS: dict[str, dict[str, float]] = {
    # the floors the first pack's byline had before its generator's review cases were cleaned up (2026-12-07)
    "byline": {"precision": 0.88, "recall": 0.97, "review_ceiling": 0.03, "review_expected": 0.70},
    "credit": dict(TARGETS),
    "pixel": dict(TARGETS),
    "text": dict(TARGETS),
}


def load_build_cc() -> ModuleType:
    """tests/accuracy/build_cc.py, imported by path."""
    return _load_by_path("syndicheck_accuracy_build_cc", "build_cc.py")


def evaluate_second_pack(n_seeds: int = SECOND_N_SEEDS, splits: Sequence[str] = SPLITS, jobs: int = 2,
                         corpus: Optional[Path] = None, progress: Any = None) -> Evaluation:
    """The second pack's copies for each seed, checked with that pack and tallied per rule and split."""
    t0 = time.perf_counter()
    bc = load_build_cc()
    ss = seeds(n_seeds)
    matrices: dict[tuple[str, str, int], Matrix] = {}
    unrec: dict[str, list[dict[str, Any]]] = defaultdict(list)
    counts: dict[str, Counter] = defaultdict(Counter)
    layouts: dict[str, set[str]] = defaultdict(set)
    skipped: dict[str, str] = {}
    seconds: dict[str, float] = defaultdict(float)
    per_seed: dict[int, list[dict[str, Any]]] = {}
    for seed in ss:
        t = time.perf_counter()
        res = bc.build(corpus, seed)
        cases = [c for c in res.cases if c["split"] in splits]
        tasks = [Task(c["name"], c["html"], originals=tuple(c["originals"]), pack=c["pack"]) for c in cases]
        seconds["build"] += time.perf_counter() - t
        t = time.perf_counter()
        outcomes = run_tasks(tasks, jobs)
        seconds["check"] += time.perf_counter() - t
        meta = [case_meta(c) for c in cases]
        per_seed[seed] = meta
        skipped.update({k: v for k, v in res.skipped.items() if k.startswith("copy:")})
        for split in splits:
            cs = [c for c in meta if c["split"] == split]
            for c in cs:
                counts[split][c["category"]] += 1
                layouts[split].add(c["layout"])
            for rule in SECOND_RULES:
                matrices[(rule, split, seed)] = rule_matrix(rule, cs, outcomes, seed, split)
            unrec[split] += [dict(d, seed=seed) for d in recognition_failures(cs, outcomes)]
        if progress:
            progress(f"{SECOND_PACK} seed {seed}: {len(cases)} cases, {time.perf_counter() - t:.1f}s to check")
    seconds["total"] = time.perf_counter() - t0
    return Evaluation(ss, tuple(splits), matrices, {}, {}, dict(unrec), dict(counts), {}, skipped,
                      {k: sorted(v) for k, v in layouts.items()}, {k: round(v, 1) for k, v in seconds.items()},
                      per_seed, rules=SECOND_RULES)


# --------------------------------------------------------------------------------------------
# reports
# --------------------------------------------------------------------------------------------


def _fmt_rows(rows: list[dict[str, Any]], keys: Sequence[str]) -> list[str]:
    return ["    " + " ".join(f"{k}={r.get(k)}" for k in keys if r.get(k) is not None) for r in rows]


def report(ev: Evaluation, rules: Sequence[str] = RULES, detail_test: Optional[bool] = None) -> str:
    """Matrices for every split; misclassified cases only for the tune split (test split: aggregates only)."""
    detail_test = show_test() if detail_test is None else detail_test
    out = [f"seeds: {ev.seeds}  time: {ev.seconds}"]
    for split in ev.splits:
        detail = split == "tune" or detail_test
        out.append(f"\n=== split {split}: {len(ev.layouts.get(split, []))} layouts with copies; "
                   f"cases over all seeds: {dict(ev.counts.get(split, {}))}")
        for rule in rules:
            w = ev.worst(rule, split)
            out.append(f"[{rule}] worst seed: precision={w['precision']:.3f} (seed {w['precision_seed']}) "
                       f"recall={w['recall']:.3f} (seed {w['recall_seed']}) unexpected review={w['review_rate']:.1%} "
                       f"(seed {w['review_seed']}) review-expected answered review={w['review_expected_rate']:.1%}")
            for s in ev.seeds:
                out.append("    " + ev.matrices[(rule, split, s)].table())
        n_un, n_de, n_rec = (len(ev.unmodified_bad.get(split, [])), len(ev.decoy_bad.get(split, [])),
                             len(ev.unrecognised.get(split, [])))
        out.append(f"not-a-copy: unmodified pages wrong={n_un}, decoys wrong={n_de} | copies not recognised={n_rec}")
        if split in ev.bylines:
            out.append(ev.bylines[split].table())
        if not detail:
            out.append(f"(test split details hidden; set {SHOW_TEST_ENV}=1 to show them)")
            continue
        for rule in rules:
            by_shape: dict[str, list[str]] = defaultdict(list)
            for s in ev.seeds:
                for w in ev.matrices[(rule, split, s)].wrong:
                    by_shape[w["shape"]].append(f"      seed {s} {w['name']} expected {w['expected']}, got {w['got']} "
                                                f"(status {w['status']}) | {w['full_shape']}\n"
                                                f"          message: {w['message']}")
            if by_shape:
                out.append(f"  misclassified [{rule}] by shape:")
                for shape in sorted(by_shape):
                    out.append(f"    shape {shape}: {len(by_shape[shape])}")
                    out.extend(by_shape[shape])
        for title, rows in (("unmodified pages not reported not-a-copy", ev.unmodified_bad.get(split, [])),
                            ("decoys taken for copies", ev.decoy_bad.get(split, [])),
                            ("copies not recognised", ev.unrecognised.get(split, []))):
            if rows:
                out.append(f"  {title}:")
                out.extend(_fmt_rows(rows, ("seed", "name", "shape", "status", "paired", "expected_pairing", "score", "error")))
        if split in ev.bylines and ev.bylines[split].wrong:
            out.append("  real bylines wrong:")
            out.extend(_fmt_rows(ev.bylines[split].wrong, ("name", "expected", "got", "authors", "message")))
    return "\n".join(out)


def gate_failures(ev: Evaluation, split: str = "test", rules: Sequence[str] = RULES,
                  floors: Optional[dict[str, dict[str, float]]] = None) -> list[str]:
    """Every floor the given split misses (aggregate figures only): the gate's ratchet by default,
    `floors={rule: TARGETS ...}` for the gap to issue 10's targets."""
    floors = GATE_FLOORS if floors is None else floors
    bad = []
    for rule in rules:
        w, f = ev.worst(rule, split), floors[rule]
        if w["precision"] < f["precision"]:
            bad.append(f"{rule}: violation precision {w['precision']:.3f} < {f['precision']} (seed {w['precision_seed']})")
        if w["recall"] < f["recall"]:
            bad.append(f"{rule}: violation recall {w['recall']:.3f} < {f['recall']} (seed {w['recall_seed']})")
        if w["review_rate"] > f["review_ceiling"]:
            bad.append(f"{rule}: unexpected reviews {w['review_rate']:.1%} of copies > {f['review_ceiling']:.0%} "
                       f"(seed {w['review_seed']})")
        if w["review_expected_rate"] < f["review_expected"]:
            bad.append(f"{rule}: review-expected cases answered review {w['review_expected_rate']:.1%} "
                       f"< {f['review_expected']:.0%} (seed {w['review_expected_seed']})")
    return bad


def target_gaps(ev: Evaluation, split: str = "test", rules: Sequence[str] = RULES) -> list[str]:
    """Where the split is still short of issue 10's targets (the gate asserts only the ratchet)."""
    bad = gate_failures(ev, split, rules, {r: TARGETS for r in rules})
    t = ev.bylines.get(split)
    if t is not None:
        if t.own and t.pass_rate < REAL_BYLINE_PASS_FLOOR:
            bad.append(f"real bylines pass {t.pass_rate:.1%} < {REAL_BYLINE_PASS_FLOOR:.0%}")
        if t.stranger and t.fail_rate < REAL_BYLINE_FAIL_FLOOR:
            bad.append(f"real bylines credited to someone else fail {t.fail_rate:.1%} < {REAL_BYLINE_FAIL_FLOOR:.0%}")
    return bad


def dump_json(ev: Evaluation, path: Path, detail_test: Optional[bool] = None) -> None:
    detail_test = show_test() if detail_test is None else detail_test
    path.write_text(json.dumps(ev.to_json(detail_test), indent=1, ensure_ascii=False, default=str), encoding="utf-8")

