"""The map and timeline widgets in a real browser: the demo page's map (one marker per
position, whose popups list exactly the filtered events; no request leaves the server), the
GeoJSON export drawn by Leaflet, and the vis-timeline and TimelineJS exports drawn by the real
vis-timeline and TimelineJS (vendored in tests/e2e/vendor by scripts/vendor-frontend.sh)."""

import json
import urllib.request
from pathlib import Path

import pytest

from tests.e2e.conftest import OPENER, Recorder, Server
from tests.e2e.test_demo_page_browser import chip, expect_status, watched

pytestmark = pytest.mark.e2e

VENDOR = Path(__file__).parent / "vendor"
LEAFLET = "/demo/vendor/leaflet/leaflet.js"


def get_json(server: Server, path: str):
    with OPENER.open(urllib.request.Request(server.url(path)), timeout=10) as response:
        return json.load(response)


def placed(server: Server, query: str = "") -> dict[str, tuple]:
    """Slug -> position of each filtered event that has a place."""
    collection = get_json(server, f"/api/v1/events.geojson{query}")
    return {
        f["id"]: tuple(f["geometry"]["coordinates"])
        for f in collection["features"]
        if f["geometry"] is not None
    }


def marker_groups(page) -> list[list[str]]:
    """The slugs of the events each marker stands for."""
    return page.locator("#map path.event-marker").evaluate_all(
        "paths => paths.map(path => path.dataset.slugs.split(' '))"
    )


def events_in_popups(page) -> list[str]:
    """Open each marker's popup in turn: the events it lists (its one event, or each link)."""
    listed = []
    for index in range(page.locator("#map path.event-marker").count()):
        # Dispatched to the marker itself: at this zoom a nearby point may cover it.
        page.locator("#map path.event-marker").nth(index).dispatch_event("click")
        popup = page.locator(".leaflet-popup-content")
        popup.wait_for()
        links = popup.locator("a.map-event")
        if links.count():
            listed += links.evaluate_all("links => links.map(link => link.dataset.slug)")
        else:
            listed.append(popup.locator("strong").inner_text())
        page.locator(".leaflet-popup-close-button").click()
        popup.wait_for(state="detached")
    return listed


def test_demo_map_shows_the_filtered_events(
    server: Server, page, recorder: Recorder, tmp_path: Path
):
    with watched(page, recorder, tmp_path):
        page.goto(server.url("/"))
        expect_status(page, "Showing 6 of 6 events.")
        page.locator("#map path.event-marker").first.wait_for()
        everywhere = placed(server)
        groups = marker_groups(page)
        # Every placed event in exactly one marker; one marker per distinct position (the
        # three events known only as in France share France's point).
        assert sorted(s for group in groups for s in group) == sorted(everywhere)
        assert len(everywhere) == 5 and len(groups) == len(set(everywhere.values())) == 3
        for group in groups:
            assert len({everywhere[slug] for slug in group}) == 1
        assert page.locator("#map").get_attribute("data-markers") == "3"
        assert page.locator("#map").get_attribute("data-events") == "5"
        assert "1 without a known place" in page.locator("#map-status").inner_text()
        # The outlines are drawn: many country shapes, none of them a marker.
        assert page.locator("#map path.leaflet-interactive").count() == 3
        assert page.locator("#map path").count() > 150
        # What a reader can reach: the popups list every filtered event with a place, once.
        titles = {
            e["slug"]: e["title"] for e in get_json(server, "/api/v1/events?limit=100")["items"]
        }
        by_title = {title: slug for slug, title in titles.items()}
        listed = [by_title.get(entry, entry) for entry in events_in_popups(page)]
        assert sorted(listed) == sorted(everywhere)

        chip(page, "Country", "Germany").check()
        expect_status(page, "Showing 1 of 1 event.")
        page.wait_for_function("document.querySelector('#map').dataset.markers === '1'")
        assert list(placed(server, "?country=DE")) == ["beta-rejects-plan"]
        assert marker_groups(page) == [["beta-rejects-plan"]]
        assert not recorder.failed, recorder.failed


