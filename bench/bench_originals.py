#!/usr/bin/env python3
"""Originals at archive scale (issue 14): load + index, reuse of the saved index, not-a-copy cost, start-up.

Prints figures; it is not a test and asserts nothing (a missed target is printed as MISS).

    .venv/bin/python bench/bench_originals.py                    # 1,000 / 10,000 / 100,000 originals
    .venv/bin/python bench/bench_originals.py --sizes 1000       # one size
    .venv/bin/python bench/bench_originals.py --startup-only     # `check one.html` and `--help` only

Originals are built from the real DCNF texts (../shared/corpus/dcnf-texts/abp_dcnf_originals.jsonl, 170
articles): each synthetic original takes 6-20 paragraphs from random articles and swaps about one word in
six for another word of the corpus, so its 5-word shingles are its own (a paragraph shared verbatim by more
than 5 originals would be dropped as boilerplate and make matching look cheaper than it is), while word
lengths, paragraph lengths and vocabulary stay those of real articles. They are written as a JSON manifest.

Each measurement runs in a fresh process (`python -c ...`), which reports its own CPU time and VmHWM:
  first      load_all(manifest) + Checker.build with an empty cache directory (the index is built and saved)
  reuse      the same in a new process: the saved index is memory-mapped instead of built
  decision   checker.check() and index.best(text) per not-a-copy page, at N and at 10 originals (10 through the
             small index, as they are checked, and through the flat index larger sets get), all three in the
             same process, round after round, each round every page once; the ratio is the median of the
             rounds' ratios (see decisions() below for why)
  check      `syndicheck check one.html --originals m.json` (100 originals) as a whole process: CPU time, with
             the bytecode compiled as an installed syndicheck has it (PYTHONPYCACHEPREFIX in the work dir), and
             in the calling shell's environment
  help       `syndicheck --help` as a whole process: wall time
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Optional

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "dcnf-texts" / "abp_dcnf_originals.jsonl"
if not CORPUS.is_file():
    CORPUS = Path("/work/shared/corpus/dcnf-texts/abp_dcnf_originals.jsonl")
PY = sys.executable


def corpus() -> list[dict]:
    return [json.loads(line) for line in CORPUS.read_text("utf-8").splitlines() if line.strip()]


def page_html(title: str, text: str) -> str:
    nav = "".join(f"<li><a href='/s/{i}'>Section {i}</a></li>" for i in range(12))
    body = "".join(f"<p>{p}</p>" for p in text.split("\n\n"))
    return (f"<html><head><title>{title}</title></head><body><nav><ul>{nav}</ul></nav><main><article>"
            f"<h1>{title}</h1><p class='byline'>By Staff Writer</p>{body}</article></main>"
            f"<footer><p>© 2026 Partner News</p></footer></body></html>")


def decision_pages(rows: list[dict], n: int = 200, seed: int = 7) -> list[str]:
    """Partner pages that copy no original: the 20 held-out real articles, and n more made the way originals are
    (6-20 of their paragraphs, about one word in six swapped), so that each page's shingles are its own and a
    round over them looks up ~150,000 different shingles: what a crawl does, page after page. (Twenty pages
    matched over and over find the same few thousand lines of a 400 MiB index in the CPU's caches every time.)"""
    held = rows[-20:]
    pages = [page_html(r["title"], r["content_original"]) for r in held]
    rng = random.Random(seed)
    paras = [p for r in held for p in r["content_original"].split("\n\n") if len(p.split()) >= 8]
    vocab = sorted({w for p in paras for w in p.split()})
    for i in range(n):
        body = [" ".join(rng.choice(vocab) if rng.random() < 0.17 else w for w in p.split())
                for p in rng.sample(paras, rng.randint(6, 20))]
        pages.append(page_html(held[i % 20]["title"], "\n\n".join(body)))
    return pages


def synthetic_manifest(path: Path, n: int, rows: list[dict], seed: int = 14) -> None:
    """n distinct realistic originals as a JSON manifest (see the module docstring)."""
    rng = random.Random(seed)
    paras = [p for r in rows for p in r["content_original"].split("\n\n") if len(p.split()) >= 8]
    vocab = sorted({w for p in paras for w in p.split()})
    held_out = {r["abp_id"] for r in rows[-20:]}  # the decision pages: never used for originals
    paras = [p for r in rows if r["abp_id"] not in held_out for p in r["content_original"].split("\n\n")
             if len(p.split()) >= 8]
    with open(path, "w", encoding="utf-8") as f:
        f.write('{"originals": [\n')
        for i in range(n):
            body = []
            for p in rng.sample(paras, rng.randint(6, 20)):
                words = p.split()
                for j in range(len(words)):
                    if rng.random() < 0.17:
                        words[j] = rng.choice(vocab)
                body.append(" ".join(words))
            entry = {"id": f"s{i}", "url": f"https://dailycallernewsfoundation.org/{i}/",
                     "title": f"Synthetic original {i}", "authors": ["Jane Q. Reporter"],
                     "published": "2026-01-01", "text": "\n\n".join(body)}
            f.write(("," if i else "") + json.dumps(entry, ensure_ascii=False) + "\n")
        f.write("]}\n")


CHILD = r"""
import json, os, resource, statistics, sys, time
sys.path.insert(0, {root!r})
def cpu(): u = resource.getrusage(resource.RUSAGE_SELF); return u.ru_utime + u.ru_stime
def hwm():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"): return int(line.split()[1]) / 1024
c0, w0 = cpu(), time.perf_counter()
from checker.originals import load_all
from checker.pipeline import Checker
from checker.ruleset import load_pack
pack = load_pack()
c1 = cpu()
originals = load_all([{manifest!r}])
c2, w2 = cpu(), time.perf_counter()
checker = Checker.build(pack, originals)
if {flat!r}:  # the same originals through the flat index, which larger sets get (the same verdicts)
    import dataclasses
    from checker.match import OriginalIndex
    checker = dataclasses.replace(checker, index=OriginalIndex(originals, pack.match, (pack.notice,), flat=True))
c3, w3 = cpu(), time.perf_counter()
out = dict(originals=len(originals), imports_cpu=c1 - c0, load_cpu=c2 - c1, index_cpu=c3 - c2,
           ready_wall=w3 - w0, ready_cpu=c3 - c0, index_wall=w3 - w2, hwm_mib=hwm(),
           postings=checker.index.flat.postings if checker.index.flat is not None else len(checker.index._postings),
           tier="flat" if checker.index.flat is not None else "small")
if {small!r}:
    # The same decisions against 10 originals, in this process and in turn with N's (see decisions()).
    import dataclasses
    from checker.match import OriginalIndex
    tens = load_all([{small!r}])
    small = Checker.build(pack, tens)
    assert small.index.flat is None
    flat10 = dataclasses.replace(small, index=OriginalIndex(tens, pack.match, (pack.notice,), flat=True))
    pages = json.load(open({pages!r}))
    from checker.models import Fetched, Status
    from checker.parse import fast_visible_text
    docs = [Fetched(target=f"p{{i}}", url=f"https://partner.example/{{i}}", body=h.encode(), charset="utf-8")
            for i, h in enumerate(pages)]
    texts = [fast_visible_text(h) for h in pages]
    tiers = {{"10": small, "10 flat": flat10, "N": checker}}
    for c in tiers.values():
        for d in docs:
            assert c.check(d).status is Status.NOT_A_COPY  # and the index pages these touch are mapped in
    for what, items in (("decision", docs), ("best", texts)):
        rounds = {{name: [] for name in tiers}}
        order = list(tiers)
        for r in range({rounds!r}):
            order = order[1:] + order[:1]  # each tier first, second and third in turn
            for name in order:
                fn = tiers[name].check if what == "decision" else tiers[name].index.best
                t0 = time.process_time()
                for x in items:
                    fn(x)
                rounds[name].append((time.process_time() - t0) / len(items) * 1e6)
        out[what] = rounds
print(json.dumps(out))
"""


# Instructions per not-a-copy decision, under valgrind's callgrind: counted only inside functools.reduce (which
# nothing else here calls after the checker is built), over every page once. The same on a busy machine as on a
# quiet one, and blind to what the CPU time adds to them: cache and TLB misses, which is where a page matched
# against a 400 MiB index spends its extra time.
INSTR_CHILD = r"""
import dataclasses, functools, json, os, sys
sys.path.insert(0, {root!r})
from checker.match import OriginalIndex
from checker.models import Fetched, Status
from checker.originals import load_all
from checker.pipeline import Checker
from checker.ruleset import load_pack
pack = load_pack()
checker = Checker.build(pack, load_all([{manifest!r}]))
if {flat!r}:
    checker = dataclasses.replace(checker, index=OriginalIndex(checker.index.originals, pack.match, (pack.notice,),
                                                               flat=True))
docs = [Fetched(target=f"p{{i}}", url=f"https://partner.example/{{i}}", body=h.encode(), charset="utf-8")
        for i, h in enumerate(json.load(open({pages!r})))]
for d in docs:
    assert checker.check(d).status is Status.NOT_A_COPY
functools.reduce(lambda _, d: checker.check(d), docs, None)
"""


def instructions_per_page(manifest: Path, pages: Path, cache: Path, flat: bool = False) -> Optional[float]:
    """Instructions per not-a-copy decision (callgrind), or None without valgrind."""
    import shutil
    if shutil.which("valgrind") is None:
        return None
    cache.mkdir(parents=True, exist_ok=True)  # 10 originals write nothing there, so it may not exist
    out = cache / "callgrind.out"
    env = dict(os.environ, SYNDICHECK_CACHE_DIR=str(cache), PYTHONHASHSEED="0")
    code = INSTR_CHILD.format(root=str(ROOT), manifest=str(manifest), pages=str(pages), flat=flat)
    res = subprocess.run(["valgrind", "--tool=callgrind", "--toggle-collect=functools_reduce",
                          f"--callgrind-out-file={out}", PY, "-c", code], capture_output=True, text=True, env=env)
    total = [line for line in res.stderr.splitlines() if "Collected :" in line]
    if res.returncode or not total:
        sys.exit(f"callgrind child failed:\n{res.stderr[-3000:]}")
    return int(total[-1].split()[-1]) / len(json.loads(pages.read_text("utf-8")))


def child(manifest: Path, pages: Path, cache: Path, flat: bool = False, small: Optional[Path] = None,
          rounds: int = 21) -> dict:
    """One fresh process: load + index (its figures), then, given `small` (the 10-original manifest), the
    not-a-copy decisions against 10 and N originals in turn."""
    env = dict(os.environ, SYNDICHECK_CACHE_DIR=str(cache))
    code = CHILD.format(root=str(ROOT), manifest=str(manifest), pages=str(pages), flat=flat,
                        small=str(small) if small else "", rounds=rounds)
    res = subprocess.run([PY, "-c", code], capture_output=True, text=True, env=env)
    if res.returncode:
        sys.exit(f"child failed:\n{res.stderr}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def whole_process_cpu(argv: list[str], runs: int = 9, env: Optional[dict] = None) -> tuple[float, float]:
    """(median CPU seconds, median wall seconds) of a fresh process running argv."""
    def children_cpu() -> float:  # getrusage: microseconds (os.times() counts 10 ms clock ticks)
        u = resource.getrusage(resource.RUSAGE_CHILDREN)
        return u.ru_utime + u.ru_stime
    cpus, walls = [], []
    for _ in range(runs):
        before = children_cpu()
        t0 = time.perf_counter()
        subprocess.run(argv, capture_output=True, env=env)
        walls.append(time.perf_counter() - t0)
        cpus.append(children_cpu() - before)
    return sorted(cpus)[len(cpus) // 2], sorted(walls)[len(walls) // 2]


def paired(rounds: dict[str, list[float]]) -> dict:
    """Each tier's median CPU per page, and the median and quartiles of the rounds' ratios N/10 and N/10 flat.

    Why rounds in turn, in one process: the figure at 10 originals and the one at N used to come from separate
    processes minutes apart, each the quickest of 9 rounds over the same 20 pages. Both move with the other
    jobs on this machine (the figure at 10 between 192 and 254 us from run to run), and not together: a page
    matched at N reads a few hundred random lines of a 400 MiB index, which stay in the CPU's caches on a quiet
    machine and not on a busy one, while the 10 originals' index always fits. The ratio of the two minima went
    from 1.16 to 1.46 between runs. Rounds taken back to back see the same load; the median of their ratios,
    with its quartiles, is what a page costs more at N, and how sure that is. (Timer resolution is not the
    cause: time.process_time() counts nanoseconds, and a round is tens of milliseconds.)"""
    def quartiles(xs: list[float]) -> tuple[float, float, float]:
        q = statistics.quantiles(xs, n=4)
        return q[0], statistics.median(xs), q[2]
    n = rounds["N"]
    return {"10": statistics.median(rounds["10"]), "10 flat": statistics.median(rounds["10 flat"]),
            "N": statistics.median(n), "N/10": quartiles([b / a for a, b in zip(rounds["10"], n)]),
            "N/10 flat": quartiles([b / a for a, b in zip(rounds["10 flat"], n)])}


def installed_env(work: Path) -> dict:
    """The environment of an installed syndicheck: its modules' bytecode compiled once and reused.

    `pip install` compiles every module; an editable checkout run with PYTHONDONTWRITEBYTECODE=1 (as on
    this machine) compiles syndicheck's own modules from source in every process (+0.05-0.06 s). The
    bytecode goes to a directory of the work dir (PYTHONPYCACHEPREFIX), never into the checkout."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    return env


def startup(work: Path, rows: list[dict]) -> None:
    manifest = work / "m100.json"
    synthetic_manifest(manifest, 100, rows, seed=5)
    page = work / "one.html"
    first = json.loads(manifest.read_text("utf-8"))["originals"][0]
    page.write_text("<html><body><h1>Copy</h1>" + "".join(f"<p>{p}</p>" for p in first["text"].split("\n\n"))
                    + "</body></html>", "utf-8")
    exe = str(Path(PY).with_name("syndicheck"))
    # The page is a violation: with Chromium installed, `--render auto` (the default) confirms it in a
    # browser before reporting it, which is the browser's start, not syndicheck's. The start-up target is
    # the static check's; the default is printed beside it.
    check = [exe, "check", str(page), "--originals", str(manifest), "--render", "never"]
    env = installed_env(work)
    subprocess.run(check, capture_output=True, env=env)  # writes the bytecode once
    subprocess.run([exe, "--help"], capture_output=True, env=env)
    check_cpu, check_wall = whole_process_cpu(check, env=env)
    here_cpu, here_wall = whole_process_cpu(check)
    auto_cpu, auto_wall = whole_process_cpu([exe, "check", str(page), "--originals", str(manifest)], runs=5, env=env)
    help_cpu, help_wall = whole_process_cpu([exe, "--help"], env=env)
    bare_cpu, bare_wall = whole_process_cpu([PY, "-c", "pass"])
    print(f"check one.html --originals (100 originals) --render never, whole process, bytecode compiled (as "
          f"installed): {check_cpu:.3f} s CPU, {check_wall:.3f} s wall  (target <= 0.25 s CPU) "
          f"{'ok' if check_cpu <= 0.25 else 'MISS'}")
    mode = ("PYTHONDONTWRITEBYTECODE=1: syndicheck's modules compiled from source unless their __pycache__ exists"
            if os.environ.get("PYTHONDONTWRITEBYTECODE") else "bytecode written to __pycache__ as usual")
    print(f"  the same in this shell's environment ({mode}): {here_cpu:.3f} s CPU, {here_wall:.3f} s wall")
    print(f"  the same with the default --render auto (a violation is confirmed in Chromium when installed): "
          f"{auto_cpu:.3f} s CPU of syndicheck and its children, {auto_wall:.3f} s wall")
    print(f"syndicheck --help, whole process: {help_wall * 1000:.0f} ms wall, {help_cpu * 1000:.0f} ms CPU"
          f"  (target <= 80 ms) {'ok' if help_wall <= 0.08 else 'MISS'};"
          f" a bare `python -c pass`: {bare_wall * 1000:.0f} ms wall")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--startup-only", action="store_true")
    ap.add_argument("--work", type=Path, default=None, help="keep manifests here (default: a temp dir)")
    ap.add_argument("--rounds", type=int, default=21, help="rounds of not-a-copy decisions (default 21)")
    ap.add_argument("--instructions", action="store_true",
                    help="also count instructions per not-a-copy decision under valgrind (slow: minutes)")
    args = ap.parse_args()
    if not CORPUS.is_file():
        sys.exit(f"no corpus at {CORPUS}")
    rows = corpus()
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-originals-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs; corpus: {len(rows)} DCNF articles; work dir {work}")
    startup(work, rows)
    if args.startup_only:
        return
    pages = work / "pages.json"
    # Not-a-copy pages: the 20 held-out real articles (never used for originals) and 200 made from them.
    pages.write_text(json.dumps(decision_pages(rows)), "utf-8")
    small = work / "m10.json"
    synthetic_manifest(small, 10, rows)
    print("not-a-copy: checker.check() of a page that copies no original (decode, fast text, match), CPU per page,"
          " median of the rounds; best(): the match alone; 10: the small index of Python sets that 10 originals"
          " get; 10 flat: the same 10 through the flat index larger sets get; N/10: the median of the rounds'"
          " ratios [quartiles]; reuse ready: CPU seconds from start to a built checker")
    print(f"{'originals':>10} {'manifest MB':>11} {'load CPU':>9} {'index CPU':>9} {'first CPU':>9} {'peak RSS':>9}"
          f" {'reuse ready':>11} {'reuse RSS':>9}")
    for n in [int(x) for x in args.sizes.split(",")]:
        manifest = work / f"m{n}.json"
        if not manifest.is_file():
            synthetic_manifest(manifest, n, rows)
        cache = work / f"cache-{n}"
        subprocess.run(["rm", "-rf", str(cache)])
        first = child(manifest, pages, cache)
        reuse = child(manifest, pages, cache, small=small, rounds=args.rounds)
        print(f"{n:>10,} {manifest.stat().st_size / 1e6:>11.0f} {first['load_cpu']:>8.2f}s {first['index_cpu']:>8.2f}s"
              f" {first['load_cpu'] + first['index_cpu']:>8.2f}s {first['hwm_mib']:>6.0f}MiB"
              f" {reuse['ready_cpu']:>10.2f}s {reuse['hwm_mib']:>6.0f}MiB  ({reuse['tier']} index)")
        print(f"{'':>10} reuse: ready in {reuse['ready_cpu']:.2f}s CPU, {reuse['ready_wall']:.2f}s wall"
              f" (imports {reuse['imports_cpu']:.2f}s,"
              f" manifest {reuse['load_cpu']:.2f}s, index key + map {reuse['index_cpu']:.2f}s);"
              f" {first['postings']:,} postings")
        for what, label in (("decision", "not-a-copy"), ("best", "best()")):
            p = paired(reuse[what])
            print(f"{'':>10} {label:>10}: 10 {p['10']:.0f} us, 10 flat {p['10 flat']:.0f} us, {n:,} {p['N']:.0f} us;"
                  f" {n:,}/10 {p['N/10'][1]:.2f} [{p['N/10'][0]:.2f}-{p['N/10'][2]:.2f}],"
                  f" {n:,}/10 flat {p['N/10 flat'][1]:.2f} [{p['N/10 flat'][0]:.2f}-{p['N/10 flat'][2]:.2f}]"
                  f" ({len(reuse[what]['N'])} rounds of {len(json.loads(pages.read_text('utf-8')))} pages)"
                  + ("" if what == "best" else f"  {'ok' if p['N/10'][1] <= 1.5 else 'MISS'} (target <= 1.5)"))
        if args.instructions:
            ten = instructions_per_page(small, pages, work / "cache-10")
            ten_flat = instructions_per_page(small, pages, work / "cache-10", flat=True)
            at_n = instructions_per_page(manifest, pages, cache)
            if ten and ten_flat and at_n:
                print(f"{'':>10} instructions per not-a-copy decision (callgrind): 10 {ten / 1e6:.3f} M, 10 flat"
                      f" {ten_flat / 1e6:.3f} M, {n:,} {at_n / 1e6:.3f} M; {n:,}/10 {at_n / ten:.3f},"
                      f" {n:,}/10 flat {at_n / ten_flat:.3f}")
    print("targets at 100,000: first load+index <= 20 s CPU and <= 1 GiB RSS; reuse ready <= 2 s;"
          " not-a-copy <= 1.5x the same at 10 originals")


if __name__ == "__main__":
    main()
