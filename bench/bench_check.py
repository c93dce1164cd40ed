#!/usr/bin/env python3
"""Speed and memory of `syndicheck check`, side by side with bare parses of the same pages.

Prints figures; it is not a test and asserts nothing (a missed target is printed as MISS).

    .venv/bin/python bench/bench_check.py            # full run (about 12 minutes on a busy 2-CPU machine)
    .venv/bin/python bench/bench_check.py --quick    # 2 repeats instead of 5
    .venv/bin/python bench/bench_check.py --json bench.json --profile

Page sets (both measured in the same run, on one pinned core, best of N repeats after a warm-up):
  real    the shared real pages (../shared/corpus/real-pages/*/source.html), all not a copy;
  copies  one generated copy per real page: an original's paragraphs transplanted into the page's
          densest paragraph container, with a "By <reporter>, Daily Caller News Foundation"
          byline and the DCNF logo, re-serialised as UTF-8.

See bench/README.md for what each row means and the targets from issue 2, item 11.
"""
from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import os
import platform
import pstats
import random
import re
import resource
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Optional, Sequence

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import lxml.html  # noqa: E402
from bs4 import BeautifulSoup  # noqa: E402
from selectolax.lexbor import LexborHTMLParser  # noqa: E402

from checker.decode import decode_html, looks_binary  # noqa: E402
from checker.match import OriginalIndex  # noqa: E402
from checker.models import Fetched, Original  # noqa: E402
from checker.parse import fast_visible_text, parse_page  # noqa: E402
from checker.pipeline import Checker  # noqa: E402
from checker.soup_build import soup_of  # noqa: E402
from checker.ruleset import load_pack  # noqa: E402
from checker.shingles import tokens  # noqa: E402

TARGET_DECISION = 2.0  # not-a-copy decision / bare parse
TARGET_FULL = 1.5  # full check of a copy / bare BeautifulSoup(html, "lxml")
TARGET_MEMORY = 1.2  # peak RSS at 2,000 pages / at 100 pages
MEMORY_RUNS = (100, 2000)
INDEX_SIZES = (10, 1_000, 10_000)


# ---- inputs ---------------------------------------------------------------------------------


def corpus_dir() -> Path:
    env = os.environ.get("SYNDICHECK_CORPUS")
    path = Path(env) if env else Path(__file__).resolve().parents[2] / "shared/corpus/real-pages"
    if not path.is_dir() or not any(path.glob("*/source.html")):
        sys.exit(f"bench_check: no real pages found at {path} (expected <dir>/*/source.html).\n"
                 "Set SYNDICHECK_CORPUS to the real-pages directory of the shared corpus.")
    return path


class Doc:
    """One benchmark page: raw bytes (what the checker is given) and the decoded text (what bare parsers get)."""

    __slots__ = ("name", "url", "body", "html")

    def __init__(self, name: str, url: str, body: bytes):
        self.name, self.url, self.body = name, url, body
        self.html = decode_html(body, None)[0]


def load_originals(pack) -> tuple[list[Original], str]:
    """The accuracy corpus's articles, else the pack's example original, else synthetic newswire text."""
    articles = ROOT / "tests/accuracy/articles.yaml"
    if articles.is_file():
        import yaml

        data = yaml.safe_load(articles.read_text(encoding="utf-8"))
        items = data.get("articles") or data.get("originals") if isinstance(data, dict) else data
        originals = [Original(id=str(a["id"]), url=a["url"], title=a.get("title", ""),
                              authors=tuple(a.get("authors") or ()), published=str(a.get("published") or ""),
                              text=a.get("text", "")) for a in items or ()]
        if originals:
            return originals, str(articles.relative_to(ROOT))
    if pack.example_original is not None:
        return [pack.example_original], "rules/dcnf/license.yaml example_original"
    rng = random.Random(7)
    words = _vocabulary(rng)
    return [Original(id=f"synthetic-{i}", url=f"https://dailycallernewsfoundation.org/synthetic/{i}/",
                     title=f"Synthetic Story {i}", authors=("Jane Q. Reporter",),
                     text=_newswire_text(rng, words, 450)) for i in range(10)], "synthetic newswire text"


