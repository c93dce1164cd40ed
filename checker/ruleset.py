"""Load and strictly validate a license pack (licensor facts + rules + examples) from a rules/ directory."""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from . import checks as _checks  # noqa: F401  (registers every check)
from .checks.registry import CHECKS
from .match import MatchSettings
from .models import Original, Outcome, Severity
from .strict_yaml import ConfigError, YamlDoc, load_path
from .vocabulary import DEFAULT_VOCABULARY, VOCABULARY_KEYS, Vocabulary, vocabulary_from

RULES_DIR = Path(__file__).resolve().parent.parent / "rules"
PACKAGED_RULES_DIR = Path(__file__).resolve().parent / "rules"  # present in installed wheels


@dataclass(frozen=True)
class LogoSpec:
    text_patterns: tuple[re.Pattern[str], ...]  # compiled regexes over alt/title/aria-label
    file_patterns: tuple[re.Pattern[str], ...]  # compiled regexes over the image URL path
    not_patterns: tuple[re.Pattern[str], ...]  # look-alike logos (another organisation's) that must not count
    reference_images: tuple[str, ...]  # paths of reference logo images (perceptual hash)


@dataclass(frozen=True)
class CheckCall:
    id: str
    params: tuple[tuple[str, Any], ...]  # ((name, value), ...)

    @property
    def kwargs(self) -> dict[str, Any]:
        return dict(self.params)


@dataclass(frozen=True)
class Example:
    name: str
    expect: Outcome
    html: str
    source: str
    line: Optional[int]


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    severity: Severity
    description: str
    fix: str
    checks: tuple[CheckCall, ...]
    examples: tuple[Example, ...]
    source: str


@dataclass(frozen=True)
class LicensePack:
    id: str
    name: str
    url: str
    aliases: tuple[str, ...]
    not_aliases: tuple[str, ...]
    notice: str
    notice_markers: tuple[str, ...]
    non_person_credits: tuple[str, ...]  # words that credit no person: Staff, Editors, Wire
    logo: LogoSpec
    match: MatchSettings
    rules: tuple[Rule, ...]
    directory: str
    example_original: Optional[Original] = None
    vocabulary: Vocabulary = DEFAULT_VOCABULARY  # how pages' credits, containers and zones are read
    credit_lines: tuple[str, ...] = ()  # credit-line wordings, "{name}" standing for any of the licensor's names
    pixel_hosts: tuple[str, ...] = ()  # hosts (and their subdomains) that serve the licensor's tracking pixel

    def rule(self, rule_id: str) -> Optional[Rule]:
        return next((r for r in self.rules if r.id == rule_id), None)


_LICENSE_KEYS = ("id", "name", "url", "aliases", "not_aliases", "notice", "notice_markers", "non_person_credits",
                 "logo", "match", "rules", "example_original", "vocabulary", "credit_lines", "pixel_hosts")
_LOGO_KEYS = ("text_patterns", "file_patterns", "not_patterns", "reference_images")
_MATCH_KEYS = ("min_containment", "shingle_size", "max_shingle_df", "near_copy_containment")
_RULE_KEYS = ("id", "title", "severity", "description", "fix", "checks", "examples")
_EXAMPLE_KEYS = ("name", "expect", "html")
_ORIGINAL_KEYS = ("id", "url", "title", "authors", "published", "text")


def default_pack_name() -> str:
    """The default pack's name: the first line of rules/DEFAULT (the checker's code names no licensor)."""
    for base in (RULES_DIR, PACKAGED_RULES_DIR):
        marker = base / "DEFAULT"
        if marker.is_file():
            name = marker.read_text(encoding="utf-8").strip().splitlines()
            if name:
                return name[0].strip()
    raise ConfigError(str(RULES_DIR / "DEFAULT"), None, "", "no default license pack named; give --license PACK")


