"""The words and sizes the article model reads pages by: pack parameters (`vocabulary:` in license.yaml) with defaults."""
from __future__ import annotations

import re
from dataclasses import dataclass, fields
from functools import cached_property
from typing import Any


def _words(*groups: str) -> tuple:
    return tuple(w for g in groups for w in g.split("|") if w)


_MONTHS = ("jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|july|august|"
           "september|october|november|december")
_DAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"


@dataclass(frozen=True)
class Vocabulary:
    """How a page's credits, containers and zones are read. Every field is a pack parameter.

    Lists hold lower-case words or phrases in the languages partners publish in; none names a
    licensor (those are the pack's `aliases` / `not_aliases`). docs/vocabulary.md documents each.
    """

    # Words that introduce a byline: "By Jane Doe", "Von Jane Doe", "Author: Jane Doe".
    credit_prefixes: tuple = _words("by|written by|words by|story by|reported by|reporting by|author|authors|"
                                    "byline|reporter|from|par|por|von|door|di|av|af|texto|text|autor|autore|auteur|"
                                    "posted by|contributed by|escrito por|przez|tekst|teksti|yazar|szerzo|avtor|"
                                    "forfatter|autorin|autoren|scritto da|napisal|napisala|oleh|"
                                    "بقلم|"  # Arabic: by the pen of
                                    "מאת|"  # Hebrew: by
                                    # Chinese and Japanese: author, reporter, written by, interviewed and written by
                                    "作者|记者|記者|撰文|撰稿|采写|採寫|执笔|執筆|筆者|"
                                    "글")  # Korean: "글 <name>", text by
    # Credits for someone other than the writer: "Photo by", "Edited by", "Additional reporting by".
    other_credits: tuple = _words("edited|photo|photos|photograph|photographs|photography|picture|pictures|"
                                  "image|images|video|illustration|illustrations|illustrated|graphic|graphics|"
                                  "design|designed|produced|translated|compiled|additional reporting|"
                                  "fact checked|photo credit|foto|fotos|bild|copyright|courtesy|"
                                  # a reader's comment or a forum's answer ("Comment by Jane Doe"), a reviewer; as a
                                  # phrase, since each word also matches as a stem ("Commentary by" is a column's credit)
                                  "comment by|comments by|commented|reply|replies|replied|answered|asked|reviewed|"
                                  # Chinese and Japanese: photo, picture, proofreading, translation. Not the editor's
                                  # credit ("责编：..."): on pages of these languages it is often the only person named,
                                  # and read as the page's credit of that person
                                  "摄影|攝影|撮影|图片|圖片|写真|校对|校對|翻译|翻譯")
    # Words of a line that asks the reader to follow or write to a person ("Follow Jane Doe on Twitter", "Send tips
    # to Jane Doe", "Contact Jane Doe at ..."): many originals end so, and a copy keeps the line when it drops the
    # byline; it names the reporter but credits no one.
    # Words right after a name that make the line a call to the reader ("Jane Doe can be reached at ...", "Jane Doe
    # is on Twitter"), folded
    contact_after: tuple = _words("can be|is on|on twitter")
    # A writer's word before another credit's word, the two joined ("Text und Foto: Jane Doe", "Words and pictures
    # by Jane Doe", "Texto y fotos:"): the line credits the writer too. With a conjunction, `credit_prefixes` too;
    # side by side ("Text & Foto" folds to "text foto"), only these:
    shared_credit_words: tuple = _words("words|story|text|texts|texte|texto|textos|tekst|teksti|reporting")
    credit_conjunctions: tuple = _words("and|und|y|e|et|og|och|en|i|ve|a|ja|es|si|dan")
    contact_words: tuple = _words("follow|contact|email|mail|tweet|message|reach|tips|subscribe|folgen|folgt|"
                                  "kontakt|suivez|suivre|contacter|siga|sigue|seguir|segui|seguite|volg|volgen")
    # Credit prefixes that name where a story came from, not who wrote it: "From <a wire>", "Source: <an agency>",
    # "Bron: <an agency>". Beside an empty author slot such a line does not say what the slot will hold.
    source_prefixes: tuple = _words("from|via|source|sources|bron|quelle|fuente|fonte|kilde|kalla|zrodlo|zdroj|"
                                    "kaynak|forras|lahde|provenance|来源|來源|出处|出處|稿源|出典")
    # Phrases that start consent or legal text, never a credit: "By clicking Accept, you agree ...".
    consent_phrases: tuple = _words("by clicking|by using|by continuing|by accepting|by signing|by subscribing|"
                                    "by submitting|by registering|by entering|by proceeding|by visiting|"
                                    "by browsing|by creating|by logging|by tapping|by selecting|by choosing|"
                                    "by providing|by agreeing|by allowing|by closing|by scrolling")
    # Lower-case words that may follow a name on a credit line (roles, dates, joiners); a capitalised
    # word after the name (a title or an outlet) is always allowed.
    after_name_words: tuple = _words("and|is|was|for|of|at|in|on|updated|published|posted|reporter|staff|senior|"
                                     "contributor|contributing|correspondent|writer|editor|the|with|reports|"
                                     "reporting|via|from|special|investigative|associate|chief|national|political|"
                                     "a|an|et|y|und|e|follow|email|twitter|more|view|read|last|mit|avec|con|met|"
                                     "med|com|og|och|ja|en|ve|ile|i|oraz",
                                     _MONTHS, "|", _DAYS)
    # Words that open a date or time, not a name: "By Updated March 25, 2026" is a credit prefix with no
    # name after it (the name's element left empty for a script).
    date_words: tuple = _words("updated|published|posted|modified|last|today|yesterday|aktualisiert|veroffentlicht|"
                               "publie|actualise|actualizado|publicado|aggiornato|pubblicato|bijgewerkt|gepubliceerd|"
                               "입력|수정|승인|기사입력|최종수정|업데이트|",  # Korean: entered, modified, approved, updated
                               _MONTHS, "|", _DAYS)
    # Units of a time of day or of "how long ago": with numbers and `date_words` they only date a meta line
    # ("April 10, 2023 3 years ago Jane Doe", "12:40 pm ET | Jane Doe").
    time_words: tuple = _words("ago|min|mins|minute|minutes|hr|hrs|hour|hours|day|days|week|weeks|month|months|year|"
                               "years|am|pm|at|gmt|utc|et|est|edt|cet|cest|bst|h|uhr|on|le|um|vor|jahr|"
                               "jahren|stunden|minuten|tagen|heures|jours|ans|horas|dias|anos|ore|giorni|anni|uur|"
                               "dagen|jaar")
    # Words that join a credit to its date ("By Jane Doe on May 4", "Von Jane Doe am 4. Mai"): a credit prefix
    # followed by one of these and a date has no name ("By on May 4, 2026": the name left out of the HTML).
    date_connectors: tuple = _words("on|at|am|um|le|el|il|op|den")
    # Job titles: beside the licensor's name a capitalised phrase ending in one ("Education Reporter") is a role.
    role_words: tuple = _words("reporter|reporters|correspondent|correspondents|writer|writers|editor|editors|"
                               "contributor|contributors|columnist|columnists|staff|producer|journalist|journalists|"
                               "desk|team|redakteur|redakteurin|redaktion|korrespondent|korrespondentin|journaliste|"
                               "periodista|redactor|redactora|redattore|redazione|giornalista|reporterin|verslaggever|"
                               "redactie|reportér|redaktor|redaktør|toimittaja")
    # Verbs that make "Jane Doe said ..." a sentence about a person, not a credit.
    speech_verbs: tuple = _words("said|says|told|tells|asked|asks|added|adds|wrote|argued|noted|explained|"
                                 "according|claimed|stated|testified|tweeted|announced")
    # Words joining two names on one credit line.
    name_joiners: tuple = _words("and|with|y|et|und|e|&|mit|avec|con|met|med|com|og|och|ja|en|ve|ile|i|oraz")
    # Class names frameworks use to hide content (Bootstrap, WordPress, Tailwind, Foundation).
    hiding_classes: tuple = _words("hidden|d-none|sr-only|visually-hidden|visuallyhidden|screen-reader-text|"
                                   "screen-reader-only|invisible|is-hidden|u-hidden|hide|element-invisible|"
                                   "offscreen|show-for-sr|a11y-hidden|uk-hidden|uk-invisible|is-invisible|"
                                   "is-sr-only|text-hide|hide-text|govuk-visually-hidden|cdk-visually-hidden|"
                                   "slds-assistive-text|opacity-0|"
                                   # shown only on paper: nothing on a screen
                                   "visible-print|visible-print-block|visible-print-inline|"
                                   "visible-print-inline-block|print-only|show-for-print")
    # Class/id words that hint a container holds other stories, navigation or comments. A hint only:
    # a credit under the headline counts whatever its container is called.
    other_story_words: tuple = _words("related|recommended|recommendations|recommend|sidebar|teaser|teasers|"
                                      "trending|popular|mostread|most-read|more-stories|morestories|widget|widgets|"
                                      "promo|newsletter|outbrain|taboola|comment|comments|commentlist|disqus|breadcrumb|"
                                      "breadcrumbs|menu|rail|jp-relatedposts|read-more|readmore|recirc|"
                                      "recirculation|next-up|up-next")
    # Of those, the words that say "other stories" wherever they stand in a name ("inline-block-related-list").
    other_story_anywhere: tuple = _words("related|relatedposts|recommended|recommendations|trending|outbrain|"
                                         "taboola|teaser|teasers|recirc|recirculation|mostread|popular")
    # Class names lazy-loading scripts (lazysizes, lozad, vanilla-lazyload) put on an element until it
    # has loaded: a rule hiding them hides nothing once the page has loaded.
    lazy_classes: tuple = _words("lazyload|lazyloading|lazy|b-lazy|lozad|js-lazy|lazy-load|lazy-image|"
                                 "js-lazyload|is-lazy|lazy-hidden")
    # Words in the link text of a share bar or a "more by" link: not another story's title.
    non_title_links: tuple = _words("share|tweet|email|print|comment|comments|follow|subscribe|facebook|twitter|"
                                    "linkedin|whatsapp|reddit|pinterest|telegram|copy|link|more|read|view|all|continue|"
                                    "articles|stories|posts|author|profile|bio|sign|log|menu|home|newsletter")
    # Words in an element's class, id, itemprop, rel or data-component (as parts of a name: "post-author-link",
    # "articleAutor") that mark it as crediting the article's author, in the languages partners write markup in.
    author_marks: tuple = _words("author|byline|by-line|writer|contributor|reporter|journalist|creator|autor|auteur|"
                                 "verfasser|forfatter|skribent|yazar|szerzo|penulis|"
                                 "signature")  # a byline's name in some newsrooms' themes ("la signature")
    # ... unless the name also holds one of these: a picture's credit, or a word that only contains a mark
    # ("autoresize", "autorotate": automation, not an author).
    author_mark_exclusions: tuple = _words("photo|image|img|caption|credit|autoresiz|autorotat|autorefresh|"
                                           "autorun|autoriz|autoris|autorit|autorepl|autorec|authoriz|authoris|"
                                           "authorit")  # "authorization" (a sign-in box), "authority"
    # Words in an empty author element's class or id that say it holds something other than the name (a
    # bio, social links, an avatar): such an element left empty is no byline a script fills in.
    not_name_slots: tuple = _words("bio|biography|description|social|avatar|links|follow|share|icon|photo|"
                                   "image|img|twitter|facebook|instagram|linkedin|email|mail|rss")
    # First words that never open a person's name: a site's account menu ("My Account", "Your Profile"), a pager
    # ("Newer Article", "Previous Post"), a control ("Show Menu", "Skip to content"), a list's label ("More From
    # Jane Doe", "Other Stories"). A bare line opening with one is no one's credit beside an empty slot, nor a
    # heading over a list of stories that credits them.
    not_name_openers: tuple = _words("my|your|our|next|previous|prev|newer|older|back|latest|top|show|hide|toggle|"
                                     "open|close|skip|mes|votre|notre|more|other|recent|related|popular|also|read|"
                                     "mehr|weitere|autres|otros|altri|"
                                     "mein|meine|dein|unser|mis|nuestro|nuestra|il")  # not "Ma", "Mia", "Tu": names
    # Path segments of a person's page ("/author/jane-doe/", "/users/jdoe"): a link there names its author
    # (whatever its text, a handle too) and presents no other story.
    profile_paths: tuple = _words("author|authors|user|users|profile|profiles|people|staff|autor|autoren|autorin|"
                                  "auteur|auteurs|autore|autori|reporter|reporters|journalist|journalists|"
                                  "journalisten|writer|writers|contributor|contributors|columnist|columnists")
    # Words that may stand beside the licensor's name on a line "attached" to a byline.
    affiliation_filler: tuple = _words("from|the|by|for|of|a|an|with|and|at|reporter|reporting|contributor|"
                                       "correspondent|writer|staff|senior|investigative|political|exclusive|via|"
                                       "source|courtesy|republished|originally|published|appeared|first|this|"
                                       "article|story|was|is|on|in|updated|posted")
    # Zone sizes.
    head_words: int = 700  # visible words above the body searched for the article's headline
    head_span: int = 30  # visible blocks above the body in the head when no headline is found
    headline_margin: int = 3  # visible blocks above the headline still in the head (kicker, byline above it)
    foot_span: int = 14  # visible blocks after the body in its foot
    marked_reach_above: int = 80  # author-marked blocks this many blocks above the body still count
    marked_reach_below: int = 60  # ... and below it
    top_of_body: int = 2  # a credit among the first/last N paragraphs is at the top/foot of the body
    set_apart_words: int = 8  # deeper in the text, a line of its own this short is read for a credit
    max_head_line_words: int = 24  # a credit line in the head is short
    max_foot_line_words: int = 70  # an author box sentence: "Jane Doe is a reporter for ..."
    max_marked_words: int = 80  # an element marked as author/byline
    max_adjacent_words: int = 16  # "From the <licensor>" above a byline is a line, not a paragraph
    card_levels: int = 5  # how far up from a credit a teaser card (another story's title and link) is looked for
    card_extra_words: int = 25  # words a teaser card may hold beyond the other story's title and the credit
    card_gap_words: int = 12  # words between a credit and a teaser's title after it (title first: a dek up to card_extra_words)
    title_words: int = 4  # words in a link or heading that make it another story's title
    header_words: int = 160  # a block sharing an ancestor this small with the headline is in the article's header

    @cached_property
    def by_re(self) -> "re.Pattern":
        """A credit prefix ending the text before a name."""
        return re.compile(r"(?:^|\s)(?:" + _folded_alternation(self.credit_prefixes) + r")\s*:?\s*$")

    @cached_property
    def unfilled_by(self) -> "re.Pattern":
        """A credit prefix with no name after it, the date next ("By on December 27, 2014", "By | 12:06"), in
        text folded by `names.fold_tokens`: the name was left out of the HTML."""
        dates = _alternation(tuple(self.date_set))
        # a month or "updated" opens a date only with a number or another date word after it ("By June Smith": a name)
        date = r"(?:\d|(?:" + dates + r")\s+(?:\d|(?:" + dates + r")(?:\s|$)))"
        return re.compile(r"(?:^|\s)(?:" + _folded_alternation(self.credit_prefixes) + r")\s+(?:(?:"
                          + _alternation(self.date_connectors) + r")\s+)?" + date)

    @cached_property
    def by_start(self) -> "re.Pattern":
        """A line that starts with a credit prefix followed by something."""
        return re.compile(r"^\s*(?:" + _prefix_lead(self.credit_prefixes) + r")\S", re.I)

    @cached_property
    def date_set(self) -> frozenset:
        """`date_words` as written and folded ("입력" is read as "iblyeog")."""
        from .names import fold_tokens

        folded = (fold_tokens(w) for w in self.date_words)
        return frozenset(self.date_words) | frozenset(f[0] for f in folded if len(f) == 1)

    @cached_property
    def time_set(self) -> frozenset:
        return frozenset(self.time_words)

    def only_dates(self, words: list) -> bool:
        """Folded words that only date a line ("April 10, 2023 3 years ago", "Dec 3 12:40 pm")."""
        return (any(w.isdigit() or w in self.date_set for w in words)
                and all(w.isdigit() or w in self.date_set or w in self.time_set for w in words))

    @cached_property
    def source_lead(self) -> "re.Pattern":
        """A folded line opening with a source prefix ("from <a wire>", "source <an agency>")."""
        return re.compile(r"^(?:" + _folded_alternation(self.source_prefixes) + r")\b")

    @cached_property
    def by_lead(self) -> "re.Pattern":
        """The credit prefix at the start of a line, with what follows it up to the name."""
        return re.compile(r"^\s*(?:" + _prefix_lead(self.credit_prefixes) + r")", re.I)

    @cached_property
    def profile_path_re(self) -> "re.Pattern":
        """A URL path into a person's page: one of `profile_paths`, then a name."""
        return re.compile(r"/(?:" + _alternation(self.profile_paths) + r")/[^/?#\s]+", re.I)

    @cached_property
    def other_credit_re(self) -> "re.Pattern":
        """Another credit's word ending the folded text before a name ("photo by", "foto:"); group `writer` holds
        a writer's credit word before it ("text und foto:", "words and pictures by"): then both are the person's."""
        # Joined by a conjunction, any credit prefix ("reporter and photographer"); side by side only a word for
        # the text ("text foto" from "Text & Foto"): "author photo" is the author's picture.
        return re.compile(r"(?:^|\s)(?P<writer>(?:" + _folded_alternation(self.credit_prefixes + self.shared_credit_words)
                          + r")\s+(?:" + _alternation(self.credit_conjunctions) + r")\s+|(?:"
                          + _folded_alternation(self.shared_credit_words) + r")\s+)?(?:"
                          + _folded_alternation(self.other_credits) + r")\w*\s*(?:by)?\s*:?\s*$")

    def other_credit(self, folded: str) -> bool:
        """Whether folded text ends with another credit's words ("photo by") and no writer's credit shares them."""
        m = self.other_credit_re.search(folded)
        return m is not None and not m.group("writer")

    @cached_property
    def other_credit_lead_re(self) -> "re.Pattern":
        """A folded line that opens with another credit's word ("photo jane doe", "copyright jane doe agency")."""
        return re.compile(r"^(?:" + _folded_alternation(self.other_credits) + r")\w*\b")

    @cached_property
    def consent_re(self) -> "re.Pattern":
        return re.compile(r"(?:^|[.!?]\s+)(?:" + _alternation(self.consent_phrases) + r")\b", re.I)

    @cached_property
    def after_ok(self) -> frozenset:
        return frozenset(self.after_name_words)

    @cached_property
    def not_name_slot_set(self) -> frozenset:
        return frozenset(self.not_name_slots)

    @cached_property
    def not_name_opener_set(self) -> frozenset:
        return frozenset(self.not_name_openers)

    @cached_property
    def role_set(self) -> frozenset:
        """`role_words` as folded tokens ("reportér" -> "reporter")."""
        from .names import fold_tokens  # names imports nothing from here, but keep vocabulary import-light

        return frozenset(t for w in self.role_words for t in fold_tokens(w)[-1:])

    @cached_property
    def prefix_word_set(self) -> frozenset:
        """The one-word credit prefixes, folded ("by", "von", "par")."""
        from .names import fold_tokens

        return frozenset(f[0] for f in (fold_tokens(p) for p in self.credit_prefixes) if len(f) == 1)

    @cached_property
    def contact_set(self) -> frozenset:
        return frozenset(w for c in self.contact_words for w in c.split())

    @cached_property
    def contact_after_tokens(self) -> tuple:
        """`contact_after` as folded token lists ("can be" -> ["can", "be"])."""
        from .names import fold_tokens

        return tuple(t for t in (fold_tokens(p) for p in self.contact_after) if t)

    @cached_property
    def speech(self) -> frozenset:
        return frozenset(self.speech_verbs)

    @cached_property
    def joiners(self) -> frozenset:
        return frozenset(self.name_joiners)

    @cached_property
    def filler(self) -> frozenset:
        return frozenset(self.affiliation_filler)

    @cached_property
    def non_title(self) -> frozenset:
        return frozenset(self.non_title_links)