def _vocabulary(rng: random.Random) -> list[str]:
    syll = ["ba", "con", "de", "ter", "al", "mi", "ro", "sta", "vel", "un", "pre", "gra", "tion", "ment", "ly"]
    common = ("the of and to in a that said for on is was with by as at from it his her their has have "
              "officials federal state department would not be an told which after more than".split())
    return common * 40 + ["".join(rng.choice(syll) for _ in range(rng.randint(2, 4))) for _ in range(5000)]


def _newswire_text(rng: random.Random, words: Sequence[str], n_words: int) -> str:
    out, paragraph = [], []
    while sum(len(p.split()) for p in out) < n_words:
        sentence = " ".join(rng.choice(words) for _ in range(rng.randint(12, 28)))
        paragraph.append(sentence[0].upper() + sentence[1:] + ".")
        if len(paragraph) >= rng.randint(2, 3):
            out.append(" ".join(paragraph))
            paragraph = []
    return "\n\n".join(out)


def _densest_container(body):
    """The element whose direct <p> children carry the most text."""
    best, best_len = None, 0
    for el in body.iter():
        if not isinstance(el.tag, str):
            continue
        n = sum(len(c.text_content()) for c in el if c.tag == "p")
        if n > best_len:
            best, best_len = el, n
    return best


def make_copy(html: str, original: Original, notice: str) -> bytes:
    """Transplant the original into a real layout: its paragraphs replace the page's article paragraphs."""
    doc = lxml.html.document_fromstring(html)
    # The copy is served as UTF-8: drop the page's own charset declarations.
    for meta in doc.xpath("//meta[@charset] | //meta[translate(@http-equiv,'CONTENT-TYPE','content-type')"
                          "='content-type']"):
        meta.getparent().remove(meta)
    head = doc.find("head")
    if head is None:
        head = lxml.html.Element("head")
        doc.insert(0, head)
    head.insert(0, lxml.html.fromstring('<meta charset="utf-8">'))
    body = doc.find("body")
    if body is None:
        body = lxml.html.Element("body")
        doc.append(body)
    container = _densest_container(body)
    if container is None:  # no paragraphs at all: the article goes at the top of the body
        container = lxml.html.Element("article")
        body.insert(0, container)
        old, at = [], 0
    else:
        old = [c for c in container if c.tag == "p"]
        at = container.index(old[0])
    authors = " and ".join(original.authors) or "Jane Q. Reporter"
    new = [lxml.html.fromstring('<img class="dcnf-logo" src="/wp-content/uploads/2024/01/dcnf-logo.png" '
                                'alt="Daily Caller News Foundation" width="180" height="60">'),
           lxml.html.fromstring(f'<p class="byline">By {authors}, Daily Caller News Foundation</p>')]
    for para in (p.strip() for p in original.text.split("\n\n")):
        if para:
            el = lxml.html.Element("p")
            el.text = " ".join(para.split())
            new.append(el)
    note = lxml.html.Element("p")
    note.text = notice
    new.append(note)
    for p in old:
        container.remove(p)
    for i, el in enumerate(new):
        container.insert(at + i, el)
    doctype = doc.getroottree().docinfo.doctype or "<!DOCTYPE html>"
    return lxml.html.tostring(doc, encoding="unicode", method="html", doctype=doctype).encode("utf-8")


# ---- timing ---------------------------------------------------------------------------------


def pin_one_core() -> Optional[int]:
    try:
        cpus = sorted(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpus[-1]})
        return cpus[-1]
    except (AttributeError, OSError):
        return None


