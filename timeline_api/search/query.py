"""The search syntax users type in `q=`, parsed once and compiled per database engine.

Our own small grammar (words, "phrases", OR, -exclusions, prefix*) rather than passing
text to the engine: FTS5 and PostgreSQL each have their own, different syntax and
failure modes, and users should get the same results and the same 400 on both.

Readers type as they write: `OR` and `AND` are operators in any case (`and` between two
words is what every search means anyway, so it is dropped rather than searched), and a
possessive is its word (`Biden's` searches `Biden`). Inside "quotes" every word counts.
"""

import re
from dataclasses import dataclass, field

MAX_TERMS = 32


class SearchSyntaxError(ValueError):
    """The query cannot be parsed; the message says why, for a 400 answer."""


@dataclass(frozen=True)
class Term:
    """One word or phrase: `words` match in order; `prefix` lets the last word be a prefix."""

    words: tuple[str, ...]
    prefix: bool = False


@dataclass
class SearchQuery:
    """Groups that must all match; each group matches when any of its terms does."""

    groups: list[list[Term]] = field(default_factory=list)
    excluded: list[Term] = field(default_factory=list)


_TOKEN = re.compile(r'\s*(?:(-?)"([^"]*)"|(-?)([^\s"]+)|("))')
_WORD = re.compile(r"\w+", re.UNICODE)
# "Biden's", "China\u2019s", "Americans'": the word itself, as the engines index "Biden"
# in them. (\u2019 is the typographic apostrophe.)
_POSSESSIVE = re.compile("(?<=\\w)['\u2019](?:s\\b|(?!\\w))", re.IGNORECASE)
OPERATORS = {"OR": "or", "AND": "and"}


def _term(text: str, prefix: bool, original: str) -> Term:
    words = tuple(word.lower() for word in _WORD.findall(_POSSESSIVE.sub("", text)))
    if not words:
        raise SearchSyntaxError(f"{original!r} contains no letters or digits to search for.")
    return Term(words, prefix)


def parse_search(text: str) -> SearchQuery:
    """Parse `q`; raise SearchSyntaxError for unbalanced quotes or stray operators."""
    if text.count('"') % 2:
        raise SearchSyntaxError('Unbalanced double quote: close the phrase with another ".')
    tokens: list[tuple[str, Term | None, bool]] = []  # (kind, term, excluded)
    for match in _TOKEN.finditer(text):
        minus_phrase, phrase, minus_word, word, _ = match.groups()
        if phrase is not None:
            if not phrase.strip():
                raise SearchSyntaxError('Empty phrase "": put words between the quotes.')
            tokens.append(("term", _term(phrase, False, f'"{phrase}"'), bool(minus_phrase)))
        elif word is not None and word.upper() in OPERATORS and not minus_word:
            tokens.append((OPERATORS[word.upper()], None, False))
        elif word is not None:
            prefix = word.endswith("*")
            stem = word.rstrip("*")
            if "*" in stem:
                raise SearchSyntaxError(f"{word!r}: '*' may only end a word (prefix search).")
            if not stem:
                raise SearchSyntaxError(
                    f"Stray {(minus_word + word)!r}: an operator needs a word to apply to."
                )
            if not _WORD.search(stem):
                continue  # punctuation such as "&" or "--" separates words; it is not a term
            tokens.append(("term", _term(stem, prefix, word), bool(minus_word)))
    query = SearchQuery()
    expect_term = True
    pending_or = False
    pending_and = False
    for kind, term, excluded in tokens:
        if kind in ("or", "and"):
            if expect_term or not query.groups:
                raise SearchSyntaxError(
                    f"Stray {kind.upper()}: it must stand between two search terms."
                )
            pending_or, pending_and, expect_term = kind == "or", kind == "and", True
            continue
        if excluded:
            if pending_or:
                raise SearchSyntaxError("OR cannot join an excluded (-) term.")
            query.excluded.append(term)
        elif pending_or:
            query.groups[-1].append(term)
        else:
            query.groups.append([term])
        pending_or, pending_and, expect_term = False, False, False
    if pending_or or pending_and:
        operator = "OR" if pending_or else "AND"
        raise SearchSyntaxError(f"Stray {operator}: it must stand between two search terms.")
    if not query.groups:
        raise SearchSyntaxError("Nothing to search for: give at least one word that must match.")
    if sum(map(len, query.groups)) + len(query.excluded) > MAX_TERMS:
        raise SearchSyntaxError(f"Too many terms: at most {MAX_TERMS}.")
    return query
