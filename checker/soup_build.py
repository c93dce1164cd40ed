"""BeautifulSoup(html, "lxml")'s tree, built straight from lxml's parser events (about twice as fast).

bs4's lxml tree builder turns each parser event into several layers of generic calls (namespace
bookkeeping, attribute dict copies, Tag.__init__'s options, string-container lookups, linkage
fix-ups that never fire on a streaming parse): two thirds of a full check's time. `soup_of` feeds
the same libxml2 push parser (same options, same events) to a target that creates the same Tag and
NavigableString objects with the same fields and links, following bs4 4.x's own code step by step
for HTML without namespaces. tests/test_soup_build.py compares every node's fields with bs4's tree
on real and hostile pages. Anything unusual (a namespaced name, a bs4 version it was not written
against, an error) falls back to bs4's own builder, so the tree is always bs4's.
"""
from __future__ import annotations

import re
import warnings
from collections import Counter
from typing import Any, Optional

import bs4
from bs4 import BeautifulSoup, Comment, Doctype, NavigableString, Tag
from bs4.builder import ParserRejectedMarkup
from bs4.builder._lxml import LXMLTreeBuilder
from bs4.element import ProcessingInstruction, XMLAttributeDict, nonwhitespace_re as _NON_WHITESPACE
from lxml import etree

# Written against these bs4 releases' tree building; any other version gets bs4's own builder.
SUPPORTED_BS4 = ("4.13.", "4.14.", "4.15.")
_ASCII_SPACES = "\x20\x0a\x09\x0c\x0d"  # BeautifulSoup.ASCII_SPACES
_dict_set = dict.__setitem__
_new_tag = object.__new__  # Tag defines no __new__: its fields are set below as Tag.__init__ sets them


class _Fallback(Exception):
    """An event this builder does not reproduce: parse again with bs4's own builder."""


