"""in_order: a host's pages handed on in their order while one still renders, the crawl going on meanwhile."""
from __future__ import annotations

from concurrent.futures import Future

from checker.crawl.in_order import Later, in_order


def test_pages_after_a_rendering_one_are_drawn_meanwhile_and_handed_on_after_it():
    render: Future = Future()
    drawn: list[str] = []
    out: list[str] = []

    def pages():
        for name in ("a", "b", "c", "d"):
            drawn.append(name)
            yield Later(render, lambda f: f.result()) if name == "b" else name

    it = in_order(pages())
    out.append(next(it))  # "a" is ready at once
    assert out == ["a"] and drawn == ["a"]
    # "b" renders: drawing goes on ("c", "d") while nothing after "b" is handed on out of order; at the end of
    # the host's pages the generator waits for "b", here already done.
    render.set_result("b rendered")
    assert list(it) == ["b rendered", "c", "d"]
    assert drawn == ["a", "b", "c", "d"]


def test_the_crawl_is_not_held_by_a_render_that_has_not_ended():
    render: Future = Future()
    drawn: list[str] = []

    def pages():
        yield Later(render, lambda f: f.result())
        for name in ("x", "y"):
            drawn.append(name)  # fetched and checked while the first page still renders
            yield name
        render.set_result("first")  # the render ends after the host's last page was drawn

    assert list(in_order(pages())) == ["first", "x", "y"]
    assert drawn == ["x", "y"]


def test_at_most_so_many_pages_wait_behind_a_render():
    """Each held page holds its checked result: past `most` of them the crawl waits for the render instead."""
    never: Future = Future()  # a render still going on
    drawn: list[int] = []
    joined_when: list[int] = []

    def join(_future):
        joined_when.append(len(drawn))  # how many pages had been drawn when the generator had to wait
        return "head"

    def pages():
        yield Later(never, join)
        for i in range(5):
            drawn.append(i)
            yield i

    assert list(in_order(pages(), most=2)) == ["head", 0, 1, 2, 3, 4]
    assert joined_when == [2]
