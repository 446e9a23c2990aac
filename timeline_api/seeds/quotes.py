"""Checking that every quote is copied verbatim from the article its source names, and
that each source's fingerprint is that of the article file."""

import hashlib
import re
from pathlib import Path

from timeline_api.seeds.dataset import Dataset
from timeline_api.seeds.files import SeedProblem

# Curly single quotes (U+2018, U+2019, U+201A, U+201B) and double quotes (U+201C to U+201F).
_TYPOGRAPHIC_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
    }
)


def normalise_for_comparison(text: str) -> str:
    """Fold white space and typographic quote marks, the only differences we tolerate."""
    return re.sub(r"\s+", " ", text.translate(_TYPOGRAPHIC_QUOTES)).strip()


def check_quotes(dataset: Dataset, articles_dir: Path) -> list[SeedProblem]:
    """Report every quote (citation or point) not found verbatim in its source's article."""
    articles_dir = Path(articles_dir)
    sources = {source["slug"]: source for source in dataset.sources}
    article_texts: dict[str, str | None] = {}
    problems: list[SeedProblem] = []

    def article_text(source_slug: str) -> str | None:
        if source_slug not in article_texts:
            path = articles_dir / sources[source_slug]["article_file"]
            article_texts[source_slug] = (
                normalise_for_comparison(path.read_text(encoding="utf-8"))
                if path.is_file()
                else None
            )
        return article_texts[source_slug]

    def check(event: dict, source_slug: str, quote: str, path: tuple) -> None:
        if source_slug not in sources:
            return  # reported by the reference checks
        text = article_text(source_slug)
        seed_file = dataset.files[event["_file"]]
        if text is None:
            article = sources[source_slug]["article_file"]
            problems.append(
                seed_file.problem(path, f"article {article!r} not found in {articles_dir}")
            )
        elif normalise_for_comparison(quote) not in text:
            problems.append(
                seed_file.problem(path, f"quote is not verbatim in the article of {source_slug!r}")
            )

    if not articles_dir.is_dir():
        # One line about the folder, not one per quote.
        return [SeedProblem(str(articles_dir), None, "articles folder does not exist")]
    problems.extend(check_fingerprints(dataset, articles_dir))
    for event in dataset.events + dataset.partial_events:
        for c_index, citation in enumerate(event.get("citations", [])):
            for q_index, quote in enumerate(citation["quotes"]):
                check(event, citation["source"], quote, ("citations", c_index, "quotes", q_index))
        for p_index, point in enumerate(event.get("points", [])):
            check(event, point["source"], point["quote"], ("points", p_index, "quote"))
    return problems


def article_fingerprint(path: Path) -> str:
    """SHA-256 of the article file's bytes, as `sha256sum` prints it."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def check_fingerprints(dataset: Dataset, articles_dir: Path) -> list[SeedProblem]:
    """Each source whose article is at hand must carry that article's SHA-256, so a reader
    holding an article can tell whether it is the text the quotes were checked against."""
    problems = []
    for source in dataset.sources:
        path = articles_dir / source["article_file"]
        if not path.is_file():
            continue  # a quote citing it is reported by check_quotes
        actual = article_fingerprint(path)
        where = dataset.files[source["_file"]]
        field_path = (*source["_path"], "article_sha256")
        if source.get("article_sha256") is None:
            problems.append(
                where.problem(
                    field_path,
                    f"missing: the article's SHA-256 is {actual} (set it, with article_checked, "
                    "once its quotes are checked)",
                )
            )
        elif source["article_sha256"] != actual:
            problems.append(
                where.problem(
                    field_path,
                    f"does not match {source['article_file']} (its SHA-256 is {actual}): the "
                    "article changed; check the quotes again, then update it and article_checked",
                )
            )
    return problems
