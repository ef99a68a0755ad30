"""geo:: functions and the global geo() constructor, in pure Python.

Geometry is GeoJSON (lng, lat order) or Sanity's `{"lat", "lng"}` point objects. Containment
and intersection use planar geometry on longitude/latitude, which is exact for points and
good for the region sizes content uses; distance is the haversine great-circle distance on
a sphere of the WGS84 equatorial radius (what Sanity returns).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from ..values import is_number
from .registry import eager

if TYPE_CHECKING:
    from ..runtime import Scope

EARTH_RADIUS_M = 6378137.0
Point = tuple[float, float]


class Shape:
    """A geometry flattened into points, polylines and polygons (rings: outer first)."""

    __slots__ = ("points", "lines", "polygons", "geojson")

    def __init__(self, geojson: dict) -> None:
        self.geojson = geojson
        self.points: list[Point] = []
        self.lines: list[list[Point]] = []
        self.polygons: list[list[list[Point]]] = []

    def segments(self) -> list[tuple[Point, Point]]:
        out = []
        for line in self.lines:
            out.extend(zip(line, line[1:], strict=False))
        for polygon in self.polygons:
            for ring in polygon:
                out.extend(zip(ring, ring[1:], strict=False))
        return out

    def vertices(self) -> list[Point]:
        out = list(self.points)
        for line in self.lines:
            out.extend(line)
        for polygon in self.polygons:
            out.extend(polygon[0])
        return out


def _position(value: object) -> Point | None:
    if type(value) is list and len(value) >= 2 and is_number(value[0]) and is_number(value[1]):
        return (float(value[0]), float(value[1]))
    return None


def _positions(value: object, minimum: int) -> list[Point] | None:
    if type(value) is not list or len(value) < minimum:
        return None
    out = []
    for item in value:
        p = _position(item)
        if p is None:
            return None
        out.append(p)
    return out


def _polygon(value: object) -> list[list[Point]] | None:
    if type(value) is not list or not value:
        return None
    rings = []
    for ring in value:
        positions = _positions(ring, 4)
        if positions is None or any(p == q for p, q in zip(positions, positions[1:], strict=False)):
            return None  # rings repeating a vertex in a row are degenerate
        if _self_intersecting(positions):
            return None
        rings.append(positions)
    return rings


def _self_intersecting(ring: list[Point]) -> bool:
    """Whether two non-adjacent edges cross: a sweep over x so large rings stay cheap."""
    n = len(ring) - 1
    edges = []
    for i in range(n):
        (x1, y1), (x2, y2) = ring[i], ring[i + 1]
        edges.append((min(x1, x2), max(x1, x2), min(y1, y2), max(y1, y2), i))
    edges.sort()
    active: list[tuple] = []
    for edge in edges:
        minx, _, miny, maxy, i = edge
        active = [e for e in active if e[1] >= minx]
        for other in active:
            j = other[4]
            if abs(i - j) == 1 or abs(i - j) == n - 1 or other[3] < miny or other[2] > maxy:
                continue
            if _segments_cross(ring[i], ring[i + 1], ring[j], ring[j + 1]):
                return True
        active.append(edge)
    return False


_SHAPES: dict[int, tuple[object, Shape | None]] = {}


def to_shape(value: object) -> Shape | None:
    """Parses a geo value (memoised per object: documents are immutable while queried)."""
    if type(value) is not dict:
        return None
    hit = _SHAPES.get(id(value))
    if hit is not None and hit[0] is value:
        return hit[1]
    shape = _parse_shape(value)
    if len(_SHAPES) > 4096:
        _SHAPES.clear()
    _SHAPES[id(value)] = (value, shape)
    return shape


def _parse_shape(value: dict) -> Shape | None:
    if "type" not in value and "lat" in value and ("lng" in value or "lon" in value):
        if "lon" in value and "lng" in value:  # the spec allows one of them, not both
            return None
        lat, lng = value["lat"], value["lng" if "lng" in value else "lon"]
        if not (is_number(lat) and is_number(lng)):
            return None
        shape = Shape({"type": "Point", "coordinates": [lng, lat]})
        shape.points.append((float(lng), float(lat)))
        return shape
    kind, coords = value.get("type"), value.get("coordinates")
    shape = Shape({"type": kind, "coordinates": coords})
    if kind == "Point":
        p = _position(coords)
        if p is None:
            return None
        shape.points.append(p)
    elif kind == "MultiPoint":
        ps = _positions(coords, 1)
        if ps is None:
            return None
        shape.points.extend(ps)
    elif kind == "LineString":
        ps = _positions(coords, 2)
        if ps is None:
            return None
        shape.lines.append(ps)
    elif kind == "MultiLineString":
        if type(coords) is not list or not coords:
            return None
        for line in coords:
            ps = _positions(line, 2)
            if ps is None:
                return None
            shape.lines.append(ps)
    elif kind == "Polygon":
        rings = _polygon(coords)
        if rings is None:
            return None
        shape.polygons.append(rings)
    elif kind == "MultiPolygon":
        if type(coords) is not list or not coords:
            return None
        for polygon in coords:
            rings = _polygon(polygon)
            if rings is None:
                return None
            shape.polygons.append(rings)
    elif kind == "GeometryCollection":
        members = value.get("geometries")
        if type(members) is not list or not members:
            return None
        shape.geojson = {"type": kind, "geometries": members}
        for member in members:
            inner = _parse_shape(member) if type(member) is dict and "type" in member else None
            if inner is None or inner.geojson["type"] == "GeometryCollection":
                return None
            shape.points.extend(inner.points)
            shape.lines.extend(inner.lines)
            shape.polygons.extend(inner.polygons)
    else:
        return None
    return shape


# Planar primitives ------------------------------------------------------------------------


def _orient(a: Point, b: Point, c: Point) -> float:
    return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])


def _on_segment(p: Point, a: Point, b: Point) -> bool:
    return (
        _orient(a, b, p) == 0
        and min(a[0], b[0]) <= p[0] <= max(a[0], b[0])
        and min(a[1], b[1]) <= p[1] <= max(a[1], b[1])
    )


def _segments_intersect(a: Point, b: Point, c: Point, d: Point) -> bool:
    o1, o2, o3, o4 = _orient(a, b, c), _orient(a, b, d), _orient(c, d, a), _orient(c, d, b)
    if (
        ((o1 > 0) != (o2 > 0))
        and o1 != 0
        and o2 != 0
        and ((o3 > 0) != (o4 > 0))
        and o3 != 0
        and o4 != 0
    ):
        return True
    return (
        _on_segment(c, a, b) or _on_segment(d, a, b) or _on_segment(a, c, d) or _on_segment(b, c, d)
    )


def _segments_cross(a: Point, b: Point, c: Point, d: Point) -> bool:
    """Proper crossing: the interiors cross at one point (touching does not count)."""
    o1, o2, o3, o4 = _orient(a, b, c), _orient(a, b, d), _orient(c, d, a), _orient(c, d, b)
    return o1 * o2 < 0 and o3 * o4 < 0


def _in_ring(p: Point, ring: list[Point]) -> bool:
    x, y = p
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y1 > y) != (y2 > y):
            xi = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
            if x < xi:
                inside = not inside
    return inside


def _on_boundary(p: Point, polygon: list[list[Point]]) -> bool:
    return any(
        _on_segment(p, a, b) for ring in polygon for a, b in zip(ring, ring[1:], strict=False)
    )


def _in_polygon(p: Point, polygon: list[list[Point]]) -> bool:
    if _on_boundary(p, polygon):
        return True
    if not _in_ring(p, polygon[0]):
        return False
    return not any(_in_ring(p, hole) for hole in polygon[1:])


def _point_in_shape(p: Point, shape: Shape) -> bool:
    if any(p == q for q in shape.points):
        return True
    if any(
        _on_segment(p, a, b) for line in shape.lines for a, b in zip(line, line[1:], strict=False)
    ):
        return True
    return any(_in_polygon(p, polygon) for polygon in shape.polygons)


def intersects(a: Shape, b: Shape) -> bool:
    if any(_point_in_shape(p, b) for p in a.vertices()):
        return True
    if any(_point_in_shape(p, a) for p in b.vertices()):
        return True
    segs_b = b.segments()
    return any(_segments_intersect(p, q, r, s) for p, q in a.segments() for r, s in segs_b)


def contains(a: Shape, b: Shape) -> bool:
    """Whether every part of b lies inside a (only areas can contain anything but points)."""
    if not a.polygons:
        return all(_point_in_shape(p, a) for p in b.vertices()) and not (b.lines or b.polygons)
    for p in b.vertices():
        if not any(_in_polygon(p, polygon) for polygon in a.polygons):
            return False
    boundary = [
        (p, q)
        for polygon in a.polygons
        for ring in polygon
        for p, q in zip(ring, ring[1:], strict=False)
    ]
    return not any(_segments_cross(p, q, r, s) for p, q in b.segments() for r, s in boundary)


def haversine(a: Point, b: Point) -> float:
    phi1, phi2 = math.radians(a[1]), math.radians(b[1])
    d_phi = phi2 - phi1
    d_lambda = math.radians(b[0] - a[0])
    h = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))


# Registered functions ---------------------------------------------------------------------


@eager("global", "geo", 1)
def geo(scope: Scope, value: object) -> object:
    shape = to_shape(value)
    return None if shape is None else shape.geojson


@eager("geo", "latLng", 2)
def lat_lng(scope: Scope, lat: object, lng: object) -> object:
    if not (is_number(lat) and is_number(lng)):
        return None
    return {"type": "Point", "coordinates": [lng, lat]}


@eager("geo", "contains", 2)
def geo_contains(scope: Scope, a: object, b: object) -> object:
    sa, sb = to_shape(a), to_shape(b)
    if sa is None or sb is None:
        return None
    return contains(sa, sb)


@eager("geo", "intersects", 2)
def geo_intersects(scope: Scope, a: object, b: object) -> object:
    sa, sb = to_shape(a), to_shape(b)
    if sa is None or sb is None:
        return None
    return intersects(sa, sb)


@eager("geo", "distance", 2)
def geo_distance(scope: Scope, a: object, b: object) -> object:
    sa, sb = to_shape(a), to_shape(b)
    if sa is None or sb is None:
        return None
    if sa.geojson.get("type") != "Point" or sb.geojson.get("type") != "Point":
        return None
    return haversine(sa.points[0], sb.points[0])