def _alternation(words: tuple) -> str:
    """A regex alternation of the words, longest first (so "written by" wins over "by")."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) or "(?!)"


def _folded_alternation(words: tuple) -> str:
    """The alternation for text folded by `names.fold_tokens` ("作者" is matched as "zuo zhe")."""
    from .names import fold_tokens

    return _alternation(tuple({" ".join(fold_tokens(w)) for w in words} - {""}))


def _prefix_lead(words: tuple) -> str:
    """Credit prefixes opening a line, with what separates them from the name: a space ("By Jane Doe",
    "Author: Jane Doe"); in a script written without spaces a colon, slash or bar, or a space ("作者：李华", not
    "作者最新文章", the author's latest stories)."""
    from .names import UNSPACED

    spaced = tuple(w for w in words if not UNSPACED.search(w))
    unspaced = tuple(w for w in words if UNSPACED.search(w))
    lead = r"(?:" + _alternation(spaced) + r")\s*:?\s+"
    if unspaced:
        lead += r"|(?:" + _alternation(unspaced) + r")(?:\s*[:：/／|｜]\s*|\s+)"
    return lead


DEFAULT_VOCABULARY = Vocabulary()
VOCABULARY_KEYS = tuple(f.name for f in fields(Vocabulary))


def vocabulary_from(values: dict[str, Any]) -> Vocabulary:
    """A Vocabulary with the given fields replaced (validated by the pack loader)."""
    fields_: dict[str, Any] = {k: (tuple(str(x).lower() for x in v) if isinstance(v, list) else v)
                               for k, v in values.items()}
    return Vocabulary(**fields_)
