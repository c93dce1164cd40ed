#!/usr/bin/env python3
"""Time and memory of `syndicheck check` on attribute, element and image bombs (issue 11), and what the pre-scan
costs an ordinary page.

Prints figures; it is not a test and asserts nothing.

    .venv/bin/python bench/bench_bombs.py            # about a minute
    .venv/bin/python bench/bench_bombs.py --before   # also the unguarded costs (bare lexbor on the attribute
                                                     # bomb, a full Pillow decode of one image bomb): ~1 minute more

Each case runs in a fresh process (`--case NAME`), so its peak RSS (ru_maxrss) is its own; CPU is the process's
user+system time for the whole check (originals, decode, pre-scan, match, parse, rules), wall is end to end.
"""
from __future__ import annotations

import argparse
import base64
import json
import resource
import struct
import subprocess
import sys
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def png(width: int, height: int) -> bytes:
    """A grey PNG of any declared size whose zero rows compress to almost nothing."""
    deflate = zlib.compressobj(9)
    row = b"\x00" + bytes(width)
    idat = b"".join(deflate.compress(row) for _ in range(height)) + deflate.flush()

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", idat) + chunk(b"IEND", b""))


def _copy_page(extra: str) -> tuple[str, object]:
    from checker.ruleset import load_pack

    pack = load_pack()
    o = pack.example_original
    paragraphs = "".join(f"<p>{p.strip()}</p>" for p in o.text.split("\n\n") if p.strip())
    return (f"<!doctype html><html><body><article><h1>{o.title}</h1>"
            f"<p class='byline'>By {' and '.join(o.authors)}, Daily Caller News Foundation</p>{extra}"
            f"{paragraphs}</article></body></html>"), pack


def _check(html: str, pack, url: str = "https://partner.example/story") -> str:
    from checker.models import Fetched
    from checker.pipeline import Checker

    fetched = Fetched(target=url, url=url, body=html.encode(), status_code=200, content_type="text/html",
                      charset="utf-8")
    result = Checker.build(pack, [pack.example_original]).check(fetched)
    return result.error or ", ".join(f"{f.rule} {f.outcome.value}" for f in result.findings) or result.status.value


def run_case(name: str) -> dict:
    """One case, in this process; returns what it did (the parent adds the resource figures)."""
    attrs = {"attributes-60k": 60_000, "attributes-1m": 1_000_000}
    if name in attrs:
        html, pack = _copy_page("<div " + " ".join(f"a{i}" for i in range(attrs[name])) + ">x</div>")
        return {"outcome": _check(html, pack), "page": len(html)}
    if name == "bare-lexbor-60k":
        from selectolax.lexbor import LexborHTMLParser

        html = "<html><body><div " + " ".join(f"a{i}" for i in range(60_000)) + ">x</div></body></html>"
        LexborHTMLParser(html)
        return {"outcome": "parsed", "page": len(html)}
    if name == "elements-400k":
        html, pack = _copy_page("<i></i>" * 400_000)
        return {"outcome": _check(html, pack), "page": len(html)}
    if name == "images-40-data-uris":
        uri = "data:image/png;base64," + base64.b64encode(png(13_000, 13_000)).decode()
        html, pack = _copy_page(f'<img src="{uri}" width="200" height="60">' * 40)
        return {"outcome": _check(html, pack), "page": len(html)}
    if name == "image-local-file":
        import tempfile

        from checker.cli import main

        with tempfile.TemporaryDirectory() as tmp:
            site = Path(tmp)
            (site / "masthead.png").write_bytes(png(13_000, 13_000))
            html, pack = _copy_page("<img src='masthead.png'>")
            (site / "story.html").write_text(html, encoding="utf-8")
            o = pack.example_original
            (site / "originals.json").write_text(json.dumps([{"id": o.id, "url": o.url, "title": o.title,
                                                              "authors": list(o.authors), "text": o.text}]))
            import contextlib
            import io
            with contextlib.redirect_stdout(io.StringIO()) as out:
                main(["check", str(site / "story.html"), "--originals", str(site / "originals.json"),
                      "--format", "json"])
            page = json.loads(out.getvalue())["pages"][0]
        return {"outcome": ", ".join(f"{f['rule']} {f['outcome']}" for f in page["findings"]), "page": len(html)}
    if name == "bare-pillow-decode":
        import io

        from PIL import Image
        Image.MAX_IMAGE_PIXELS = None
        with Image.open(io.BytesIO(png(13_000, 13_000))) as im:
            im.convert("L").resize((9, 8))
        return {"outcome": "decoded 13,000 x 13,000", "page": 0}
    raise SystemExit(f"unknown case {name}")


def _peak_rss_kib(fallback: int) -> int:
    """This process's peak RSS (VmHWM): ru_maxrss also counts the parent's, inherited through fork and exec."""
    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    except (OSError, StopIteration, ValueError):
        return fallback


