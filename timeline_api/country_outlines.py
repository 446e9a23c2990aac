"""A representative point for each country, from Natural Earth's outlines.

The outlines are the 1:110m Natural Earth countries (public domain), vendored as TopoJSON
from the npm package world-atlas into timeline_api/data/ (this module owns them; the demo
map draws the same file, served from there). A country's representative
point is computed as GEOS's (and so Shapely's `representative_point()`) interior point
is: on the horizontal line through the middle of its largest polygon, the middle of the
widest stretch inside it. Unlike a centroid, it always lies inside the country (the US
point is in Kansas, not in the sea; Croatia's is in Croatia).
"""

import json
from functools import cache
from pathlib import Path

OUTLINES_FILE = Path(__file__).parent / "data/world-atlas/countries-110m.json"
OUTLINES_NAME = "Natural Earth 1:110m countries (world-atlas)"

Ring = list[tuple[float, float]]  # (longitude, latitude)
Polygon = list[Ring]  # the outer ring, then any holes


def _arcs(topology: dict) -> list[Ring]:
    """The topology's arcs as absolute positions (they are quantized and delta-encoded)."""
    (scale_x, scale_y), (shift_x, shift_y) = (
        topology["transform"]["scale"],
        topology["transform"]["translate"],
    )
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * scale_x + shift_x, y * scale_y + shift_y))
        arcs.append(points)
    return arcs


def _ring(indexes: list[int], arcs: list[Ring]) -> Ring:
    ring: Ring = []
    for index in indexes:
        points = arcs[index] if index >= 0 else arcs[~index][::-1]
        ring.extend(points[1:] if ring else points)  # arcs share their end points
    return ring


def _unwrapped(ring: Ring) -> Ring:
    """The ring with continuous longitudes: an outline across the 180° line (Fiji,
    Russia) otherwise jumps from +180 to -180 and its middle lands near 0°."""
    shift, previous, points = 0.0, ring[0][0], []
    for longitude, latitude in ring:
        if longitude - previous > 180:
            shift -= 360
        elif previous - longitude > 180:
            shift += 360
        previous = longitude
        points.append((longitude + shift, latitude))
    return points


def _edges(ring: Ring):
    """Each edge of a ring, the last point joined back to the first."""
    return zip(ring, ring[1:] + ring[:1], strict=True)


def _area(ring: Ring) -> float:
    """Planar area in square degrees (enough to tell the largest part of a country)."""
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in _edges(ring))) / 2


def interior_point(polygon: Polygon) -> tuple[float, float]:
    """(longitude, latitude) inside `polygon`: the middle of the widest inside stretch of
    the horizontal line halfway up its outer ring."""
    latitudes = [y for _, y in polygon[0]]
    scan = (min(latitudes) + max(latitudes)) / 2
    crossings = []
    for ring in polygon:
        for (x1, y1), (x2, y2) in _edges(ring):
            if (y1 <= scan < y2) or (y2 <= scan < y1):  # half-open: a vertex counts once
                crossings.append(x1 + (scan - y1) * (x2 - x1) / (y2 - y1))
    crossings.sort()
    stretches = list(zip(crossings[::2], crossings[1::2], strict=True))
    west, east = max(stretches, key=lambda stretch: stretch[1] - stretch[0])
    return ((west + east) / 2 + 540) % 360 - 180, scan  # back into -180..180


@cache
def representative_points() -> dict[int, tuple[float, float]]:
    """ISO 3166-1 numeric code -> (latitude, longitude) of each outlined country."""
    topology = json.loads(OUTLINES_FILE.read_text(encoding="utf-8"))
    arcs = _arcs(topology)
    points = {}
    for country in topology["objects"]["countries"]["geometries"]:
        if not country.get("id") or country["type"] not in ("Polygon", "MultiPolygon"):
            continue  # a disputed area without an ISO code
        parts = [country["arcs"]] if country["type"] == "Polygon" else country["arcs"]
        polygons = [[_unwrapped(_ring(ring, arcs)) for ring in part] for part in parts]
        largest = max(polygons, key=lambda polygon: _area(polygon[0]))
        longitude, latitude = interior_point(largest)
        points[int(country["id"])] = (round(latitude, 5), round(longitude, 5))
    return points
