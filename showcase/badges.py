"""The label's badge for a laureate — "Label Territoire Innovant <year> — <level>" — as SVG and as PNG.

A badge is the same for every laureate of a year and level, so each file is made once per year, level, format
and size, and kept in the public media storage (``badges/v<version>/label-territoire-innovant-2020-or-256.png``):
it outlives a restart and a cleared cache, is shared by every process and server (``STORAGE_URL``), and costs no
memory in Redis. A change of design moves to a new ``DESIGN_VERSION``, hence to new files.

The SVG comes from ``templates/showcase/badge.svg``; Pillow cannot read SVG, so the PNG draws the same shapes and
words itself, four times larger, then reduces (smooth edges), with the FreeType font Pillow ships: nothing
depends on the fonts of the machine. The badge is the label's French mark: its words are French for everyone.
"""

from dataclasses import dataclass
from io import BytesIO

from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from PIL import Image, ImageDraw, ImageFont

from events.storage import public_storage
from label.models import Level, Status

from .models import PublishedProject

DESIGN_VERSION = 1
SIZES = (128, 256, 512)
SVG_SIZE = 256
SUPERSAMPLING = 4
NAVY, RED, WHITE = "#000091", "#e1000f", "#ffffff"


@dataclass(frozen=True)
class Style:
    word: str
    slug: str
    medal: str
    border: str
    ribbon: str
    ink: str


# The colours of the level badges of the site (static/css/brand.css); a laureate of an edition without levels
# gets the label's navy.
STYLES = {
    Level.GOLD: Style("OR", "or", medal="#d9ab2b", border="#c8a02c", ribbon="#fbe7a1", ink="#5c4400"),
    Level.SILVER: Style("ARGENT", "argent", medal="#b4bcc8", border="#98a2b3", ribbon="#e7eaef", ink="#3b4351"),
    Level.BRONZE: Style("BRONZE", "bronze", medal="#c47a45", border="#b26b3c", ribbon="#f7dcc7", ink="#6e3514"),
    "": Style("LAURÉAT", "laureat", medal=NAVY, border=NAVY, ribbon="#f3f3fd", ink=NAVY),
}


@dataclass(frozen=True)
class Badge:
    year: int
    level: str  # a Level value, or "" for a laureate without level

    @property
    def style(self):
        return STYLES[self.level]

    @property
    def title(self):
        return f"Label Territoire Innovant {self.year} — {self.style.word.capitalize()}"

    def filename(self, size=None):
        """``label-territoire-innovant-2020-or.svg``, or with ``size`` ``…-or-256.png``: what a download is named."""
        stem = f"label-territoire-innovant-{self.year}-{self.style.slug}"
        return f"{stem}-{size}.png" if size else f"{stem}.svg"


def for_candidature(candidature):
    """The badge of a laureate candidature (its ``edition`` read), or None."""
    if candidature.status != Status.LAUREATE:
        return None
    return Badge(candidature.edition.year, candidature.outcome_level or "")


def for_project(project):
    """The badge of a published project: only a laureate's (a shortlisted project is not labelled), or None."""
    if project.distinction != PublishedProject.Distinction.LAUREATE:
        return None
    return Badge(project.year, project.level or "")


def svg(badge):
    """The badge's SVG document (bytes), made once."""
    return _kept(badge.filename(), lambda: _svg_markup(badge, SVG_SIZE).encode())


def png(badge, size):
    """The badge's PNG (bytes) at ``size`` pixels square, one of ``SIZES``, made once."""
    if size not in SIZES:
        raise ValueError(f"a badge is drawn at {SIZES}, not {size}")
    return _kept(badge.filename(size), lambda: _drawn_png(badge, size))


def inline_svg(badge, size):
    """The badge's markup to place in a page (the rules of use show it)."""
    return _svg_markup(badge, size)


def _svg_markup(badge, size):
    return render_to_string("showcase/badge.svg", {"badge": badge, "size": size})