def run_paths(docs: Sequence, paths: dict[str, Callable], repeats: int) -> tuple[dict, dict]:
    """Per path, the sum over pages of each page's best time: (with, without) collecting the page's garbage.

    The paths take turns on each page (a, b, c, ... on page 1, then on page 2, ...), so they are measured
    side by side, seconds apart, and a burst of load from other processes spoils one sample of one page,
    which the best-of-N drops. The first pass is a warm-up. After each call, gc.collect() frees the cyclic
    garbage the call left (a BeautifulSoup tree is one big reference cycle; lexbor and lxml leave none);
    the caller has gc.freeze()-d its own objects, so the collection costs only that page's garbage. The
    first figure counts it, as a long run must pay it sooner or later; the second does not.
    """
    perf = time.perf_counter
    total = {k: [float("inf")] * len(docs) for k in paths}
    work = {k: [float("inf")] * len(docs) for k in paths}
    for rep in range(repeats + 1):
        for i, d in enumerate(docs):
            for key, fn in paths.items():
                t0 = perf()
                fn(d)
                t1 = perf()
                gc.collect()
                t2 = perf()
                if rep:
                    total[key][i] = min(total[key][i], t2 - t0)
                    work[key][i] = min(work[key][i], t1 - t0)
    return {k: sum(v) for k, v in total.items()}, {k: sum(v) for k, v in work.items()}


def rss_now_mib() -> float:
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return float("nan")


# ---- memory (child process) -------------------------------------------------------------------


def rss_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux


def vm_hwm_kib() -> Optional[int]:
    """The kernel's own high-water mark of this process's RSS (a cross-check of ru_maxrss)."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def memory_child(list_file: str, n_pages: int) -> None:
    """Check n_pages files (cycling the list), streaming like `syndicheck check`: read, check, keep the result."""
    pack = load_pack()
    originals, _ = load_originals(pack)
    checker = Checker.build(pack, originals)
    files = [line for line in Path(list_file).read_text(encoding="utf-8").splitlines() if line]
    baseline = rss_kib()
    results = []
    statuses: dict[str, int] = {}
    t0 = time.perf_counter()
    for i in range(n_pages):
        path = files[i % len(files)]
        with open(path, "rb") as fh:
            body = fh.read()
        result = checker.check(Fetched(target=path, url=Path(path).as_uri(), body=body, path=path))
        results.append(result)
        statuses[result.status.value] = statuses.get(result.status.value, 0) + 1
    elapsed = time.perf_counter() - t0
    json.dump({"pages": n_pages, "peak_rss_kib": rss_kib(), "vm_hwm_kib": vm_hwm_kib(),
               "baseline_rss_kib": baseline, "seconds": elapsed, "statuses": statuses,
               "results_kept": len(results)}, sys.stdout)


# Linux carries ru_maxrss across execve() from the process that spawned the child, so a child spawned
# by this (large) benchmark process would report the benchmark's peak, not its own. The children are
# spawned by this small launcher, started before the benchmark loads anything.
_LAUNCHER = """
import json, subprocess, sys
for line in sys.stdin:
    p = subprocess.run(json.loads(line), capture_output=True, text=True)
    print(json.dumps([p.returncode, p.stdout, p.stderr]), flush=True)