class _Target:
    """lxml parser target that grows the soup's tree as BeautifulSoup.handle_starttag / endData /
    handle_endtag would, with their state (tag stack, open-tag counts, the preserve-whitespace and
    string-container stacks, the most recent element) kept in local fields and handed back at close()."""

    def __init__(self, soup: BeautifulSoup, builder: LXMLTreeBuilder, collect: frozenset = frozenset()) -> None:
        self.soup = soup
        self.found: dict = {name: [] for name in collect}  # tag name -> its elements, in document order
        self.stack: list = list(soup.tagStack)
        self.current: Any = soup.currentTag  # the root at least: BeautifulSoup.reset() pushed it
        self.counter: Counter = soup.open_tag_counter
        self.preserve: list = soup.preserve_whitespace_tag_stack
        self.containers: list = soup.string_container_stack
        self.recent: Any = soup._most_recent_element
        self.data_parts: list = soup.current_data
        self.parser_class = soup.__class__
        self.namespaces = builder.active_namespace_prefixes[-1]
        self.value_list = builder.attribute_value_list_class
        self.attr_dict = builder.attribute_dict_class
        self.cdata_lists = builder.cdata_list_attributes
        self.plain_attrs = self.attr_dict is XMLAttributeDict
        self.universal = (self.cdata_lists or {}).get("*", set())
        self.specific: dict = {}  # tag name -> its list-valued attribute names
        self.preserve_tags = builder.preserve_whitespace_tags
        self.string_containers = builder.string_containers
        self.empty_tags = builder.empty_element_tags
        self.substitutions = builder.set_up_substitutions
        self.main_types = Tag.MAIN_CONTENT_STRING_TYPES

    # ---- BeautifulSoup.endData / object_was_parsed -------------------------------------------------
    def _flush(self, container: Optional[type] = None) -> None:
        parts = self.data_parts
        if not parts:
            return
        text = "".join(parts)
        self.data_parts = []
        if not self.preserve and not text.strip(_ASCII_SPACES):
            text = "\n" if "\n" in text else " "
        if container is None:
            container = NavigableString
            if self.containers:
                container = self.string_containers.get(self.containers[-1].name, NavigableString)
        s: Any = str.__new__(container, text)
        parent = self.current
        previous = self.recent
        siblings = parent.contents
        before = siblings[-1] if siblings else None
        s.__dict__ = {"hidden": False, "parent": parent, "previous_element": previous, "next_element": None,
                      "next_sibling": None, "previous_sibling": before}
        if previous is not None:
            previous.next_element = s
        if before is not None:
            before.next_sibling = s
        # bs4's _linkage_fixer runs here when the parent already has a child; while parsing, the open
        # elements are each their parent's last child, so it sets only fields that are already None.
        self.recent = s
        siblings.append(s)

    # ---- parser events ---------------------------------------------------------------------------
    def start(self, name: str, attrib: Any) -> None:
        if name[:1] == "{":
            raise _Fallback(name)
        if self.data_parts:
            self._flush()
        # The lxml builder's start() copies the attributes into an XMLAttributeDict one by one; lxml's
        # values are all str, which its __setitem__ keeps as they are, so the dict constructor does the same.
        attrs = self.attr_dict(attrib) if self.plain_attrs else self._attrs_one_by_one(attrib)
        lists = self.cdata_lists
        if attrs:
            if "{" in "".join(attrs) and any(k[:1] == "{" for k in attrs):
                raise _Fallback(name)  # a namespaced attribute name: bs4 makes it a NamespacedAttribute
            if lists:  # TreeBuilder._replace_cdata_list_attribute_values, inlined
                specific = self.specific.get(name)
                if specific is None:
                    specific = self.specific[name] = lists.get(name.lower(), None) or ()
                universal = self.universal
                for k in list(attrs):
                    if k in universal or k in specific:
                        v = attrs[k]
                        if isinstance(v, str):
                            # XMLAttributeDict.__setitem__ keeps a list as it is
                            _dict_set(attrs, k, self.value_list(_NON_WHITESPACE.findall(v)))
        parent = self.current
        previous = self.recent
        siblings = parent.contents
        before = siblings[-1] if siblings else None
        containers = self.string_containers
        empty = self.empty_tags
        tag = _new_tag(Tag)
        tag.__dict__ = {
            "parser_class": self.parser_class, "name": name, "namespace": None, "_namespaces": self.namespaces,
            "prefix": None, "sourceline": None, "sourcepos": None, "attribute_value_list_class": self.value_list,
            "attrs": attrs, "known_xml": False, "contents": [], "parent": parent, "previous_element": previous,
            "next_element": None, "next_sibling": None, "previous_sibling": before, "hidden": False,
            "can_be_empty_element": True if empty is None else name in empty,
            "cdata_list_attributes": lists, "preserve_whitespace_tags": self.preserve_tags,
            "interesting_string_types": {containers[name]} if name in containers else self.main_types,
        }
        if before is not None:
            before.next_sibling = tag
        if name == "meta":
            self.substitutions(tag)
        if previous is not None:
            previous.next_element = tag
        self.recent = tag
        # BeautifulSoup.pushTag
        siblings.append(tag)
        self.stack.append(tag)
        self.current = tag
        self.counter[name] += 1
        if name in self.preserve_tags:
            self.preserve.append(tag)
        if name in containers:
            self.containers.append(tag)
        bucket = self.found.get(name)
        if bucket is not None:
            bucket.append(tag)

    def _attrs_one_by_one(self, attrib: Any) -> Any:
        attrs = self.attr_dict()
        for k, v in attrib.items():
            attrs[k] = v
        return attrs

    def end(self, name: str) -> None:
        if self.data_parts:
            self._flush()
        if name[:1] == "{":
            raise _Fallback(name)
        # BeautifulSoup._popToTag(name, None)
        if name == BeautifulSoup.ROOT_TAG_NAME:
            return
        stack = self.stack
        for i in range(len(stack) - 1, 0, -1):
            if not self.counter.get(name):
                break
            t = stack[i]
            if name == t.name and t.prefix is None:
                self._pop()
                break
            self._pop()

    def _pop(self) -> None:
        """BeautifulSoup.popTag (its == is bs4's: Tag equality, as there)."""
        stack = self.stack
        if not stack:
            return
        tag = stack.pop()
        if tag.name in self.counter:
            self.counter[tag.name] -= 1
        if self.preserve and tag == self.preserve[-1]:
            self.preserve.pop()
        if self.containers and tag == self.containers[-1]:
            self.containers.pop()
        if stack:
            self.current = stack[-1]

    def data(self, text: str) -> None:
        self.data_parts.append(text)

    def comment(self, text: str) -> None:
        self._flush()
        self.data_parts.append(text)
        self._flush(Comment)

    def doctype(self, name: str, pubid: str, system: str) -> None:
        self._flush()
        self.data_parts.append(Doctype._string_for_name_and_ids(name, pubid, system))
        self._flush(Doctype)

    def pi(self, target: str, data: str) -> None:
        self._flush()
        self.data_parts.append(target + " " + data)
        self._flush(ProcessingInstruction)

    def close(self) -> None:
        """Hand the state back: BeautifulSoup._feed ends the last string and closes the open tags."""
        soup = self.soup
        soup.tagStack[:] = self.stack
        soup.currentTag = self.current
        soup.open_tag_counter = self.counter
        soup.preserve_whitespace_tag_stack = self.preserve
        soup.string_container_stack = self.containers
        soup._most_recent_element = self.recent
        soup.current_data = self.data_parts


