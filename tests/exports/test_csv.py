"""CSV: RFC 4180 rows that round-trip through csv.DictReader."""

import csv
import io

from tests.exports.conftest import TRICKY_SUMMARY, UNICODE_TITLE
from timeline_api.exports import csv as csv_export


def read(body: bytes) -> tuple[list[str], list[dict]]:
    reader = csv.DictReader(io.StringIO(body.decode("utf-8"), newline=""))
    return list(reader.fieldnames or []), list(reader)


def test_header_and_one_row_per_event_in_order(events, context):
    header, rows = read(csv_export.render(events, context))
    assert header == list(csv_export.COLUMNS)
    assert [r["slug"] for r in rows] == [e["slug"] for e in events]


def test_crlf_line_ends_and_no_bom(events, context):
    body = csv_export.render(events, context)
    assert not body.startswith(b"\xef\xbb\xbf")
    assert body.endswith(b"\r\n")
    # One CRLF per record; the newline inside the quoted summary stays a bare LF.
    assert body.count(b"\r\n") == 1 + len(events)
    assert body.startswith(b"slug,title,date,date_precision,")


def test_comma_quote_and_newline_round_trip(events, context):
    body = csv_export.render(events, context)
    rows = {r["slug"]: r for r in read(body)[1]}
    assert rows["clean-network-programme"]["summary"] == TRICKY_SUMMARY
    assert b'"The ""Clean Network"" programme, announced\nin August;' in body
    assert rows["zurich-data-forum"]["title"] == UNICODE_TITLE


def test_dates_keep_their_precision(events, context):
    rows = {r["slug"]: r for r in read(csv_export.render(events, context))[1]}
    month = rows["clean-network-programme"]
    assert (month["date"], month["date_precision"]) == ("2020-08", "month")
    assert (month["date_start"], month["date_end"]) == ("2020-08-01", "2020-08-31")
    year = rows["reported-us-order"]
    assert (year["date"], year["date_precision"], year["date_end"]) == (
        "2024",
        "year",
        "2024-12-31",
    )


def test_multi_valued_and_missing_values(events, context):
    rows = {r["slug"]: r for r in read(csv_export.render(events, context))[1]}
    dialogue = rows["un-privacy-dialogue"]
    assert dialogue["tags"] == "privacy; surveillance"
    assert dialogue["actors"] == (
        # One entry per actor, with its roles: Liu Hua is listed once.
        "Liu Hua (speaker, participant); Human Rights Council (organiser)"
    )
    assert dialogue["url"] == "http://127.0.0.1:8000/api/v1/events/un-privacy-dialogue"
    assert rows["clean-network-programme"]["sources"] == (
        "radio-2020-09-clean-network; wire-2020-03-dialogue"
    )
    law = rows["reported-us-order"]
    assert law["place"] == law["country"] == law["tags"] == law["date_note"] == ""


def test_empty_list_gives_only_the_header(context):
    body = csv_export.render([], context)
    assert body == (",".join(csv_export.COLUMNS) + "\r\n").encode()
    assert read(body) == (list(csv_export.COLUMNS), [])