"""


class Launcher:
    def __init__(self) -> None:
        self.proc = subprocess.Popen([sys.executable, "-I", "-c", _LAUNCHER], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)

    def run(self, argv: Sequence[str]) -> tuple[int, str, str]:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(json.dumps(list(argv)) + "\n")
        self.proc.stdin.flush()
        rc, out, err = json.loads(self.proc.stdout.readline())
        return rc, out, err

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        self.proc.wait()


def run_memory(launcher: Launcher, files: Sequence[Path], tmp: Path) -> list[dict]:
    list_file = tmp / "pages.txt"
    list_file.write_text("\n".join(str(f) for f in files) + "\n", encoding="utf-8")
    out = []
    for n in MEMORY_RUNS:
        rc, stdout, stderr = launcher.run([sys.executable, str(Path(__file__).resolve()), "--_memory-child", str(n),
                                           "--_pages", str(list_file)])
        if rc != 0:
            sys.exit(f"bench_check: memory run over {n} pages failed:\n{stderr}")
        out.append(json.loads(stdout))
    return out


# ---- index scaling ----------------------------------------------------------------------------


class Markov:
    """Order-1 word chain over real text: synthetic originals with English word statistics."""

    def __init__(self, texts: Sequence[str], rng: random.Random):
        self.rng = rng
        self.next: dict[str, list[str]] = {}
        for text in texts:
            words = text.split()
            for a, b in zip(words, words[1:]):
                self.next.setdefault(a, []).append(b)
        self.starts = [w for w in self.next if w[:1].isupper()] or list(self.next)

    def article(self, n_words: int) -> str:
        rng, paras, words = self.rng, [], []
        w = rng.choice(self.starts)
        while sum(map(len, paras)) + len(words) < n_words:
            words.append(w)
            nxt = self.next.get(w)
            w = rng.choice(nxt) if nxt and rng.random() > 0.1 else rng.choice(self.starts)
            if len(words) >= 60 and w[:1].isupper():
                paras.append(words)
                words = []
        if words:
            paras.append(words)
        return "\n\n".join(" ".join(p) for p in paras)


def index_scaling(pack, originals: list[Original], texts: dict[str, list[str]], corpus_texts: list[str],
                  repeats: int, sizes: Sequence[int]) -> list[dict]:
    """index.best(text) per page against indexes of growing size: the given originals plus synthetic ones."""
    rng = random.Random(20260504)
    chain = Markov([o.text for o in originals] + corpus_texts, rng)
    boiler = (pack.notice,) if pack.notice else ()
    synthetic: list[Original] = []
    rows = []
    for size in sizes:
        while len(originals) + len(synthetic) < size:
            i = len(synthetic)
            synthetic.append(Original(id=f"synthetic-{i}", url=f"https://dailycallernewsfoundation.org/s/{i}/",
                                      title=f"Synthetic {i}", authors=("Jane Q. Reporter",),
                                      text=chain.article(rng.randint(400, 900))))
        pool = originals + synthetic[: max(0, size - len(originals))]
        gc.collect()
        rss0 = rss_now_mib()
        t0 = time.perf_counter()
        index = OriginalIndex(pool, pack.match, boilerplate=boiler)
        build = time.perf_counter() - t0
        row = {"originals": len(pool), "build_seconds": build, "index_rss_mib": rss_now_mib() - rss0,
               "postings": index.flat.postings if index.flat is not None else len(index._postings)}
        gc.collect()
        gc.freeze()  # millions of posting lists: keep them out of the collections run_paths makes
        for key, page_texts in texts.items():
            _, times = run_paths(page_texts, {"best": index.best}, repeats)
            matched = [index.best(x) for x in page_texts]
            if index.flat is not None:  # the flat index (checker/shingle_index.py): posting rows found per page
                hits = sum(int(index.flat.hits(tokens(x), pack.match.shingle_size)[1].sum()) for x in page_texts)
            else:
                hits = sum(sum(1 for sh in index.page_shingles(x) if sh in index._postings) for x in page_texts)
            right = sum(1 for m, want in zip(matched, texts_owner[key]) if (m and m.original.id) == want)
            row[key] = {"us_per_page": times["best"] / len(page_texts) * 1e6, "pages": len(page_texts),
                        "matched": sum(1 for m in matched if m), "matched_right": right,
                        "hits_per_page": hits / len(page_texts)}
        rows.append(row)
        del index
        gc.collect()
    return rows


texts_owner: dict[str, list[Optional[str]]] = {}  # per page set: the original each page copies (None: none)


# ---- profile ----------------------------------------------------------------------------------


def profile(fn: Callable[[], object], top: int = 15) -> str:
    prof = cProfile.Profile()
    prof.enable()
    fn()
    prof.disable()
    buf = io.StringIO()
    stats = pstats.Stats(prof, stream=buf).strip_dirs().sort_stats("tottime")
    stats.print_stats(top)
    text = buf.getvalue()
    start = text.find("   ncalls")
    head = re.search(r"\d+ function calls.*?in [\d.]+ seconds", text)
    return ((head.group(0) + "\n\n") if head else "") + (text[start:] if start >= 0 else text).rstrip()


# ---- main -------------------------------------------------------------------------------------


def fmt_rate(seconds: float, docs: Sequence[Doc]) -> tuple[float, float]:
    return len(docs) / seconds, sum(len(d.body) for d in docs) / seconds / 1e6


def load_line() -> str:
    try:
        return "load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    except OSError:
        return "load average unknown"


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer repeats (2 instead of 5)")
    ap.add_argument("--repeats", type=int, help="timed repeats per page and path (default 5, --quick 2)")
    ap.add_argument("--json", metavar="PATH", help="also write the figures as JSON")
    ap.add_argument("--profile", action="store_true",
                    help="also print cProfile top 15 (tottime) of the not-a-copy and full-check paths")
    ap.add_argument("--no-memory", action="store_true", help="skip the memory runs")
    ap.add_argument("--no-index", action="store_true", help="skip the index-scaling runs")
    ap.add_argument("--_memory-child", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--_pages", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args._memory_child:
        memory_child(args._pages, args._memory_child)
        return 0

    corpus = corpus_dir()
    launcher = None if args.no_memory else Launcher()  # before this process grows: see _LAUNCHER
    print("$ " + " ".join(shlex.quote(a) for a in [sys.executable, *sys.argv]), flush=True)
    repeats = args.repeats or (2 if args.quick else 5)
    cpu = pin_one_core()
    import bs4
    import selectolax
    print(f"python {platform.python_version()} | selectolax {selectolax.__version__} | lxml "
          f"{'.'.join(map(str, lxml.etree.LXML_VERSION))} (libxml2 {'.'.join(map(str, lxml.etree.LIBXML_VERSION))})"
          f" | bs4 {bs4.__version__} | {platform.machine()}, {os.cpu_count()} cpus, pinned to cpu {cpu}")
    print(f"timing: time.perf_counter, per page the best of {repeats} after a warm-up pass, paths interleaved "
          f"page by page; {load_line()} at start")

    pack = load_pack()
    originals, originals_from = load_originals(pack)
    checker = Checker.build(pack, originals)

    real = [Doc(p.parent.name, p.resolve().as_uri(), p.read_bytes()) for p in sorted(corpus.glob("*/source.html"))]
    tmp = Path(tempfile.mkdtemp(prefix="syndicheck-bench-"))
    copies, copy_of = [], []
    for i, d in enumerate(real):
        original = originals[i % len(originals)]
        body = make_copy(d.html, original, pack.notice)
        path = tmp / f"copy-{d.name}.html"
        path.write_bytes(body)
        copies.append(Doc(f"copy-{d.name}", path.as_uri(), body))
        copy_of.append(original.id)
    sets = {"real": real, "copies": copies}
    texts_owner.update(real=[None] * len(real), copies=copy_of)
    mb = {k: sum(len(d.body) for d in v) / 1e6 for k, v in sets.items()}
    print(f"pages: {len(real)} real ({mb['real']:.1f} MB) from {corpus}; {len(copies)} generated copies "
          f"({mb['copies']:.1f} MB) of {len(originals)} originals from {originals_from}")

    # Sanity: what the checker makes of each set (the figures only mean something if these are right).
    verdicts = {}
    wrong = []
    for key, docs in sets.items():
        counts: dict[str, int] = {}
        for i, d in enumerate(docs):
            r = checker.check(Fetched(target=d.name, url=d.url, body=d.body))
            counts[r.status.value] = counts.get(r.status.value, 0) + 1
            if (r.original.id if r.original else None) != texts_owner[key][i]:
                wrong.append(d.name)
        verdicts[key] = counts
    print("verdicts: " + "; ".join(f"{k}: " + ", ".join(f"{n} {s}" for s, n in sorted(v.items()))
                                   for k, v in verdicts.items()))
    if wrong:
        print(f"WARNING: {len(wrong)} pages not paired as generated (copy missed, or real page matched): "
              + ", ".join(wrong))

    def check(d: Doc):
        return checker.check(Fetched(target=d.name, url=d.url, body=d.body))

    def decision(d: Doc):  # what Checker.check does before it knows whether the page is a copy
        looks_binary(d.body)
        return checker.index.best(fast_visible_text(decode_html(d.body, None)[0]))

    common = {
        "a": lambda d: LexborHTMLParser(d.html),
        "b": lambda d: lxml.html.document_fromstring(d.html),
        "d": lambda d: BeautifulSoup(d.html, "lxml"),
        "c1": lambda d: decode_html(d.body, None),
        "c2": lambda d: fast_visible_text(d.html),
    }
    texts = {k: [fast_visible_text(d.html) for d in v] for k, v in sets.items()}
    text_of = {id(d): t for k in sets for d, t in zip(sets[k], texts[k])}
    common["c3"] = lambda d: checker.index.best(text_of[id(d)])
    per_set = {
        "real": {**common, "c": check},
        "copies": {**common, "c": decision, "e": check, "e1": lambda d: parse_page(d.html, d.url),
                   "e2": lambda d: soup_of(d.html)},
    }
    times: dict[str, dict[str, float]] = {}
    no_gc: dict[str, dict[str, float]] = {}
    gc.collect()
    gc.freeze()  # the benchmark's own objects: see run_paths
    for key in ("real", "copies"):
        t0 = time.perf_counter()
        times[key], no_gc[key] = run_paths(sets[key], per_set[key], repeats)
        print(f"timed {key} in {time.perf_counter() - t0:.0f} s; {load_line()}", flush=True)

    labels = [
        ("a", "(a) bare selectolax LexborHTMLParser(html)"),
        ("b", "(b) bare lxml.html.document_fromstring(html)"),
        ("c", "(c) not-a-copy decision: decode + fast text + index"),
        ("c1", "    c1 decode_html(bytes) only"),
        ("c2", "    c2 fast_visible_text(html) only"),
        ("c3", f"    c3 index.best(text) only ({len(originals)} originals)"),
        ("d", "(d) bare BeautifulSoup(html, 'lxml')"),
        ("e", "(e) full check of a copy: Checker.check"),
        ("e1", "    e1 parse_page(html) only"),
        ("e2", "    e2 soup_of(html): (d)'s tree, as parse_page builds it"),
    ]
    width = max(len(label) for _, label in labels)
    print()
    print(f"{'path':<{width}}  {'real pages (not a copy)':>26}  {'generated copies':>26}")
    print(f"{'':<{width}}  {'pages/s':>10} {'MB/s':>7} {'ms/page':>7}  {'pages/s':>10} {'MB/s':>7} {'ms/page':>7}")
    table: dict[str, dict] = {}
    for key, label in labels:
        cells, row = [], {}
        for s in ("real", "copies"):
            t = times[s].get(key)
            if t is None:
                cells.append(f"{'—':>10} {'—':>7} {'—':>7}")
                continue
            pps, mbs = fmt_rate(t, sets[s])
            row[s] = {"seconds": t, "pages_per_s": pps, "mb_per_s": mbs, "ms_per_page": t / len(sets[s]) * 1e3}
            cells.append(f"{pps:>10.1f} {mbs:>7.1f} {t / len(sets[s]) * 1e3:>7.2f}")
        table[key] = {"label": label.strip(), **row}
        print(f"{label:<{width}}  " + "  ".join(cells))
    print("(c) is Checker.check itself on the real pages (all not a copy); on the copies it is the same steps,\n"
          "stopped where Checker.check goes on to the full check. MB/s counts the page's bytes; bare parsers\n"
          "get the decoded str, Checker.check the bytes. Times include collecting each call's cyclic garbage.")

    def verdict(value: float, target: float) -> str:
        return f"{'ok' if value <= target else 'MISS'} (target <= {target})"

    ratios = {
        "decision_vs_selectolax_real": times["real"]["c"] / times["real"]["a"],
        "decision_vs_lxml_real": times["real"]["c"] / times["real"]["b"],
        "decision_vs_selectolax_copies": times["copies"]["c"] / times["copies"]["a"],
        "decision_vs_lxml_copies": times["copies"]["c"] / times["copies"]["b"],
        "full_check_vs_bs4_copies": times["copies"]["e"] / times["copies"]["d"],
    }
    print()
    print("ratios (issue 2, item 11):")
    print(f"  (c)/(a) not-a-copy decision / bare selectolax parse, real pages:  "
          f"{ratios['decision_vs_selectolax_real']:5.2f}  " + verdict(ratios["decision_vs_selectolax_real"], TARGET_DECISION))
    print(f"  (c)/(b) not-a-copy decision / bare lxml parse, real pages:        "
          f"{ratios['decision_vs_lxml_real']:5.2f}  " + verdict(ratios["decision_vs_lxml_real"], TARGET_DECISION))
    print(f"  (c)/(a), (c)/(b) on the copies (informative):                     "
          f"{ratios['decision_vs_selectolax_copies']:5.2f}, {ratios['decision_vs_lxml_copies']:.2f}")
    print(f"  (e)/(d) full check of a copy / bare BeautifulSoup(html, 'lxml'):  "
          f"{ratios['full_check_vs_bs4_copies']:5.2f}  " + verdict(ratios["full_check_vs_bs4_copies"], TARGET_FULL))
    ratios["soup_build_vs_bs4_copies"] = times["copies"]["e2"] / times["copies"]["d"]
    print(f"  (e2)/(d) the same tree by checker/soup_build.py / by bs4's builder:  "
          f"{ratios['soup_build_vs_bs4_copies']:5.2f}  (informative: the full check builds its tree this way)")
    ratios["full_check_vs_bs4_copies_without_gc"] = no_gc["copies"]["e"] / no_gc["copies"]["d"]
    ratios["decision_vs_selectolax_real_without_gc"] = no_gc["real"]["c"] / no_gc["real"]["a"]
    print(f"  the same two without the garbage collection after each call:       "
          f"(c)/(a) {ratios['decision_vs_selectolax_real_without_gc']:.2f}, "
          f"(e)/(d) {ratios['full_check_vs_bs4_copies_without_gc']:.2f}")

    scaling = None
    if not args.no_index:
        print()
        # The synthetic originals are drawn from a word chain over the originals and half the real pages;
        # lookups run on the other half (and their copies), whose text the generator never saw.
        held_out = range(1, len(real), 2)
        seen_texts = [texts["real"][i] for i in range(0, len(real), 2)]
        look = {k: [texts[k][i] for i in held_out] for k in sets}
        saved_owner = dict(texts_owner)
        texts_owner.update({k: [saved_owner[k][i] for i in held_out] for k in sets})
        print(f"index scaling: index.best(fast text) per page (text extraction excluded), on {len(held_out)} real "
              f"pages and their copies; the {len(originals)} originals plus synthetic ones (an order-1 word chain "
              f"over the originals and the other {len(seen_texts)} real pages)", flush=True)
        scaling = index_scaling(pack, list(originals), look, seen_texts, repeats, INDEX_SIZES)
        texts_owner.update(saved_owner)
        base = {k: scaling[0][k]["us_per_page"] for k in ("real", "copies")}
        print(f"  {'originals':>9} {'build s':>8} {'index MiB':>9}  {'real µs/page':>12} {'x':>5} {'hits':>5}  "
              f"{'copies µs/page':>14} {'x':>5} {'hits':>5}  {'copies paired right':>19}")
        for row in scaling:
            r, c = row["real"], row["copies"]
            print(f"  {row['originals']:>9,} {row['build_seconds']:>8.2f} {row['index_rss_mib']:>9.0f}  "
                  f"{r['us_per_page']:>12.0f} {r['us_per_page'] / base['real']:>5.2f} {r['hits_per_page']:>5.0f}  "
                  f"{c['us_per_page']:>14.0f} {c['us_per_page'] / base['copies']:>5.2f} {c['hits_per_page']:>5.0f}  "
                  f"{c['matched_right']:>15}/{c['pages']}"
                  + (f"  (real pages matched: {r['matched']})" if r["matched"] else ""))
        print("  hits = page shingles found in the index per page; index MiB = growth of this process's RSS")
        worst = max(row[k]["us_per_page"] / base[k] for row in scaling for k in ("real", "copies"))
        ratios["index_10000_vs_10_worst"] = worst

    memory = None
    if launcher is not None:
        print()
        # Largest pages first, real and copy alternating: the 100-page run already meets the biggest pages,
        # so the 2,000-page run can only add what accumulates.
        order = sorted(range(len(real)), key=lambda i: -len(real[i].body))
        files = []
        for i in order:
            files.append(corpus / real[i].name / "source.html")
            files.append(tmp / f"{copies[i].name}.html")
        print(f"memory: peak RSS (ru_maxrss) of a fresh process checking N pages with the {len(originals)} originals "
              f"(cycling {len(files)} files, largest first; read, check, keep only the PageResult)", flush=True)
        memory = run_memory(launcher, files, tmp)
        launcher.close()
        for m in memory:
            print(f"  {m['pages']:>5} pages: peak RSS {m['peak_rss_kib'] / 1024:7.1f} MiB  (VmHWM "
                  f"{(m['vm_hwm_kib'] or 0) / 1024:.1f} MiB; {m['baseline_rss_kib'] / 1024:.1f} MiB before the first "
                  f"page; {m['pages'] / m['seconds']:.1f} pages/s; "
                  + ", ".join(f"{n} {s}" for s, n in sorted(m["statuses"].items())) + ")")
        ratio = memory[1]["peak_rss_kib"] / memory[0]["peak_rss_kib"]
        ratios["memory_2000_vs_100"] = ratio
        print(f"  peak RSS {MEMORY_RUNS[1]:,} pages / {MEMORY_RUNS[0]} pages: {ratio:.2f}  {verdict(ratio, TARGET_MEMORY)}")

    profiles = {}
    if args.profile:
        for key, docs, fn, title in (
                ("not_a_copy", real, check, "not-a-copy path: Checker.check over the real pages"),
                ("full_check_copies", copies, check, "full check: Checker.check over the generated copies")):
            profiles[key] = profile(lambda: [fn(d) for d in docs])
            print(f"\nprofile, {title} (cProfile, top 15 by tottime)")
            print(profiles[key])

    print(f"\n{load_line()} at end")
    if args.json:
        out = {
            "command": [sys.executable, *sys.argv], "python": platform.python_version(), "cpu": cpu,
            "repeats": repeats, "corpus": str(corpus), "originals_from": originals_from,
            "pages": {k: len(v) for k, v in sets.items()}, "megabytes": mb, "verdicts": verdicts,
            "paths": table, "ratios": ratios,
            "seconds_without_gc": no_gc,
            "targets": {"decision_vs_bare_parse": TARGET_DECISION, "full_check_vs_bs4": TARGET_FULL,
                        "memory_2000_vs_100": TARGET_MEMORY},
            "index_scaling": scaling, "memory": memory, "profiles": profiles or None,
        }
        Path(args.json).write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {args.json}")
    for f in tmp.iterdir():
        f.unlink()
    tmp.rmdir()
    return 0


if __name__ == "__main__":
    sys.exit(main())
