"""The demo page in a real browser, against gunicorn seeded with the six fixture events.

The unit tests check what the server sends; only a browser shows that the page's script
renders the timeline, searches, filters, pages and expands events through the API, and
that it reaches no other host while doing so.
"""

import csv
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.e2e.conftest import Recorder, Server

pytestmark = pytest.mark.e2e

ALL_SLUGS = [  # date order: year-only 2020 first, then by first possible day, then by slug
    "forum-meeting",
    "alpha-plan",
    "same-day-a",
    "same-day-b",
    "same-day-c",
    "beta-rejects-plan",
]


@contextmanager
def watched(page, recorder: Recorder, tmp_path: Path) -> Iterator[None]:
    """Run a test's steps, then check the page raised nothing and stayed on the server.

    On any failure, save a screenshot and name it in the error.
    """
    try:
        yield
        assert not recorder.page_errors, recorder.page_errors
        assert not recorder.blocked, f"the page reached beyond the app: {recorder.blocked}"
    except BaseException as error:
        screenshot = tmp_path / "demo-page.png"
        page.screenshot(path=screenshot, full_page=True)
        error.add_note(f"screenshot: {screenshot}")
        raise


def shown_slugs(page) -> list[str]:
    return [
        element_id.removeprefix("event-")
        for element_id in page.locator("#timeline li.event").evaluate_all(
            "items => items.map(item => item.id)"
        )
    ]


def expect_status(page, text: str) -> None:
    """Wait until the live status line says `text` (it changes when an answer is shown)."""
    page.locator("#status", has_text=text).wait_for()


def chip(page, facet: str, label: str):
    """The checkbox of one facet value, found by its visible label as a reader would."""
    group = page.locator("fieldset.facet", has=page.locator("legend", has_text=facet))
    return group.get_by_role("checkbox", name=re.compile(rf"^{re.escape(label)} \d+ events?$"))


def chip_counts(page, facet: str) -> dict[str, int]:
    group = page.locator("fieldset.facet", has=page.locator("legend", has_text=facet))
    counts = {}
    for label in group.locator("label.chip").all():
        name = label.locator(".chip-label").inner_text()
        counts[name] = int(label.locator(".count").inner_text().split()[0])
    return counts


def api_queries(recorder: Recorder, path: str) -> list[dict[str, list[str]]]:
    """The query parameters of every request the page made to `path`."""
    return [
        parse_qs(urlsplit(url).query) for url in recorder.requested if urlsplit(url).path == path
    ]


def test_page_renders_the_timeline(server: Server, page, recorder: Recorder, tmp_path: Path):
    with watched(page, recorder, tmp_path):
        page.goto(server.url("/"))
        expect_status(page, "Showing 6 of 6 events.")

        assert shown_slugs(page) == ALL_SLUGS
        headings = page.locator("#timeline .year-group h3").all_inner_texts()
        assert headings == ["2020", "2021"]

        # Dates as precisely as they are known, with a machine-readable datetime.
        def date_of(slug: str) -> tuple[str, str | None]:
            time = page.locator(f"#event-{slug} time")
            return time.inner_text(), time.get_attribute("datetime")

        assert date_of("forum-meeting") == ("2020", "2020")
        assert date_of("beta-rejects-plan") == ("June 2021", "2021-06")
        assert date_of("alpha-plan") == ("2 May 2021", "2021-05-02")

        alpha = page.locator("#event-alpha-plan")
        assert alpha.get_by_role("heading", level=4).inner_text() == (
            "Alpha Ministry announces a privacy plan"
        )
        text = alpha.inner_text()
        for expected in (
            "Programme",
            "The ministry announces a plan.",
            "Exampleville, France",
            "Alpha Ministry (announcer), Ann Example (spokesperson)",
            "Privacy",
            # Sources as a reader cites them, not as slugs.
            "The Example Gazette, Alpha announces a plan, 3 May 2021",
        ):
            assert expected in text, f"{expected!r} not in {text!r}"
        assert "gazette-one" not in text

        # Facets and export links reflect the (empty) filters.
        assert chip_counts(page, "Tag") == {"Privacy": 2, "Surveillance": 2}
        csv_link = page.get_by_role("link", name="CSV").get_attribute("href")
        assert csv_link == "/api/v1/events.csv?sort=date"
        assert page.get_by_role("link", name="API documentation").get_attribute("href") == (
            "/api/v1/docs"
        )
        assert page.locator("#load-more").is_hidden()
        assert not recorder.failed, recorder.failed


