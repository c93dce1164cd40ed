"""Pages whose cost explodes inside a parser or an image decoder (issue 11, kinds 3 and 4).

- Attribute bombs: one element with 60,000 distinct attributes cost 16 s of CPU in the fast text path, a
  million about an hour, before the per-page budget was looked at. The pre-scan (checker/prescan.py) refuses
  them, and pages with too many elements, in linear time before any parser runs.
- Image bombs: 20 KB PNGs declaring 13,000 x 13,000 pixels, as data URIs or as a local build's logo file, were
  decoded in full by the logo comparison (1 GiB of RSS, minutes). Now the header is read first and such an image
  is never decoded; decoding is capped per page and charged to the page's time budget.

Figures (time and memory) for both bombs: bench/bench_bombs.py, docs/hardening.md.
"""
from __future__ import annotations

import base64
import itertools
import json
import struct
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest

from checker.budget import BudgetExceeded, charge, page_budget
from checker.logo_image import MAX_IMAGE_PIXELS, MAX_PAGE_PIXELS, dhash
from checker.models import Fetched, Outcome, Status
from checker.pipeline import Checker
from checker.prescan import MAX_ATTRIBUTES, MAX_ELEMENTS, too_complex

ROOT = Path(__file__).resolve().parents[1]
BUDGET_REASON = "page too complex to check within the time budget"


def png(width: int, height: int) -> bytes:
    """A grey PNG of any declared size whose zero rows compress to almost nothing (13,000^2: ~160 KB)."""
    deflate = zlib.compressobj(9)
    row = b"\x00" + bytes(width)
    idat = b"".join(deflate.compress(row) for _ in range(height)) + deflate.flush()

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", idat) + chunk(b"IEND", b""))


@pytest.fixture(scope="module")
def bomb_png() -> bytes:
    return png(13_000, 13_000)


def _fetched(html: str, url: str = "https://partner.example/story") -> Fetched:
    return Fetched(target=url, url=url, body=html.encode("utf-8"), status_code=200, content_type="text/html",
                   charset="utf-8")


def cpu(fn, *args):
    started = time.thread_time()
    result = fn(*args)
    return result, time.thread_time() - started


def attributes(n: int, template: str = "a{i}") -> str:
    return " ".join(template.format(i=i) for i in range(n))


# ---------------------------------------------------------------------------------------------- attribute bombs


@pytest.mark.parametrize("n", [60_000, 1_000_000])
def test_attribute_bomb_is_refused_before_any_parser(pack, original, make_page, n):
    html = make_page(f"<div {attributes(n)}>x</div>")
    result, took = cpu(Checker.build(pack, [original]).check, _fetched(html))
    assert result.status is Status.ERROR
    assert result.error == f"page too complex to check: an element with more than {MAX_ATTRIBUTES:,} attributes " \
                           "(a client-side limit)"
    assert took < 1.0  # was 16 s (60,000) and about an hour (1,000,000)


@pytest.mark.parametrize("template", ['a{i}=">"', "a{i}=\"<\"", "a{i}=''", "a{i}=x", "a{i}/", '"a{i}"',
                                      "a{i}\t", "a{i}=\"\"b{i}=\"\""])
def test_attribute_bomb_in_any_spelling_is_found(template):
    """Quoted values may hide ">" and "<", attributes may follow a quoted value without a space."""
    html = f"<html><body><div {attributes(3000, template)}>x</div></body></html>"
    assert too_complex(html) and too_complex(html, html.encode())  # the text, and its UTF-8 bytes
    fewer = f"<html><body><div {attributes(MAX_ATTRIBUTES // 2, template)}>x</div></body></html>"
    assert too_complex(fewer) is None and too_complex(fewer, fewer.encode()) is None


def test_pages_under_the_limits_are_not_refused(pack, original, make_page):
    html = make_page(f'<div class="byline" {attributes(MAX_ATTRIBUTES - 10)}>By {original.authors[0]}, '
                     'Daily Caller News Foundation</div><img src="/img/dcnf-logo.png" alt="DCNF">')
    assert too_complex(html) is None
    assert Checker.build(pack, [original]).check(_fetched(html)).status is not Status.ERROR
    # Script text with "<a" and thousands of words is not an element: ordinary pages stay untouched.
    script = "<script>if (a<b) {" + " ".join(f"x{i}" for i in range(500)) + "}</script>"
    assert too_complex(make_page(script)) is None


def test_real_pages_pass_the_pre_scan():
    corpus = sorted(Path(ROOT.parent / "shared" / "corpus" / "real-pages").glob("*/source.html"))
    if not corpus:
        pytest.skip("the shared corpus is not here")
    refused = [p.parent.name for p in corpus if too_complex(p.read_text("utf-8", "replace"))]
    assert refused == []


def test_element_bomb_is_refused(pack, original, make_page):
    html = make_page("<i></i>" * (MAX_ELEMENTS + 10))
    result, took = cpu(Checker.build(pack, [original]).check, _fetched(html))
    assert result.status is Status.ERROR and "elements (a client-side limit: 300,000)" in result.error
    assert took < 2.0


def test_fast_path_time_counts_against_the_budget(pack, original, make_page):
    """The budget starts before the match: a page whose match used it up gets `review`, never a verdict."""
    html = make_page('<p class="byline">By Jane Q. Reporter, Daily Caller News Foundation</p>'
                     '<img src="/img/dcnf-logo.png" alt="Daily Caller News Foundation">')
    ticks = itertools.count(step=10)  # started 0, after the match 10: over a 5 s budget
    result = Checker.build(pack, [original], time_budget=5, clock=lambda: float(next(ticks))).check(_fetched(html))
    assert result.status is Status.REVIEW
    assert all(f.outcome is Outcome.REVIEW and f.message == f"{BUDGET_REASON} (5 s)" for f in result.findings)


