"""The search grammar: what parses, what is a syntax error, and what FTS5 receives."""

import pytest

from timeline_api.search.query import SearchSyntaxError, Term, parse_search
from timeline_api.search.sqlite import compile_fts5


def test_words_are_all_required():
    query = parse_search("data  Security")
    assert query.groups == [[Term(("data",))], [Term(("security",))]]


def test_or_joins_neighbours():
    query = parse_search("privacy surveillance OR backdoors")
    assert query.groups == [[Term(("privacy",))], [Term(("surveillance",)), Term(("backdoors",))]]


def test_phrases_exclusions_and_prefixes():
    query = parse_search('"clean network" -huawei surveil*')
    assert query.groups == [[Term(("clean", "network"))], [Term(("surveil",), prefix=True)]]
    assert query.excluded == [Term(("huawei",))]


def test_punctuation_between_words_is_ignored():
    assert parse_search("U.S. & China").groups == [[Term(("u", "s"))], [Term(("china",))]]


def test_unicode_words():
    assert parse_search("Zürich 数据").groups == [[Term(("zürich",))], [Term(("数据",))]]


def test_compiled_fts5_quotes_everything():
    expression = compile_fts5(parse_search('a OR "b c" d* -e'))
    assert expression == '("a" OR "b c") AND ("d"*) NOT "e"'


def test_fts5_operators_typed_by_users_are_just_words():
    # NEAR, NOT and column filters are FTS5 syntax; here they are plain words (AND is
    # our own operator, in any case: "a AND b" is "a b").
    expression = compile_fts5(parse_search("NEAR title:x AND NOT"))
    assert expression == '("near") AND ("title x") AND ("not")'


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('"unbalanced', "Unbalanced double quote"),
        ('a "b" "c', "Unbalanced double quote"),
        ("OR privacy", "Stray OR"),
        ("privacy OR", "Stray OR"),
        ("privacy or", "Stray OR"),
        ("privacy AND", "Stray AND"),
        ("and privacy", "Stray AND"),
        ("a OR OR b", "Stray OR"),
        ("a OR -b", "OR cannot join an excluded"),
        ("*", "Stray '*'"),
        ("a *b", "'*' may only end a word"),
        ("-privacy", "Nothing to search for"),
        ('""', "Empty phrase"),
        ("-- ++", "Nothing to search for"),
        (" ".join(["w"] * 40), "Too many terms"),
    ],
)
def test_syntax_errors_say_why(text, reason):
    with pytest.raises(SearchSyntaxError, match=reason):
        parse_search(text)


@pytest.mark.parametrize(
    ("text", "groups"),
    [
        ("privacy or surveillance", [[("privacy",), ("surveillance",)]]),
        ("privacy Or surveillance", [[("privacy",), ("surveillance",)]]),
        ("privacy and surveillance", [[("privacy",)], [("surveillance",)]]),
        ("Biden's order", [[("biden",)], [("order",)]]),
        ("China\u2019s", [[("china",)]]),
        ("Americans'", [[("americans",)]]),
        ("don't", [[("don", "t")]]),
        ('"law and order"', [[("law", "and", "order")]]),
    ],
)
def test_operators_in_any_case_and_possessives(text, groups):
    query = parse_search(text)
    assert [[term.words for term in group] for group in query.groups] == groups