def test_clicking_a_point_opens_the_event(server: Server, page, recorder: Recorder, tmp_path: Path):
    with watched(page, recorder, tmp_path):
        page.goto(server.url("/"))
        expect_status(page, "Showing 6 of 6 events.")
        marker = page.locator('#map path.event-marker[data-slugs="alpha-plan"]')
        marker.wait_for()
        marker.click(force=True)  # other points may overlap it at this zoom
        popup = page.locator(".leaflet-popup-content")
        popup.wait_for()
        assert "Alpha Ministry announces a privacy plan" in popup.inner_text()
        assert "2 May 2021 · Exampleville" in popup.inner_text()
        toggle = page.locator("#event-alpha-plan button[aria-expanded]")
        assert toggle.get_attribute("aria-expanded") == "true"
        page.locator("#detail-alpha-plan .hint", has_text="Loading").wait_for(state="detached")
        assert page.locator("#detail-alpha-plan").is_visible()


def test_events_at_one_point_are_each_reachable(
    server: Server, page, recorder: Recorder, tmp_path: Path
):
    with watched(page, recorder, tmp_path):
        page.goto(server.url("/"))
        expect_status(page, "Showing 6 of 6 events.")
        # same-day-a, -b and -c are known only as in France: one point, one marker.
        marker = page.locator('#map path.event-marker[data-slugs~="same-day-b"]')
        marker.wait_for()
        assert sorted(marker.get_attribute("data-slugs").split()) == [
            "same-day-a",
            "same-day-b",
            "same-day-c",
        ]
        marker.dispatch_event("click")  # Exampleville's point, in France, may cover it
        links = page.locator(".leaflet-popup-content a.map-event")
        links.first.wait_for()
        assert links.count() == 3
        assert "3 events at France" in page.locator(".leaflet-popup-content").inner_text()
        second = links.nth(1).get_attribute("data-slug")
        toggle = page.locator(f"#event-{second} button[aria-expanded]")
        assert toggle.get_attribute("aria-expanded") != "true"
        links.nth(1).click()
        page.wait_for_function(
            f"document.querySelector('#event-{second} button[aria-expanded]')"
            ".getAttribute('aria-expanded') === 'true'"
        )
        page.locator(f"#detail-{second} .hint", has_text="Loading").wait_for(state="detached")
        assert page.locator(f"#detail-{second}").is_visible()
        assert not recorder.failed, recorder.failed


def serve_test_page(page, server: Server, html: str) -> str:
    """A page of this test's own on the server's origin (so its API calls are same-origin),
    answered by the browser's router; vendored test-only scripts come from tests/e2e/vendor."""
    url = server.url("/__test__/page.html")
    page.route(url, lambda route: route.fulfill(body=html, content_type="text/html"))

    def vendored(route) -> None:
        package, name = route.request.url.split("?")[0].rsplit("/", 2)[1:]
        file = VENDOR / package / name
        if file.is_file():
            route.fulfill(path=file)
        else:  # e.g. an icon font the stylesheet names but the test does not need
            route.fulfill(status=404, body="")

    page.route(server.url("/__test__/vendor/**"), vendored)
    return url


LEAFLET_PAGE = f"""<!doctype html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="/demo/vendor/leaflet/leaflet.css">
<script src="{LEAFLET}"></script></head>
<body><div id="map" style="width: 800px; height: 400px"></div><script>
window.result = fetch("/api/v1/events.geojson").then(r => r.json()).then(collection => {{
  const map = L.map("map").setView([20, 0], 1);
  const layer = L.geoJSON(collection, {{
    pointToLayer: (feature, latlng) => L.circleMarker(latlng, {{className: "feature"}}),
  }}).addTo(map);
  return layer.getLayers().map(marker => ({{
    id: marker.feature.id,
    lat: marker.getLatLng().lat,
    lng: marker.getLatLng().lng,
    // As Leaflet.timeline reads each feature with the documented getInterval.
    start: Date.parse(marker.feature.properties.start),
    end: Date.parse(marker.feature.properties.end_exclusive),
    days: (Date.parse(marker.feature.properties.end_exclusive)
           - Date.parse(marker.feature.properties.start)) / 86400000,
    precision: marker.feature.properties.date_precision,
  }}));
}});
</script></body></html>"""


