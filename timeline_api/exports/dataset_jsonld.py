"""A schema.org `Dataset` (JSON-LD) describing the whole timeline, for dataset search
engines (Google Dataset Search and others read exactly this): what it is, its licence and
publisher, the period and places it covers, the articles it is based on, and every
download (the data package, its tables and each export format).

Every value comes from the data (dates, places, tags, sources) or from the same constants
the data package uses; nothing is fetched.
"""

import datetime as dt
import json

from timeline_api.exports.atom import FEED_AUTHOR
from timeline_api.exports.datapackage import (
    LICENSES,
    PACKAGE_DESCRIPTION,
    PACKAGE_TITLE,
    TABLES,
)
from timeline_api.gazetteer import GEONAMES_URL


def place_node(place: dict) -> dict:
    node = {
        "@type": "Place",
        "name": place["name"],
        "geo": {
            "@type": "GeoCoordinates",
            "latitude": place["latitude"],
            "longitude": place["longitude"],
        },
    }
    if place.get("gazetteer_id"):
        node["sameAs"] = GEONAMES_URL.format(id=place["gazetteer_id"])
    return node


def render(
    *,
    base_url: str,
    version: str,
    updated: dt.datetime,
    first_day: dt.date | None,
    last_day: dt.date | None,
    places: list[dict],
    keywords: list[str],
    sources: list[dict],
    exports: list[tuple[str, str, str]],
) -> bytes:
    """The Dataset node; `exports` are (name, path, media type) of each download."""
    api = base_url + "/api/v1"
    publisher = {"@type": "Organization", "name": FEED_AUTHOR}
    downloads = [
        ("Data Package (zip of every table)", "/datapackage.zip", "application/zip"),
        ("Data Package descriptor", "/datapackage.json", "application/json"),
        *[(f"Table: {t.title}", "/" + t.path, "text/csv") for t in TABLES],
        *exports,
    ]
    document = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "@id": api + "/dataset",
        "name": PACKAGE_TITLE,
        "description": PACKAGE_DESCRIPTION,
        "url": base_url + "/",
        "version": version,
        "dateModified": updated.replace(microsecond=0).isoformat() + "Z",
        "license": LICENSES[0]["path"],
        "isAccessibleForFree": True,
        "publisher": publisher,
        "creator": publisher,
        "keywords": keywords,
        "spatialCoverage": [place_node(place) for place in places],
        "isBasedOn": [
            {
                "@type": "NewsArticle",
                "headline": source["headline"],
                "publisher": {"@type": "Organization", "name": source["publisher"]},
                **({"datePublished": source["published"]} if source.get("published") else {}),
                **({"url": source["url"]} if source.get("url") else {}),
            }
            for source in sources
        ],
        "distribution": [
            {
                "@type": "DataDownload",
                "name": name,
                "contentUrl": api + path,
                "encodingFormat": media_type,
            }
            for name, path, media_type in downloads
        ],
    }
    if first_day and last_day:
        document["temporalCoverage"] = f"{first_day.isoformat()}/{last_day.isoformat()}"
    return json.dumps(document, ensure_ascii=False, indent=2).encode()