# ---------------------------------------------------------------------------------------------- image bombs


def test_bomb_header_is_read_and_the_image_never_decoded(bomb_png):
    assert 13_000 * 13_000 > MAX_IMAGE_PIXELS
    result, took = cpu(dhash, bomb_png)
    assert result is None and took < 0.5
    assert dhash(png(64, 64)) is not None  # an ordinary image is still compared


def test_forty_bombs_as_data_uris(pack, original, make_page, bomb_png):
    uri = "data:image/png;base64," + base64.b64encode(bomb_png).decode()
    images = "".join(f'<img src="{uri}" width="200" height="60">' for _ in range(40))
    html = make_page(f'<p class="byline">By {" and ".join(original.authors)}, Daily Caller News Foundation</p>'
                     + images)
    result, took = cpu(Checker.build(pack, [original]).check, _fetched(html))
    logo = result.finding("logo") if hasattr(result, "finding") else result.findings[0]
    assert logo.rule == "logo" and logo.outcome is Outcome.FAIL  # no image is the logo; none was decoded
    assert took < 5.0  # 40 full decodes took minutes


def test_page_pixel_cap_gives_review(pack, original, make_page):
    side = 4000  # under the per-image cap; five of them are over the page's cap
    assert side * side <= MAX_IMAGE_PIXELS and 5 * side * side > MAX_PAGE_PIXELS
    images = "".join(f'<img src="data:image/png;base64,{base64.b64encode(png(side, side + i)).decode()}">'
                     for i in range(5))
    html = make_page(f'<p class="byline">By {" and ".join(original.authors)}, Daily Caller News Foundation</p>'
                     + images)
    result = Checker.build(pack, [original]).check(_fetched(html))
    logo = result.findings[0]
    assert logo.rule == "logo" and logo.outcome is Outcome.REVIEW, logo
    assert f"more than {MAX_PAGE_PIXELS:,} pixels" in logo.message


def test_image_work_is_charged_to_the_page_budget(pack, original, make_page):
    """The logo rule starts within the budget; the budget is spent while it compares images: review."""
    images = "".join(f'<img src="data:image/png;base64,{base64.b64encode(png(64, 64 + i)).decode()}">'
                     for i in range(3))
    html = make_page(f'<p class="byline">By {" and ".join(original.authors)}, Daily Caller News Foundation</p>'
                     + images)
    readings = itertools.chain([0.0, 0.0, 0.0], itertools.repeat(100.0))  # start, after match, before logo
    result = Checker.build(pack, [original], time_budget=20, clock=lambda: next(readings)).check(_fetched(html))
    logo = result.findings[0]
    assert logo.outcome is Outcome.REVIEW and logo.message == f"{BUDGET_REASON} (20 s)"
    assert "too costly to check automatically" in logo.fix  # raised inside the check (budget.charge)
    assert result.status is Status.REVIEW


def test_charge_outside_a_page_never_raises():
    charge()
    with page_budget(1.0, 0.0, clock=lambda: 0.5):
        charge()
    with page_budget(1.0, 0.0, clock=lambda: 2.0), pytest.raises(BudgetExceeded):
        charge()
    with page_budget(None, 0.0, clock=lambda: 1e9):
        charge()


def test_local_build_with_a_bomb_logo_file(tmp_path, original, bomb_png):
    """`syndicheck check _site/` with a 13,000 x 13,000 logo file: bounded time and memory, in a real process."""
    site = tmp_path / "site"
    (site / "img").mkdir(parents=True)
    (site / "img" / "masthead.png").write_bytes(bomb_png)
    paragraphs = "".join(f"<p>{p.strip()}</p>" for p in original.text.split("\n\n") if p.strip())
    (site / "story.html").write_text(
        f"<!doctype html><html><body><article><h1>{original.title}</h1><img src='img/masthead.png'>"
        f"<p class='byline'>By {' and '.join(original.authors)}, Daily Caller News Foundation</p>{paragraphs}"
        "</article></body></html>", encoding="utf-8")
    manifest = tmp_path / "originals.json"
    manifest.write_text(json.dumps([{"id": original.id, "url": original.url, "title": original.title,
                                     "authors": list(original.authors), "text": original.text}]), encoding="utf-8")
    # The child reports its own peak RSS, VmHWM: ru_maxrss would include this big process's, inherited through
    # fork and exec (and RUSAGE_CHILDREN every earlier child's).
    run = ("import sys; from checker.cli import main; code = main(sys.argv[1:]); "
           "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM:')][0].split()[1]; "
           "sys.stderr.write('MAXRSS %s\\n' % hwm); sys.exit(code)")
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", run, "check", str(site), "--originals", str(manifest),
                           "--format", "json"], capture_output=True, cwd=ROOT, timeout=120)
    took = time.monotonic() - started
    peak_mib = int(done.stderr.split(b"MAXRSS ")[1].split()[0]) / 1024
    report = json.loads(done.stdout)
    page = report["pages"][0]
    assert page["status"] == "violation" and page["findings"][0]["rule"] == "logo", page
    assert peak_mib < 400, peak_mib  # a full decode holds 1 GiB
    assert took < 60, took
