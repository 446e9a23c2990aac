"""Each country's representative point lies inside that country's outline."""

import json

from timeline_api import country_outlines


def _unwrapped(ring):
    """The ring with continuous longitudes (an outline across 180° does not jump)."""
    shift, previous, points = 0.0, None, []
    for longitude, latitude in ring:
        if previous is not None:
            if longitude - previous > 180:
                shift -= 360
            elif previous - longitude > 180:
                shift += 360
        previous = longitude
        points.append((longitude + shift, latitude))
    return points


def _inside(x, y, polygon) -> bool:
    """Even-odd rule over the polygon's rings."""
    inside = False
    for ring in polygon:
        for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
            if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
                inside = not inside
    return inside


def _countries():
    topology = json.loads(country_outlines.OUTLINES_FILE.read_text(encoding="utf-8"))
    arcs = country_outlines._arcs(topology)
    for country in topology["objects"]["countries"]["geometries"]:
        if not country.get("id") or country["type"] not in ("Polygon", "MultiPolygon"):
            continue
        parts = [country["arcs"]] if country["type"] == "Polygon" else country["arcs"]
        yield (
            int(country["id"]),
            [[_unwrapped(country_outlines._ring(ring, arcs)) for ring in part] for part in parts],
        )


def test_every_point_is_inside_its_country():
    points = country_outlines.representative_points()
    outside = []
    for code, polygons in _countries():
        latitude, longitude = points[code]
        assert -180 <= longitude <= 180
        if not any(
            _inside(x, latitude, polygon)
            for polygon in polygons
            for x in (longitude - 360, longitude, longitude + 360)
        ):
            outside.append((code, latitude, longitude))
    assert outside == []


def test_fiji_point_is_in_fiji():
    latitude, longitude = country_outlines.representative_points()[242]
    assert -21 < latitude < -12
    assert longitude > 176 or longitude < -178