def test_search_narrows_the_list(server: Server, page, recorder: Recorder, tmp_path: Path):
    with watched(page, recorder, tmp_path):
        page.clock.install()  # the search waits for a pause in typing: control its timer
        page.goto(server.url("/"))
        expect_status(page, "Showing 6 of 6 events.")

        page.get_by_label("Search events").press_sequentially("unfair")
        page.clock.run_for(1000)
        expect_status(page, "Showing 1 of 1 event.")

        assert shown_slugs(page) == ["beta-rejects-plan"]
        # The word is in a quote, not the title: the snippet shows where, highlighted.
        snippet = page.locator("#event-beta-rejects-plan .snippet")
        assert snippet.locator("mark").all_inner_texts() == ["unfair"]
        assert chip_counts(page, "Type") == {"Statement": 1}
        # One request per pause in typing, not one per key; the last word typed is a
        # prefix while typing (Enter sends the text as it is).
        searched = [query["q"] for query in api_queries(recorder, "/api/v1/events") if "q" in query]
        assert searched == [["unfair*"]], searched
        assert "q=unfair" in page.url

        # Enter searches at once. Each step below changes the count, so waiting for the
        # status line waits for that step's answer.
        search = page.get_by_label("Search events")
        search.fill("plan -unfair")
        search.press("Enter")
        # The forum meeting cites the article headlined "Alpha announces a plan", but its
        # own words never say "plan": a headline alone no longer pulls it in.
        expect_status(page, "Showing 4 of 4 events.")
        assert set(shown_slugs(page)) == {"alpha-plan", "same-day-a", "same-day-b", "same-day-c"}

        search.fill("Beta")
        search.press("Enter")
        expect_status(page, "Showing 1 of 1 event.")
        assert shown_slugs(page) == ["beta-rejects-plan"]
        assert page.locator(".snippet mark").all_inner_texts() == ["Beta"]

        search.fill("")
        search.press("Enter")
        expect_status(page, "Showing 6 of 6 events.")
        assert page.locator(".snippet").count() == 0
        assert not recorder.failed, recorder.failed


def test_api_errors_are_shown(server: Server, page, recorder: Recorder, tmp_path: Path):
    with watched(page, recorder, tmp_path):
        page.goto(server.url("/"))
        expect_status(page, "Showing 6 of 6 events.")

        search = page.get_by_label("Search events")
        search.fill('"unfair')  # an unclosed phrase: the API answers 400 problem+json
        search.press("Enter")
        error = page.get_by_role("alert")
        error.wait_for()
        # In plain words, once, without HTTP jargon.
        message = error.inner_text()
        assert "Unbalanced double quote" in message
        assert message.count("Unbalanced double quote") == 1, message
        assert "Search: " in message  # from invalid_params
        for jargon in ("Bad Request", "Unprocessable", "400", "422"):
            assert jargon not in message, message
        assert shown_slugs(page) == []
        assert any(failure.startswith("400 ") for failure in recorder.failed)

        search.fill('"unfair"')
        search.press("Enter")
        expect_status(page, "Showing 1 of 1 event.")
        assert error.is_hidden()

        # A bad value in a shared link: left out, said once, and the rest still works.
        page.goto(server.url("/?year=20x0&tag=privacy"))
        expect_status(page, "Showing 2 of 2 events.")
        message = error.inner_text()
        assert "Year: Not a valid integer." in message and "left out" in message
        assert "Unprocessable" not in message
        assert page.locator("#facets").is_visible()
        assert chip(page, "Tag", "Privacy").is_checked()
        assert "year" not in parse_qs(urlsplit(page.url).query)


