"""What every export needs besides the events: a title, absolute URLs, the data's timestamp."""

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class ExportContext:
    """Request- and dataset-level facts the route passes to every serializer.

    `updated` is when the data last changed; serializers use it for every "updated" or
    DTSTAMP value instead of the current time, so output stays byte-stable for ETags.
    """

    title: str
    base_url: str
    self_url: str
    updated: dt.datetime
    sources: dict[str, dict]

    @property
    def updated_utc(self) -> dt.datetime:
        """`updated` as an aware UTC datetime (a naive value is taken to be UTC already)."""
        if self.updated.tzinfo is None:
            return self.updated.replace(tzinfo=dt.UTC)
        return self.updated.astimezone(dt.UTC)

    def absolute_url(self, url: str) -> str:
        """`url` as is when absolute (the API's `url` fields are), else on the API host."""
        if url.startswith(("http://", "https://")):
            return url
        return self.base_url + url

    def sources_of(self, event: dict) -> list[dict]:
        """The event's sources, in citation order.

        A slug missing from `sources` is the route's bug, so it raises KeyError rather than
        silently dropping a citation from the export.
        """
        return [self.sources[source["slug"]] for source in event["sources"]]