class _FastBuilder(LXMLTreeBuilder):
    """bs4's lxml HTML builder with feed() handing the parser events to _Target."""

    def __init__(self, collect: frozenset = frozenset()) -> None:
        super().__init__()
        self.collect = collect
        self.found: dict = {}

    def feed(self, markup: Any) -> None:
        assert self.soup is not None
        target = _Target(self.soup, self, self.collect)
        self.found = target.found  # bs4 feeds again (bytes) after a rejection: the last feed's elements
        # As LXMLTreeBuilder.parser_for: the same parser class and options, this target.
        parser = etree.HTMLParser(target=target, recover=True, huge_tree=self.huge_tree,
                                  encoding=self.soup.original_encoding)
        try:
            parser.feed(markup)
            parser.close()
        except (UnicodeDecodeError, LookupError, etree.ParserError) as e:  # as LXMLTreeBuilder.feed
            raise ParserRejectedMarkup(e) from e


_SUPPORTED = bs4.__version__.startswith(SUPPORTED_BS4)


SHORT_MARKUP = 512  # bs4 asks whether markup is a URL or a file name only when it is this short or shorter
_XML_DECLARATION = re.compile(r"[\ufeff\s]*<\?xml", re.I)  # read at the page's start only, not a copy of it


def _soup(html: str, *args: Any, **kwargs: Any) -> BeautifulSoup:
    """BeautifulSoup(html, ...), without bs4's warnings about what the caller may have meant: that a short page
    looking like a URL or a file name ("https://example.com/") was meant to be fetched, or that a page opening
    with an XML declaration was meant to be read as XML. Either is a page to read as a browser would, and the
    warning would be noise on a user's terminal. (Only such pages pay for the warnings filter.)"""
    if len(html) > SHORT_MARKUP and not _XML_DECLARATION.match(html):
        return BeautifulSoup(html, *args, **kwargs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", bs4.MarkupResemblesLocatorWarning)
        warnings.simplefilter("ignore", bs4.XMLParsedAsHTMLWarning)
        return BeautifulSoup(html, *args, **kwargs)


def soup_of(html: str) -> BeautifulSoup:
    """The tree BeautifulSoup(html, "lxml") builds, built faster."""
    return soup_and_elements(html, frozenset())[0]


def soup_and_elements(html: str, names: frozenset) -> tuple[BeautifulSoup, dict]:
    """soup_of(html), and the elements with these tag names in document order (name -> list), noted
    while the tree is built instead of found by a walk of it afterwards."""
    if _SUPPORTED:
        builder = _FastBuilder(names)
        try:
            soup = _soup(html, builder=builder)
            found, builder.found = builder.found, {}  # the soup keeps its builder: not these lists too
            return soup, found
        except _Fallback:
            pass
    soup = _soup(html, "lxml")
    noted: dict = {name: [] for name in names}
    for el in soup.descendants:
        if isinstance(el, Tag) and el.name in noted:
            noted[el.name].append(el)
    return soup, noted
