"""Compressed answers (api/compression.py): the same bytes once decoded, their own strong
ETags and 304s, Vary, and a response cache that never hands one client another's coding."""

import gzip

import brotli
import pytest

from tests.api.test_response_cache import _never_renders
from timeline_api.app import create_app
from timeline_api.config import Config

PAGE = "/api/v1/events?limit=20"
DECODERS = {"gzip": gzip.decompress, "br": brotli.decompress}


def _decoded(response) -> bytes:
    coding = response.headers.get("Content-Encoding")
    return DECODERS[coding](response.get_data()) if coding else response.get_data()


def _vary(response) -> set[str]:
    return {token.strip().lower() for token in response.headers.get("Vary", "").split(",")}


@pytest.mark.parametrize(
    "path",
    [
        PAGE,
        "/api/v1/events/alpha-plan",
        "/api/v1/actors/ann-example",
        "/api/v1/sources",
        "/api/v1/events.csv",
        "/api/v1/events.ics",
        "/api/v1/events.jsonld",
        "/api/v1/datapackage.json",
    ],
)
@pytest.mark.parametrize("coding", ["gzip", "br"])
def test_a_compressed_answer_decodes_to_the_identity_answer(client, path, coding):
    identity = client.get(path)
    encoded = client.get(path, headers={"Accept-Encoding": coding})
    assert identity.status_code == encoded.status_code == 200
    assert "Content-Encoding" not in identity.headers
    assert encoded.headers["Content-Encoding"] == coding
    assert len(encoded.get_data()) < len(identity.get_data())
    assert int(encoded.headers["Content-Length"]) == len(encoded.get_data())
    assert _decoded(encoded) == identity.get_data()
    assert encoded.headers["Content-Type"] == identity.headers["Content-Type"]
    assert "accept-encoding" in _vary(identity) and "accept-encoding" in _vary(encoded)
    # Another representation, another strong ETag (RFC 9110, 8.8.3).
    tag, weak = encoded.get_etag()
    assert not weak and tag == identity.get_etag()[0] + ":" + coding


def test_the_client_preference_is_followed(client):
    def coding_for(accept_encoding: str) -> str | None:
        headers = {"Accept-Encoding": accept_encoding} if accept_encoding else {}
        return client.get(PAGE, headers=headers).headers.get("Content-Encoding")

    assert coding_for("") is None
    assert coding_for("identity") is None
    assert coding_for("gzip, deflate, br, zstd") == "br"  # equal: Brotli, the smaller
    assert coding_for("gzip, deflate") == "gzip"  # requests' default without brotli
    assert coding_for("br;q=0.5, gzip") == "gzip"
    assert coding_for("*") == "br"
    assert coding_for("deflate") is None
    # q=0 refuses a coding (flask-compress alone would use it: compression.chosen_coding).
    assert coding_for("gzip;q=0") is None
    assert coding_for("br;q=0, gzip;q=0") is None
    # ... also beside `*`, which only weighs the codings not listed (RFC 9110, 12.5.3).
    assert coding_for("gzip;q=0, *") == "br"
    assert coding_for("br;q=0, *") == "gzip"
    assert coding_for("br;q=0, gzip;q=0, *") is None
    # identity weighing more than every coding is sent as identity.
    assert coding_for("identity, gzip;q=0.5") is None
    assert coding_for("gzip;q=0.8, *;q=0.9") == "br"


def test_the_etag_and_the_early_304_follow_the_coding_chosen(client):
    """The tag the response cache answers a revalidation with is the one the answer has."""
    for header in ("gzip;q=0, *", "identity, gzip;q=0.5", "gzip;q=0.8, *;q=0.9"):
        first = client.get(PAGE, headers={"Accept-Encoding": header})
        again = client.get(
            PAGE, headers={"Accept-Encoding": header, "If-None-Match": first.headers["ETag"]}
        )
        assert again.status_code == 304, header