def test_facet_chips_filter_and_counts_agree(
    server: Server, page, recorder: Recorder, tmp_path: Path
):
    with watched(page, recorder, tmp_path):
        page.goto(server.url("/"))
        expect_status(page, "Showing 6 of 6 events.")

        surveillance = chip(page, "Tag", "Surveillance")
        # With the keyboard: Space ticks the box, and focus survives the chips being redrawn.
        surveillance.focus()
        page.keyboard.press("Space")
        expect_status(page, "Showing 2 of 2 events.")
        assert set(shown_slugs(page)) == {"forum-meeting", "beta-rejects-plan"}
        assert surveillance.is_checked()
        assert page.evaluate("document.activeElement.value") == "surveillance"

        # Each other facet now counts exactly the events listed.
        types = page.locator("#timeline .event-meta .badge").all_inner_texts()
        assert chip_counts(page, "Type") == {t: types.count(t) for t in set(types)}
        assert chip_counts(page, "Year") == {"2020": 1, "2021": 1}
        # A ticked facet counts each of its values unfiltered by itself: ticking a second
        # value adds that many events (less those already listed), as values are alternatives.
        assert chip_counts(page, "Tag") == {"Privacy": 2, "Surveillance": 2}

        chip(page, "Tag", "Privacy").click()
        expect_status(page, "Showing 3 of 3 events.")
        assert set(shown_slugs(page)) == {"forum-meeting", "alpha-plan", "beta-rejects-plan"}
        assert parse_qs(urlsplit(page.url).query)["tag"] == ["surveillance", "privacy"]
        csv_link = page.get_by_role("link", name="CSV").get_attribute("href")
        assert csv_link == "/api/v1/events.csv?tag=surveillance&tag=privacy&sort=date"
        exported = page.request.get(server.url(csv_link))  # the export holds what is listed
        assert exported.status == 200, exported.status
        rows = list(csv.DictReader(io.StringIO(exported.text())))
        assert [row["slug"] for row in rows] == shown_slugs(page)

        chip(page, "Country", "Germany").click()  # another facet narrows again (AND)
        expect_status(page, "Showing 1 of 1 event.")
        assert shown_slugs(page) == ["beta-rejects-plan"]

        page.get_by_role("button", name="Clear all filters").click()
        expect_status(page, "Showing 6 of 6 events.")
        assert not recorder.failed, recorder.failed


def test_expanding_an_event_shows_its_quotes(
    server: Server, page, recorder: Recorder, tmp_path: Path
):
    with watched(page, recorder, tmp_path):
        page.goto(server.url("/"))
        expect_status(page, "Showing 6 of 6 events.")

        event = page.locator("#event-alpha-plan")
        toggle = event.get_by_role("button", name="Quotes and related events")
        toggle.focus()
        page.keyboard.press("Enter")
        quotes = event.locator("figure.citation blockquote")
        quotes.first.wait_for()

        assert toggle.get_attribute("aria-expanded") == "true"
        assert quotes.all_inner_texts() == [
            "The Alpha Ministry on Sunday announced a plan to protect privacy.",
            '"We will protect every citizen\'s data," Ann Example said.',
        ]
        caption = event.locator("figure.citation figcaption")
        assert caption.inner_text() == "The Example Gazette, Alpha announces a plan, 3 May 2021"
        assert caption.get_by_role("link").get_attribute("href") == (
            server.url("/api/v1/sources/gazette-one")  # the API's record of the source
        )
        assert 'Dateline May 2 and "on Sunday".' in event.locator(".date-note").inner_text()
        related = event.locator("ul.related li").all_inner_texts()
        assert related == [
            "Has context: World Forum meets on surveillance (2020)",
            "Responded to by: Beta rejects the plan (June 2021)\nBeta answers the plan.",
        ]
        assert server.url("/api/v1/events/alpha-plan") in recorder.requested

        page.keyboard.press("Enter")  # collapses again
        assert toggle.get_attribute("aria-expanded") == "false"
        assert quotes.first.is_hidden()
        assert not recorder.failed, recorder.failed


def test_load_more_follows_the_next_link(server: Server, page, recorder: Recorder, tmp_path: Path):
    with watched(page, recorder, tmp_path):
        page.goto(server.url("/?limit=2"))
        expect_status(page, "Showing 2 of 6 events.")
        load_more = page.get_by_role("button", name="Load more")

        load_more.click()
        expect_status(page, "Showing 4 of 6 events.")
        # Focus moves to the first new event, where a keyboard reader continues.
        assert page.evaluate("document.activeElement.textContent") == "Same-day event a"
        load_more.click()
        expect_status(page, "Showing 6 of 6 events.")

        assert shown_slugs(page) == ALL_SLUGS
        # Pages continue the year they end in rather than repeating its heading.
        assert page.locator("#timeline .year-group h3").all_inner_texts() == ["2020", "2021"]
        assert load_more.is_hidden()
        cursors = [q for q in api_queries(recorder, "/api/v1/events") if "cursor" in q]
        assert len(cursors) == 2
        assert not recorder.failed, recorder.failed


