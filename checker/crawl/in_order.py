"""A host's pages handed on in their order while some still wait for a render: the crawl goes on meanwhile."""
from __future__ import annotations

from collections import deque
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Callable, Generic, Iterable, Iterator, TypeVar, Union

T = TypeVar("T")
MOST_WAITING = 32  # items held back behind one still rendering (each holds a checked page), before waiting for it


@dataclass(frozen=True)
class Later(Generic[T]):
    """An item that is made, by `make(future)`, once `future` (a page's render) is done."""

    future: Future
    make: Callable[[Future], T]

    def get(self) -> T:
        return self.make(self.future)


def in_order(items: Iterable[Union[T, Later[T]]], most: int = MOST_WAITING) -> Iterator[T]:
    """Each item, or for a Later the item it makes, in the order of `items`. A Later's successors are held back
    until it is done; meanwhile `items` goes on (the host's next fetches), so a render does not stall the crawl.
    Items are drawn one at a time: what comes ready is handed on when the next item is drawn, and at the end."""
    waiting: deque = deque()
    for item in items:
        waiting.append(item)
        while waiting and (not isinstance(waiting[0], Later) or waiting[0].future.done() or len(waiting) > most):
            head = waiting.popleft()
            yield head.get() if isinstance(head, Later) else head
    while waiting:
        head = waiting.popleft()
        yield head.get() if isinstance(head, Later) else head
