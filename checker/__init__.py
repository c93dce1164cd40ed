"""syndicheck: a syndication-license compliance checker."""

__version__ = "0.1.0"