def test_page_works_without_facets(server: Server, page, recorder: Recorder, tmp_path: Path):
    """Against an API without /events/facets, the panel hides and the list still works."""
    with watched(page, recorder, tmp_path):
        page.route(
            "**/api/v1/events/facets*",
            lambda route: route.fulfill(
                status=404,
                content_type="application/problem+json",
                body='{"type": "about:blank", "title": "Not Found", "status": 404}',
            ),
        )
        page.goto(server.url("/"))
        expect_status(page, "Showing 6 of 6 events.")
        assert page.locator("#facets").is_hidden()
        assert page.get_by_role("alert").is_hidden()
        assert shown_slugs(page) == ALL_SLUGS


def test_page_fits_a_phone_screen(server: Server, page, recorder: Recorder, tmp_path: Path):
    with watched(page, recorder, tmp_path):
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(server.url("/"))
        expect_status(page, "Showing 6 of 6 events.")
        # The first event starts on the first screen; the filters are one tap away.
        top = page.locator("#timeline li.event").first.bounding_box()["y"]
        assert top < 844 - 100, f"the first event starts at {top}px, below the first screen"
        page.get_by_text("Filter", exact=True).click()
        chip(page, "Tag", "Privacy").wait_for()
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"the page is {overflow}px wider than the screen"


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("surveil", {"forum-meeting"}),  # the last word as a prefix, while typing
        ('"unfair', {"beta-rejects-plan"}),  # an open phrase, read as closed
        ("unfair OR", {"beta-rejects-plan"}),  # a trailing operator waits for its word
        ("unfair or surveil", {"beta-rejects-plan", "forum-meeting"}),
    ],
)
def test_search_as_you_type_shows_no_error_for_half_typed_queries(
    server: Server, page, recorder: Recorder, tmp_path: Path, typed: str, shown: set
):
    with watched(page, recorder, tmp_path):
        page.clock.install()
        page.goto(server.url("/"))
        expect_status(page, "Showing 6 of 6 events.")
        page.get_by_label("Search events").press_sequentially(typed)
        page.clock.run_for(1000)
        expect_status(page, f"of {len(shown)} event")
        assert set(shown_slugs(page)) == shown
        assert page.get_by_role("alert").is_hidden()
        # While searching, best match first, unless the reader picks another order.
        assert page.locator("#sort").input_value() == "relevance"
        assert page.locator("#timeline .year-group h3").first.inner_text() == "Best matches first"


def test_the_reader_s_chosen_order_is_kept_while_searching(
    server: Server, page, recorder: Recorder, tmp_path: Path
):
    with watched(page, recorder, tmp_path):
        page.goto(server.url("/"))
        expect_status(page, "Showing 6 of 6 events.")
        page.locator("#sort").select_option("-date")
        search = page.get_by_label("Search events")
        search.fill("plan")
        search.press("Enter")
        expect_status(page, "Showing 5 of 5 events.")  # not the forum meeting (headline only)
        assert page.locator("#sort").input_value() == "-date"
        assert api_queries(recorder, "/api/v1/events")[-1]["sort"] == ["-date"]


def test_one_facets_request_per_change_whatever_is_ticked(
    server: Server, page, recorder: Recorder, tmp_path: Path
):
    """The API already counts each facet without its own filter: no extra requests."""
    with watched(page, recorder, tmp_path):
        page.goto(server.url("/"))
        expect_status(page, "Showing 6 of 6 events.")
        chip(page, "Tag", "Surveillance").click()
        expect_status(page, "Showing 2 of 2 events.")
        chip(page, "Year", "2021").click()
        expect_status(page, "Showing 1 of 1 event.")
        assert len(api_queries(recorder, "/api/v1/events/facets")) == 3


def test_an_initiative_s_points_are_shown(server: Server, page, recorder: Recorder, tmp_path: Path):
    with watched(page, recorder, tmp_path):
        page.goto(server.url("/"))
        expect_status(page, "Showing 6 of 6 events.")
        event = page.locator("#event-alpha-plan")
        event.get_by_role("button", name="Quotes and related events").click()
        points = event.locator("ol.points li")
        points.first.wait_for()
        text = points.first.inner_text()
        assert "Protect data." in text
        assert "We will protect every citizen's data" in text
        assert "The Example Gazette" in text