def test_geojson_export_draws_in_leaflet(server: Server, page, recorder: Recorder, tmp_path):
    with watched(page, recorder, tmp_path):
        page.goto(serve_test_page(page, server, LEAFLET_PAGE))
        drawn = {m["id"]: m for m in page.evaluate("window.result")}
        assert page.locator("#map path.feature").count() == len(drawn) == 5
        events = get_json(server, "/api/v1/events?limit=100")["items"]
        for event in events:
            if event["place"] is None:
                assert event["slug"] not in drawn
                continue
            marker = drawn[event["slug"]]
            # Leaflet read [longitude, latitude] as the API's latitude and longitude.
            assert (marker["lat"], marker["lng"]) == (
                event["place"]["latitude"],
                event["place"]["longitude"],
            )
            # A day lasts one day, a month all of its days, a year 365 or 366.
            expected = {"day": {1}, "month": {28, 29, 30, 31}, "year": {365, 366}}
            assert marker["days"] in expected[marker["precision"]]


VIS_PAGE = """<!doctype html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="/__test__/vendor/vis-timeline/vis-timeline-graph2d.min.css">
<script src="/__test__/vendor/vis-timeline/vis-timeline-graph2d.min.js"></script></head>
<body><div id="timeline" style="width: 1200px"></div><script>
window.result = fetch("/api/v1/events.vistimeline").then(r => r.json()).then(data => {
  const timeline = new vis.Timeline(
    document.getElementById("timeline"),
    new vis.DataSet(data.items),
    new vis.DataSet(data.groups),
    {start: "2019-12-01", end: "2022-01-31", stack: true},
  );
  return new Promise(resolve => timeline.on("changed", () => resolve(data)));
});
</script></body></html>"""


def test_vistimeline_export_draws_in_vis_timeline(
    server: Server, page, recorder: Recorder, tmp_path
):
    with watched(page, recorder, tmp_path):
        page.goto(serve_test_page(page, server, VIS_PAGE))
        data = page.evaluate("window.result")
        assert len(data["items"]) == 6
        page.locator(".vis-item").first.wait_for()
        # Day-precision events are points; month- and year-precision ones are spans.
        spans = {i["id"] for i in data["items"] if i["type"] == "range"}
        assert spans == {"forum-meeting", "beta-rejects-plan"}
        assert page.locator(".vis-item.vis-range").count() == len(spans)
        assert page.locator(".vis-item.vis-point").count() == len(data["items"]) - len(spans)
        labels = page.locator(".vis-labelset .vis-label").all_inner_texts()
        assert [label.strip() for label in labels] == [g["content"] for g in data["groups"]]
        # A year-long span is drawn wider than a month-long one.
        year = page.locator(".vis-item.precision-year").bounding_box()["width"]
        month = page.locator(".vis-item.precision-month").bounding_box()["width"]
        assert year > 5 * month


TIMELINEJS_PAGE = """<!doctype html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="/__test__/vendor/timelinejs/timeline.css">
<script src="/__test__/vendor/timelinejs/timeline.js"></script></head>
<body><div id="timeline-embed" style="width: 1000px; height: 600px"></div><script>
window.result = fetch("/api/v1/events.timelinejs").then(r => r.json()).then(data => {
  // font: null keeps TimelineJS from loading its font stylesheet from its CDN.
  window.timeline = new TL.Timeline("timeline-embed", data, {font: null});
  return data;
});
</script></body></html>"""


def test_timelinejs_export_draws_in_timelinejs(server: Server, page, recorder: Recorder, tmp_path):
    with watched(page, recorder, tmp_path):
        page.goto(serve_test_page(page, server, TIMELINEJS_PAGE))
        data = page.evaluate("window.result")
        page.locator(".tl-slide").first.wait_for(state="attached")
        # A title slide, then one slide per event, each with the event's slug as its id.
        slide_ids = page.locator(".tl-slide").evaluate_all("slides => slides.map(s => s.id)")
        slugs = [event["unique_id"] for event in data["events"]]
        assert len(slugs) == 6 and set(slugs) <= set(slide_ids)

        # Dates read as people write them, only as precise as known.
        def shown_date(slug: str) -> str:
            return page.locator(f'[id="{slug}"] .tl-headline-date').first.text_content().strip()

        assert shown_date("alpha-plan") == "2 May 2021"
        assert shown_date("beta-rejects-plan") == "June 2021"
        assert shown_date("forum-meeting") == "2020"
        # Groups (event types) label the time navigation's rows.
        groups = {g.strip() for g in page.locator(".tl-timegroup-message").all_text_contents()}
        assert {slide["group"] for slide in data["events"]} <= groups