@pytest.mark.parametrize("coding", ["gzip", "br"])
def test_if_none_match_with_the_compressed_etag_is_304(client, coding):
    headers = {"Accept-Encoding": coding}
    first = client.get(PAGE, headers=headers)
    again = client.get(PAGE, headers={**headers, "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and not again.get_data()
    assert again.headers["ETag"] == first.headers["ETag"]
    assert "accept-encoding" in _vary(again)
    # The identity answer's tag does not validate the compressed one, nor the reverse.
    identity = client.get(PAGE)
    mixed = client.get(PAGE, headers={**headers, "If-None-Match": identity.headers["ETag"]})
    assert mixed.status_code == 200 and mixed.headers["ETag"] == first.headers["ETag"]
    reverse = client.get(PAGE, headers={"If-None-Match": first.headers["ETag"]})
    assert reverse.status_code == 200 and "Content-Encoding" not in reverse.headers


def test_a_revalidation_of_a_compressed_copy_needs_no_rendering(database_url, seeded_db):
    """What the compose proxy sends when its gzip copy expires, to a worker that never
    rendered it: the 304 is decided from the request and the data version alone."""
    config = Config(DATABASE_URL=database_url)
    headers = {"Accept-Encoding": "gzip"}
    first = create_app(config).test_client().get(PAGE, headers=headers)
    other = create_app(config)
    _never_renders(other)
    again = other.test_client().get(
        PAGE, headers={**headers, "If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304 and again.headers["ETag"] == first.headers["ETag"]
    assert "accept-encoding" in _vary(again)


def test_head_has_the_compressed_headers_and_no_body(client):
    get = client.get(PAGE, headers={"Accept-Encoding": "gzip"})
    head = client.head(PAGE, headers={"Accept-Encoding": "gzip"})
    assert head.status_code == 200 and head.get_data() == b""
    for header in ("Content-Encoding", "Content-Length", "ETag", "Vary"):
        assert head.headers[header] == get.headers[header], header


def test_the_response_cache_keeps_each_coding_apart(client, app):
    """Whichever coding is asked first, a client gets its own: the cache never replays
    compressed bytes to a client that did not accept them (nor identity to one that did,
    which would be correct but is not what it asked for)."""
    for _ in range(2):  # the second round is answered from the response cache
        gzipped = client.get(PAGE, headers={"Accept-Encoding": "gzip"})
        plain = client.get(PAGE)
        brotlied = client.get(PAGE, headers={"Accept-Encoding": "br"})
        assert gzipped.headers["Content-Encoding"] == "gzip"
        assert "Content-Encoding" not in plain.headers
        assert brotlied.headers["Content-Encoding"] == "br"
        assert _decoded(gzipped) == _decoded(brotlied) == plain.get_data()
        assert len({gzipped.headers["ETag"], plain.headers["ETag"], brotlied.headers["ETag"]}) == 3
    assert len(app.extensions["response_cache"]) >= 3


def test_small_answers_and_problem_documents_are_sent_as_they_are(client):
    small = client.get("/healthz", headers={"Accept-Encoding": "gzip"})
    assert small.status_code == 200 and "Content-Encoding" not in small.headers
    missing = client.get("/api/v1/events/no-such-event", headers={"Accept-Encoding": "gzip, br"})
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"
    assert "Content-Encoding" not in missing.headers
    assert missing.get_json()["status"] == 404


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/events?q=nowhereword",  # an empty page: too small to be worth compressing
        "/api/v1/datapackage.zip",  # a type that is not compressed
    ],
)
def test_an_uncompressed_answer_is_revalidated_without_rendering(database_url, seeded_db, path):
    """An answer sent as it is to a client that accepts a coding does not claim the coding
    in its ETag, and the 304 for it is decided from the request, as for the others."""
    config = Config(DATABASE_URL=database_url)
    headers = {"Accept-Encoding": "gzip, br"}
    first = create_app(config).test_client().get(path, headers=headers)
    assert first.status_code == 200 and "Content-Encoding" not in first.headers
    tag, weak = first.get_etag()
    assert not weak and not tag.endswith((":gzip", ":br"))
    other = create_app(config)
    _never_renders(other)
    again = other.test_client().get(
        path, headers={**headers, "If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304 and again.headers["ETag"] == first.headers["ETag"]
    # Still not the tag of the identity answer to a client that accepts no coding.
    plain = (
        create_app(config).test_client().get(path, headers={"If-None-Match": first.headers["ETag"]})
    )
    assert plain.status_code == 200