def _kept(filename, make):
    """The stored file's bytes; made and stored first when absent. Two processes making it at once store it
    once: the second copy (stored under another name) is dropped."""
    storage = public_storage()
    name = f"badges/v{DESIGN_VERSION}/{filename}"
    if storage.exists(name):
        with storage.open(name, "rb") as stored:
            return stored.read()
    content = make()
    saved = storage.save(name, ContentFile(content))
    if saved != name:
        storage.delete(saved)
    return content


# --- the PNG: the SVG's shapes and words, drawn with Pillow -------------------------------------------------


def _drawn_png(badge, size):
    scale = size * SUPERSAMPLING / SVG_SIZE
    image = Image.new("RGBA", (round(SVG_SIZE * scale),) * 2, (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    style = badge.style

    def at(*values):
        return [value * scale for value in values]

    def circle(radius, fill, outline, width):
        # An SVG stroke straddles the circle; Pillow's outline lies inside the box: the box grows by half of it.
        outer = radius + width / 2
        draw.ellipse(at(128 - outer, 128 - outer, 128 + outer, 128 + outer), fill, outline, round(width * scale))

    circle(122, style.medal, style.border, 4)
    circle(104, WHITE, style.border, 2)
    _mark(draw, at, left=99.2, top=26, factor=0.9)
    _words(draw, at, scale, "LABEL TERRITOIRE", 106, 15, NAVY)
    _words(draw, at, scale, "INNOVANT", 124, 15, NAVY)
    _words(draw, at, scale, str(badge.year), 166, 40, NAVY)
    draw.rounded_rectangle(
        at(36, 180, 220, 212), radius=6 * scale, fill=style.ribbon, outline=style.border, width=round(2 * scale)
    )
    _words(draw, at, scale, style.word, 203, 19, style.ink)

    output = BytesIO()
    image.resize((size, size), Image.Resampling.LANCZOS).save(output, format="PNG", optimize=True)
    return output.getvalue()


def _mark(draw, at, left, top, factor):
    """The label's mark (static/img/logo.svg): a navy pin, a white hexagon, a red star."""

    def placed(points):
        return at(*[coordinate for x, y in points for coordinate in (left + x * factor, top + y * factor)])

    # The pin: a disc of radius 22 around (32, 26) drawn down to a point at (32, 62).
    draw.ellipse(placed([(10, 4), (54, 48)]), fill=NAVY)
    draw.polygon(placed([(32, 62), (14.585, 39.444), (49.415, 39.444)]), fill=NAVY)
    hexagon = [(32, 13), (43.258, 19.5), (43.258, 32.5), (32, 39), (20.742, 32.5), (20.742, 19.5)]
    draw.polygon(placed(hexagon), fill=WHITE)
    star = [(32, 18.5), (33.9, 24.1), (39.5, 26), (33.9, 27.9), (32, 33.5), (30.1, 27.9), (24.5, 26), (30.1, 24.1)]
    draw.polygon(placed(star), fill=RED)


def _words(draw, at, scale, words, baseline, font_size, fill):
    """``words`` centred on x = 128 with their baseline at ``baseline``, bold (a stroke of their own colour).

    Pillow's font has no accented capitals: an É is drawn as an E with its accent above it.
    """
    font = ImageFont.load_default(size=font_size * scale)
    plain = words.replace("É", "E")
    x, y = at(128, baseline)
    draw.text((x, y), plain, font=font, fill=fill, anchor="ms", stroke_width=round(0.6 * scale), stroke_fill=fill)
    start = x - font.getlength(plain) / 2
    for index, letter in enumerate(words):
        if letter == "É":
            left = start + font.getlength(plain[:index])
            width = font.getlength("E")
            top = y - font_size * scale * 0.95
            accent = [
                (left + width * 0.45, top),
                (left + width * 0.8, top - font_size * scale * 0.22),
                (left + width * 1.0, top - font_size * scale * 0.16),
                (left + width * 0.6, top + font_size * scale * 0.03),
            ]
            draw.polygon(accent, fill=fill)
