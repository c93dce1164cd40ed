"""Layouts from outside the team's corpus through the accuracy harness: newspaper4k's test pages, a second held-out set.

The team's corpus (real-pages, fundus-pages) has been read while tuning for many sessions; its test split
is held out, but a split of one corpus shares that corpus's eras and sources. This tool builds the same
labelled cases (transplanted DCNF copies, real-byline cases) on pages from another project's test data, so a
change can be measured on layouts nobody here tuned on. Its pages are not stored in the repository: fetch
the sdist once (PyPI is reachable from the dev machine; tests and CI never run this tool):

    pip download newspaper4k==0.9.6 --no-deps --no-binary :all: -d /tmp/sd
    python tests/accuracy/outside.py make /tmp/sd/newspaper4k-0.9.6.tar.gz /tmp/outside
    python tests/accuracy/outside.py run /tmp/outside --seeds 5
    python tests/accuracy/outside.py probe /tmp/outside --kind anon --seed 31337

Every page counts as one split (shown in full); once a page's failures have been read and acted on it is a
tuning page like any other, so say in a note which state of this set a figure comes from.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import tarfile
from pathlib import Path
from typing import Optional, Sequence

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))  # the repository root, for `checker`
sys.path.insert(0, str(HERE))

# newspaper4k 0.9.6, tests/data/html/<name>.html: publisher, language, and the persons the page visibly
# credits, checked by hand (its metadata/*.json authors are an extractor's output, often wrong: "CNN Wire",
# "www.facebook.com"). [] with visible False: the page credits no person.
NEWSPAPER4K: dict[str, tuple[str, str, list[str], bool]] = {
    "cnn_001": ("CNN Politics 2023a", "en", ["Joan Biskupic"], True),
    "cnn_002": ("CNN Politics 2023b", "en", ["Jeremy Herb", "Lauren del Valle", "Kara Scannell"], True),
    "cnn_test_nlp": ("CNN Politics 2016", "en", ["Eric Bradner"], True),
    "fox13now_001": ("FOX 13 Now", "en", ["Leigh Ann Caldwell"], True),
    "cleveland.com1": ("Cleveland.com", "en", [], False),  # "By National Desk"
    "time_001": ("TIME", "en", ["Alejandro de la Garza"], True),
    "video_article_02": ("ONE Esports", "en", ['Amanda "Tania Mae" Tan'], True),
    "wired_001": ("WIRED", "en", ["Tom Bennett"], True),
    "latvian_article": ("LSM", "lv", ["Anna Ūdre"], True),
    "article_with_br": ("Sott.net", "en", ["Max Blumenthal"], True),
    "spanish_article": ("Ultima Hora", "es", ["Patricio Candia"], True),
    "yna_co_kr": ("Yonhap", "en", [], False),
    "arabic_article": ("CNN Arabic", "ar", [], False),
    "chinese_article_001": ("China Daily", "zh", [], False),
    "chinese_article_002": ("Xinhua", "zh", [], False),
    "japanese_article2": ("AFPBB", "ja", [], False),
    "article_with_divs": ("LinkNaija", "en", [], False),
}


def make(sdist: Path, out: Path) -> int:
    """Unpack the listed pages into fundus-pages form: <dir>/source.html.gz and meta.json (persons, paragraphs)."""
    out.mkdir(parents=True, exist_ok=True)
    with tarfile.open(sdist) as tar:
        members = {Path(m.name).relative_to(Path(m.name).parts[0]).as_posix(): m for m in tar.getmembers() if m.isfile()}

        def read(rel: str) -> Optional[bytes]:
            m = members.get(rel)
            f = tar.extractfile(m) if m is not None else None
            return f.read() if f is not None else None

        made = 0
        for name, (publisher, lang, persons, visible) in NEWSPAPER4K.items():
            html = read(f"tests/data/html/{name}.html")
            if html is None:
                print(f"skipped {name}: not in {sdist.name}", file=sys.stderr)
                continue
            text = (read(f"tests/data/txt/{name}.txt") or b"").decode("utf-8", errors="replace")
            md = json.loads(read(f"tests/data/metadata/{name}.json") or b"{}")
            d = out / f"np-{publisher.replace(' ', '')}-{name}"
            d.mkdir(exist_ok=True)
            (d / "source.html.gz").write_bytes(gzip.compress(html.decode("utf-8", errors="replace").encode("utf-8")))
            meta = {"publisher": publisher, "lang": lang, "persons": persons, "byline_visible": visible,
                    "body_visible_without_js": "all", "title": md.get("title") or "", "url": md.get("url"),
                    "paragraphs": [p.strip() for p in text.split("\n\n") if p.strip()], "summary": [],
                    "source": {"package": sdist.name, "path": f"tests/data/html/{name}.html", "licence": "MIT"}}
            (d / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
            made += 1
    print(f"{made} pages in {out}")
    return 0 if made else 1


def _harness(pages: Path):
    """The accuracy harness reading only `pages`, every page in the shown split."""
    if not any(pages.glob("*/source.html.gz")):
        raise SystemExit(f"error: no pages in {pages} (run `outside.py make` first)")
    os.environ["SYNDICHECK_FUNDUS"] = str(pages)
    import evaluate as E
    b = E.load_build()
    b.split_of = lambda publisher: "tune"
    empty = pages / ".no-real-pages"  # build() wants a real-pages folder; this set has none
    empty.mkdir(exist_ok=True)
    b.corpus_dir = lambda: empty
    return E, b, empty


def run(pages: Path, seeds: int, jobs: int, out: Optional[Path]) -> int:
    E, _b, empty = _harness(pages)
    ev = E.evaluate(seeds, ("tune",), jobs, E.RULES, empty, bylines=True)
    print(E.report(ev, E.RULES).replace("split tune", "outside pages"))
    if out is not None:
        E.dump_json(ev, out)
        print(f"wrote {out}")
    return 0


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(prog="python tests/accuracy/outside.py", description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("make", help="unpack newspaper4k's test pages from its sdist")
    m.add_argument("sdist", type=Path)
    m.add_argument("out", type=Path)
    r = sub.add_parser("run", help="the gate's figures on these pages")
    r.add_argument("pages", type=Path)
    r.add_argument("--seeds", type=int, default=5)
    r.add_argument("--jobs", type=int, default=2)
    r.add_argument("--json", type=Path)
    p = sub.add_parser("probe", help="a probe kind on these pages (the rest of the arguments go to probe.py)")
    p.add_argument("pages", type=Path)
    args, rest = ap.parse_known_args(argv)
    if args.cmd == "make":
        return make(args.sdist, args.out)
    if args.cmd == "run":
        return run(args.pages, args.seeds, args.jobs, args.json)
    _harness(args.pages)
    import probe
    return probe.main(rest)


if __name__ == "__main__":
    sys.exit(main())