def resolve_pack(name_or_path: Optional[str]) -> Path:
    """A pack name under rules/ (default: the one rules/DEFAULT names) or a path to a pack directory or its license.yaml."""
    if name_or_path is not None and not name_or_path.strip():  # else the default pack would judge without a word
        raise ConfigError("--license", None, "", "an empty pack name (give a pack's name or directory, or leave "
                                                 "it out for the default pack)")
    value = name_or_path or default_pack_name()
    path = Path(value)
    if path.is_file():
        if not (path.parent / "license.yaml").is_file():
            raise ConfigError(value, None, "", "not a license pack: give a pack's name, its directory or its license.yaml")
        return path.parent
    if path.is_dir() and (path / "license.yaml").is_file():
        return path
    for base in (RULES_DIR, PACKAGED_RULES_DIR):
        if (base / value / "license.yaml").is_file():
            return base / value
    if path.is_dir():  # was "DIR/license.yaml: cannot read file: No such file or directory"
        raise ConfigError(value, None, "", "a directory without a license.yaml, so not a license pack "
                                           "(give a pack's name or the directory holding its license.yaml)")
    known = sorted({p.name for base in (RULES_DIR, PACKAGED_RULES_DIR) if base.is_dir() for p in base.iterdir()
                    if (p / "license.yaml").is_file()})
    close = difflib.get_close_matches(value, known, n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else (f" (known packs: {', '.join(known)})" if known else "")
    raise ConfigError(value, None, "", f"no license pack found{hint}")


try:  # the regular-expression parser behind `re` (Python 3.11+; sre_parse before)
    from re import _constants as _sre, _parser as _sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_constants as _sre  # type: ignore[no-redef]
    import sre_parse as _sre_parse  # type: ignore[no-redef]

_UNBOUNDED = (_sre.MAX_REPEAT, _sre.MIN_REPEAT)  # possessive repeats never backtrack
_ZERO_WIDTH = (_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT)


def _nullable(items: Any) -> bool:
    """True when the sequence can match the empty string."""
    for op, av in items:
        if op in _ZERO_WIDTH:
            continue
        if op in _UNBOUNDED or op == getattr(_sre, "POSSESSIVE_REPEAT", None):
            if av[0] == 0 or _nullable(av[2]):
                continue
            return False
        if op == _sre.SUBPATTERN:
            if _nullable(av[3]):
                continue
            return False
        if op == _sre.BRANCH:
            if any(_nullable(alt) for alt in av[1]):
                continue
            return False
        return False
    return True


def _repeats_itself(items: Any) -> bool:
    """True when the sequence is nothing but unbounded repeats and optional parts: (a+), (\\w+\\s?), (x+x+), (a*|b)."""
    found = False
    for op, av in items:
        if op in _UNBOUNDED and av[1] == _sre.MAXREPEAT:
            found = True
        elif op == _sre.SUBPATTERN and _repeats_itself(av[3]):
            found = True
        elif op == _sre.BRANCH and any(_repeats_itself(alt) for alt in av[1]):
            found = True
        elif not _nullable([(op, av)]):
            return False
    return found


def _backtracking_risk(items: Any) -> str | None:
    """Why a parsed pattern may backtrack catastrophically, or None.

    Refused: an unbounded repeat of something that is itself just an unbounded repeat ((a+)+,
    (\\w+\\s?)*: exponential), and three or more unbounded repeats in a row with nothing required
    between them (\\w*\\w*\\w*x: a high power of the input length). What passes still runs on at most
    500 characters of an alt text or image path (checks/logo.py).
    """
    run = 0
    for op, av in items:
        if op in _UNBOUNDED and av[1] == _sre.MAXREPEAT:
            if _repeats_itself(av[2]):
                return "a repeated group that itself repeats, like (a+)+, can backtrack exponentially"
            run += 1
            if run >= 3:
                return "three or more repeats in a row, like \\w*\\w*\\w*, can backtrack for minutes"
        elif not _nullable([(op, av)]):
            run = 0
        children = []
        if op in _UNBOUNDED or op == getattr(_sre, "POSSESSIVE_REPEAT", None):
            children = [av[2]]
        elif op == _sre.SUBPATTERN:
            children = [av[3]]
        elif op == _sre.BRANCH:
            children = list(av[1])
        elif op in (_sre.ASSERT, _sre.ASSERT_NOT):
            children = [av[1]]
        elif op == getattr(_sre, "ATOMIC_GROUP", None):
            children = [av]
        for child in children:
            why = _backtracking_risk(child)
            if why:
                return why
    return None


def compile_pack_regex(pattern: str) -> "re.Pattern[str]":
    """Compile a regular expression from a pack; re.error (with a reason) when it is invalid or too risky."""
    compiled = re.compile(pattern, re.I)
    why = _backtracking_risk(_sre_parse.parse(pattern, re.I))
    if why:
        raise re.error(f"refused: {why}; rewrite it without nested or back-to-back repeats")
    if compiled.search("") is not None:  # 'a|', '.*', '(logo)?': every alt text or file name would be a match
        raise re.error("refused: it matches the empty string, so it would match any text")
    return compiled


def _regexes(doc: YamlDoc, path: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    out = []
    for i, pattern in enumerate(doc.str_list(path)):
        try:
            out.append(compile_pack_regex(pattern))
        except re.error as exc:
            raise doc.error(path + (i,), f"invalid regular expression: {exc}") from None
    return tuple(out)


def _vocabulary(doc: YamlDoc) -> Vocabulary:
    """The pack's `vocabulary:` overrides: each list replaces the default list, each size the default size."""
    if doc.data.get("vocabulary") is None:
        return DEFAULT_VOCABULARY
    doc.check_keys(("vocabulary",), VOCABULARY_KEYS)
    values: dict[str, Any] = {}
    for key in doc.data["vocabulary"]:
        default = getattr(DEFAULT_VOCABULARY, key)
        path = ("vocabulary", key)
        if isinstance(default, int):
            value = doc.typed(path, int, required=True)
            if value < 0:
                raise doc.error(path, "must be a whole number, 0 or more")
            values[key] = value
        else:
            values[key] = list(doc.str_list(path, required=True))
    return vocabulary_from(values)


def _original(doc: YamlDoc, path: tuple[str, ...]) -> Original:
    doc.check_keys(path, _ORIGINAL_KEYS, required=("url", "authors", "text"))
    return Original(
        id=str(doc.typed(path + ("id",), (str, int), default="") or doc.get(path + ("url",))),
        url=doc.typed(path + ("url",), str, required=True),
        title=doc.typed(path + ("title",), str, default=""),
        authors=doc.str_list(path + ("authors",), required=True, non_empty=True),
        published=doc.typed(path + ("published",), str, default=None),
        text=doc.typed(path + ("text",), str, required=True),
    )


def load_pack(name_or_path: Optional[str] = None) -> LicensePack:
    """Load a pack; any problem raises ConfigError naming file, line and key."""
    directory = resolve_pack(name_or_path)
    doc = load_path(directory / "license.yaml")
    if not isinstance(doc.data, dict):
        raise doc.error((), "expected a mapping with the licensor's facts")
    doc.check_keys((), _LICENSE_KEYS, required=("id", "name", "aliases", "rules"))
    logo = LogoSpec((), (), (), ())
    if doc.data.get("logo") is not None:
        doc.check_keys(("logo",), _LOGO_KEYS)
        refs = []
        for i, rel in enumerate(doc.str_list(("logo", "reference_images"))):
            ref = directory / rel
            if not ref.is_file():
                raise doc.error(("logo", "reference_images", i), f"reference image not found: {ref}")
            refs.append(str(ref))
        logo = LogoSpec(_regexes(doc, ("logo", "text_patterns")), _regexes(doc, ("logo", "file_patterns")),
                        _regexes(doc, ("logo", "not_patterns")), tuple(refs))
    settings = MatchSettings()
    if doc.data.get("match") is not None:
        doc.check_keys(("match",), _MATCH_KEYS)
        mc = doc.typed(("match", "min_containment"), (int, float), default=settings.min_containment)
        if not 0 < mc <= 1:
            raise doc.error(("match", "min_containment"), "must be a number in (0, 1]")
        k = doc.typed(("match", "shingle_size"), int, default=settings.shingle_size)
        if not 2 <= k <= 12:
            raise doc.error(("match", "shingle_size"), "must be a whole number from 2 to 12")
        df = doc.typed(("match", "max_shingle_df"), int, default=settings.max_shingle_df)
        near = doc.typed(("match", "near_copy_containment"), (int, float), default=settings.near_copy_containment)
        if not 0 <= near < mc:
            raise doc.error(("match", "near_copy_containment"), f"must be 0 (off) or a number below "
                                                                f"min_containment ({mc})")
        settings = MatchSettings(float(mc), k, max(df, 1), float(near))
    example_original = _original(doc, ("example_original",)) if doc.data.get("example_original") else None
    rules = []
    seen: dict[str, Path] = {}
    for i, rel in enumerate(doc.str_list(("rules",), required=True, non_empty=True)):
        path = directory / rel
        if not path.is_file():
            raise doc.error(("rules", i), f"rule file not found: {path}")
        rule = _load_rule(path)
        if rule.id in seen:
            raise doc.error(("rules", i), f"rule id '{rule.id}' is defined twice ({seen[rule.id]} and {path})")
        seen[rule.id] = path
        rules.append(rule)
    return LicensePack(
        id=doc.typed(("id",), str, required=True),
        name=doc.typed(("name",), str, required=True),
        url=doc.typed(("url",), str, default=""),
        aliases=doc.str_list(("aliases",), required=True, non_empty=True),
        not_aliases=doc.str_list(("not_aliases",)),
        notice=doc.typed(("notice",), str, default=""),
        notice_markers=doc.str_list(("notice_markers",)),
        non_person_credits=doc.str_list(("non_person_credits",)),
        logo=logo, match=settings, rules=tuple(rules), directory=str(directory),
        example_original=example_original, vocabulary=_vocabulary(doc),
        credit_lines=_credit_lines(doc), pixel_hosts=_pixel_hosts(doc),
    )


def _credit_lines(doc: YamlDoc) -> tuple[str, ...]:
    """The pack's credit-line wordings; each names the licensor through "{name}"."""
    lines = doc.str_list(("credit_lines",))
    for i, line in enumerate(lines):
        if "{name}" not in line:
            raise doc.error(("credit_lines", i), "a credit line must contain {name} (where the licensor's name goes)")
    return tuple(lines)


def _pixel_hosts(doc: YamlDoc) -> tuple[str, ...]:
    """Host names of the tracking pixel, lower-case, without a scheme or path."""
    hosts = []
    for i, host in enumerate(doc.str_list(("pixel_hosts",))):
        h = host.strip().lower().rstrip(".")
        if not h or "/" in h or ":" in h or " " in h:
            raise doc.error(("pixel_hosts", i), f"expected a host name such as pixel.example.org (got '{host}')")
        hosts.append(h)
    return tuple(hosts)


def _load_rule(path: Path) -> Rule:
    doc = load_path(path)
    if not isinstance(doc.data, dict):
        raise doc.error((), "expected a mapping describing one rule")
    doc.check_keys((), _RULE_KEYS, required=("id", "title", "severity", "checks"))
    severity = doc.typed(("severity",), str, required=True)
    try:
        sev = Severity(severity)
    except ValueError:
        raise doc.error(("severity",), f"must be one of error, warning, info (got '{severity}')") from None
    checks = []
    raw_checks = doc.typed(("checks",), list, required=True)
    if not raw_checks:
        raise doc.error(("checks",), "a rule needs at least one check")
    for i, item in enumerate(raw_checks):
        path_i = ("checks", i)
        if isinstance(item, str):
            check_id, params = item, {}
        elif isinstance(item, dict):
            doc.check_keys(path_i, ("id", "with"), required=("id",))
            check_id = doc.typed(path_i + ("id",), str, required=True)
            params = doc.typed(path_i + ("with",), dict, default={})
        else:
            raise doc.error(path_i, "expected a check id or {id: ..., with: {...}}")
        spec = CHECKS.get(check_id)
        if spec is None:
            close = difflib.get_close_matches(check_id, list(CHECKS), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else f" (known: {', '.join(sorted(CHECKS))})"
            raise doc.error(path_i, f"unknown check '{check_id}'{hint}")
        for name, value in params.items():
            if name not in spec.params:
                close = difflib.get_close_matches(name, list(spec.params), n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else (
                    f" (parameters: {', '.join(spec.params)})" if spec.params else " (this check takes no parameters)")
                raise doc.error(path_i + ("with", name), f"unknown parameter{hint}")
            expected = spec.params[name][0]
            if not isinstance(value, expected) or isinstance(value, bool) and expected is not bool:
                raise doc.error(path_i + ("with", name), f"expected {getattr(expected, '__name__', expected)}")
            choices = spec.params[name][2] if len(spec.params[name]) > 2 else None
            if choices:  # a word, or a list of words, from a fixed set
                for item in (value if isinstance(value, list) else [value]):
                    if item not in choices:
                        close = difflib.get_close_matches(str(item), list(choices), n=1)
                        hint = f"did you mean '{close[0]}'?" if close else f"one of: {', '.join(choices)}"
                        raise doc.error(path_i + ("with", name), f"unknown value '{item}' ({hint})")
            if name == "pattern":  # a regular expression the check will run on page text
                try:
                    compile_pack_regex(value)
                except re.error as exc:
                    raise doc.error(path_i + ("with", name), f"invalid regular expression: {exc}") from None
        checks.append(CheckCall(check_id, tuple(sorted(params.items()))))
    examples = []
    for i, _ in enumerate(doc.typed(("examples",), list, default=[])):
        path_i = ("examples", i)
        doc.check_keys(path_i, _EXAMPLE_KEYS, required=("name", "expect", "html"))
        expect = doc.typed(path_i + ("expect",), str, required=True)
        try:
            outcome = Outcome(expect)
        except ValueError:
            raise doc.error(path_i + ("expect",), "must be pass, fail, review or not-applicable") from None
        examples.append(Example(doc.typed(path_i + ("name",), str, required=True), outcome,
                                doc.typed(path_i + ("html",), str, required=True), str(path), doc.line(path_i)))
    return Rule(
        id=doc.typed(("id",), str, required=True),
        title=doc.typed(("title",), str, required=True),
        severity=sev,
        description=" ".join(doc.typed(("description",), str, default="").split()),
        fix=" ".join(doc.typed(("fix",), str, default="").split()),
        checks=tuple(checks), examples=tuple(examples), source=str(path),
    )
