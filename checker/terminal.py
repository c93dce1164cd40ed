"""Make page- or server-derived text inert before it reaches a terminal, a log or a CSV cell.

A reason phrase, a Location header, a feed title or a stored finding may carry ANSI/OSC escape sequences
(ESC[2J clears the screen, OSC 0 retitles the window, OSC 8 plants links) or bidi overrides that reorder what
the reader sees. Every such character is shown as a visible escape (\\x1b, \\u202e) instead; the text stays
readable and nothing in it acts on the terminal.
"""
from __future__ import annotations

import logging
import re

# C0 controls, DEL, C1 controls (U+009B is a one-character CSI), bidi embeddings/overrides/isolates.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_UNSAFE_KEEP_LAYOUT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _escape(m: re.Match) -> str:
    c = ord(m.group())
    return f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"


def inert(text: object, *, keep_layout: bool = False) -> str:
    """`text` with every control character and bidi override shown escaped; tabs and newlines too unless `keep_layout`."""
    s = text if isinstance(text, str) else str(text)
    return (_UNSAFE_KEEP_LAYOUT if keep_layout else _UNSAFE).sub(_escape, s)


class InertFormatter(logging.Formatter):
    """A log formatter whose messages are inert; the traceback (shown with -v only) keeps its line breaks."""

    def __init__(self, fmt: str, *, tracebacks: bool):
        super().__init__(fmt)
        self.tracebacks = tracebacks

    def format(self, record: logging.LogRecord) -> str:
        record = logging.makeLogRecord(record.__dict__)  # other handlers see the record unchanged
        record.msg, record.args = inert(record.getMessage()), None
        record.levelname = record.levelname.lower()  # `syndicheck: error: ...`, as the CLI's own errors
        if not self.tracebacks:
            record.exc_info, record.exc_text, record.stack_info = None, None, None
        text = super().format(record)
        return inert(text, keep_layout=True) if self.tracebacks else text
