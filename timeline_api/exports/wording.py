"""Plain-text phrases the calendar, feed and TimelineJS exports share, so they say the same."""

from timeline_api.exports.context import ExportContext

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)  # English, whatever the server's locale


def human_date(event: dict) -> str:
    """The date as people write it, only as precise as known: "8 September 2020",
    "August 2020", "2019"."""
    start, precision = event["date_start"], event["date_precision"]
    if precision == "year":
        return str(start.year)
    if precision == "month":
        return f"{MONTHS[start.month - 1]} {start.year}"
    return f"{start.day} {MONTHS[start.month - 1]} {start.year}"


def precision_note(event: dict) -> str | None:
    """ "Date known only to the month (2020-08)." for a partial date; None for an exact day."""
    if event["date_precision"] == "day":
        return None
    return f"Date known only to the {event['date_precision']} ({event['date']})."


def date_statement(event: dict) -> str:
    """The date as known, saying its precision when it is not an exact day."""
    return precision_note(event) or f"Date: {event['date']}."


def source_credit(source: dict, context: ExportContext) -> str:
    """One line naming an article: publisher, headline, date when known, and an address.

    The address is the article's own URL when known, else the API's page for the source.
    """
    credit = f'{source["publisher"]}, "{source["headline"]}"'
    if source.get("published"):
        credit += f", {source['published']}"
    return f"{credit} <{source.get('url') or context.absolute_url(source['api_url'])}>"


def sources_text(event: dict, context: ExportContext) -> str | None:
    """A "Sources:" block with one line per cited article, or None without sources."""
    sources = context.sources_of(event)
    if not sources:
        return None
    return "Sources:\n" + "\n".join(f"- {source_credit(s, context)}" for s in sources)


def paragraphs(*parts: str | None) -> str:
    """Join the non-empty parts with blank lines."""
    return "\n\n".join(part for part in parts if part)