def prescan_cost() -> str:
    """The pre-scan's time on the real pages, next to a bare lexbor parse of the same text (best of 5)."""
    import os

    from selectolax.lexbor import LexborHTMLParser

    from checker.prescan import too_complex

    corpus = Path(os.environ.get("SYNDICHECK_CORPUS", ROOT.parent / "shared" / "corpus" / "real-pages"))
    pages = [p.read_bytes() for p in sorted(corpus.glob("*/source.html"))]
    if not pages:
        return "pre-scan: no corpus pages found (set SYNDICHECK_CORPUS)"
    texts = [p.decode("utf-8", "replace") for p in pages]
    # As the pipeline calls it: with the page's bytes when the text is exactly their UTF-8 decoding.
    scans = [(t, p if t.encode() == p else None) for t, p in zip(texts, pages)]
    best = {}
    for label, fn, inputs in (("pre-scan", too_complex, scans), ("lexbor parse (bytes)", LexborHTMLParser,
                                                                  [(p,) for p in pages])):
        times = []
        for _ in range(5):
            started = time.process_time()
            for x in inputs:
                fn(*x)
            times.append(time.process_time() - started)
        best[label] = min(times)
    mb = sum(map(len, pages)) / 1e6
    refused = sum(1 for t in texts if too_complex(t))
    return (f"pre-scan on {len(pages)} real pages ({mb:.1f} MB): {best['pre-scan'] * 1000 / len(pages):.2f} ms a page "
            f"({mb / best['pre-scan']:.0f} MB/s), {best['pre-scan'] / best['lexbor parse (bytes)']:.2f} x a bare "
            f"lexbor parse; pages refused: {refused}")


def decision_cost() -> str:
    """`Checker.check` on the real pages (all not a copy: decode, pre-scan, fast text, index), with the pre-scan
    and with it replaced by a no-op, interleaved, best of 5 (CPU time)."""
    import os

    import checker.pipeline as pipeline
    from checker.models import Fetched
    from checker.ruleset import load_pack

    corpus = Path(os.environ.get("SYNDICHECK_CORPUS", ROOT.parent / "shared" / "corpus" / "real-pages"))
    docs = [Fetched(target=str(p), url="https://partner.example/", body=p.read_bytes(), content_type="text/html")
            for p in sorted(corpus.glob("*/source.html"))]
    if not docs:
        return "not-a-copy decision: no corpus pages found"
    pack = load_pack()
    checker = pipeline.Checker.build(pack, [pack.example_original])
    real, best = pipeline.too_complex, {"with": float("inf"), "without": float("inf")}
    try:
        for _ in range(5):
            for mode in best:
                pipeline.too_complex = real if mode == "with" else (lambda html, utf8=None: None)
                started = time.process_time()
                for d in docs:
                    checker.check(d)
                best[mode] = min(best[mode], time.process_time() - started)
    finally:
        pipeline.too_complex = real
    per = {k: v / len(docs) * 1000 for k, v in best.items()}
    return (f"not-a-copy decision on the same pages: {per['with']:.2f} ms a page with the pre-scan, "
            f"{per['without']:.2f} ms without (x{best['with'] / best['without']:.2f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", help=argparse.SUPPRESS)
    parser.add_argument("--before", action="store_true", help="also time the unguarded parse and decode")
    args = parser.parse_args()
    if args.case:
        started = time.monotonic()
        info = run_case(args.case)
        usage = resource.getrusage(resource.RUSAGE_SELF)
        info.update(cpu=usage.ru_utime + usage.ru_stime, wall=time.monotonic() - started,
                    maxrss_mib=_peak_rss_kib(usage.ru_maxrss) / 1024)
        print(json.dumps(info))
        return
    print("$ " + " ".join([".venv/bin/python", "bench/bench_bombs.py", *sys.argv[1:]]))
    print(f"python {sys.version.split()[0]}, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    cases = ["attributes-60k", "attributes-1m", "elements-400k", "images-40-data-uris", "image-local-file"]
    if args.before:
        cases += ["bare-lexbor-60k", "bare-pillow-decode"]
    print(f"{'case':22} {'page':>9} {'cpu s':>7} {'wall s':>7} {'peak RSS':>9}  outcome")
    for case in cases:
        done = subprocess.run([sys.executable, __file__, "--case", case], capture_output=True, text=True, cwd=ROOT)
        if done.returncode:
            print(f"{case:22} failed: {done.stderr.strip().splitlines()[-1:]}")
            continue
        r = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"{case:22} {r['page'] / 1e6:>7.2f}MB {r['cpu']:>7.2f} {r['wall']:>7.2f} {r['maxrss_mib']:>6.0f} MiB  "
              f"{r['outcome'][:90]}")
    print(prescan_cost())
    print(decision_cost())


if __name__ == "__main__":
    main()
