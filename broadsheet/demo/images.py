"""Generated lead and inline images: abstract geometric compositions in a section's palette."""

from __future__ import annotations

import io
import random
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFilter, ImageOps

LEAD_SIZE = (1200, 675)
INLINE_SIZE = (800, 450)
CREDIT = "Broadsheet Daily Studio (illustration)"

# Background dark, background light, then accents; chosen so each section reads differently.
PALETTES: dict[str, tuple[str, ...]] = {
    "us-news": ("#13233f", "#3a5a8c", "#e4572e", "#f3f1ea", "#9ab8d6"),
    "politics": ("#2b1331", "#7a2e4f", "#f2b134", "#e9e4f0", "#d1495b"),
    "business": ("#0f2e2a", "#1f6f62", "#f4d35e", "#ee964b", "#e8f1ec"),
    "technology": ("#0b1026", "#283593", "#00e5ff", "#ff4081", "#c5cae9"),
    "science": ("#082032", "#2c394b", "#ff4c29", "#7fd1ae", "#f7f7f2"),
    "books": ("#3d2b1f", "#8c5e3c", "#f2e3c6", "#c44536", "#283d3b"),
    "film": ("#111111", "#3b3b58", "#e63946", "#f1faee", "#f4a261"),
    "music": ("#240046", "#5a189a", "#ff9e00", "#ff5d8f", "#e0aaff"),
    "television": ("#03045e", "#0077b6", "#ffb703", "#fb8500", "#caf0f8"),
    "lifestyle": ("#3a5a40", "#a3b18a", "#f28482", "#f6bd60", "#fefae0"),
}
DEFAULT_PALETTE = ("#1d3557", "#457b9d", "#e63946", "#f1faee", "#a8dadc")


@dataclass(frozen=True)
class GeneratedImage:
    data: bytes
    width: int
    height: int


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    value = hex_colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _shape(draw: ImageDraw.ImageDraw, rng: random.Random, size: tuple[int, int], colour: str) -> None:
    width, height = size
    fill = (*_rgb(colour), rng.randint(90, 200))
    kind = rng.choice(("circle", "circle", "ring", "bar", "triangle", "arc"))
    x, y = rng.uniform(-0.1, 1.1) * width, rng.uniform(-0.1, 1.1) * height
    r = rng.uniform(0.08, 0.35) * height
    if kind == "circle":
        draw.ellipse((x - r, y - r, x + r, y + r), fill=fill)
    elif kind == "ring":
        draw.ellipse((x - r, y - r, x + r, y + r), outline=fill, width=max(4, int(r / 6)))
    elif kind == "bar":
        angle_box = (x - r * 2, y - r / 5, x + r * 2, y + r / 5)
        draw.rounded_rectangle(angle_box, radius=int(r / 5), fill=fill)
    elif kind == "triangle":
        points = [(x + rng.uniform(-r, r) * 1.5, y + rng.uniform(-r, r) * 1.5) for _ in range(3)]
        draw.polygon(points, fill=fill)
    else:
        start = rng.randint(0, 360)
        draw.arc((x - r, y - r, x + r, y + r), start, start + rng.randint(90, 270), fill=fill, width=12)


def compose(section_slug: str, seed: int, size: tuple[int, int] = LEAD_SIZE) -> GeneratedImage:
    """Draw one reproducible composition for `section_slug` and return it as JPEG bytes."""
    rng = random.Random(seed)
    palette = PALETTES.get(section_slug, DEFAULT_PALETTE)
    width, height = size
    # Quarter turns only: any other angle would leave black corners on the square gradient.
    gradient = Image.linear_gradient("L").rotate(rng.choice((0, 90, 180, 270)))
    background = ImageOps.colorize(gradient.resize(size), palette[0], palette[1]).convert("RGBA")

    # Soft, blurred shapes behind give depth; crisp ones in front give the composition.
    back = Image.new("RGBA", size, (0, 0, 0, 0))
    back_draw = ImageDraw.Draw(back)
    for _ in range(rng.randint(3, 5)):
        _shape(back_draw, rng, size, rng.choice(palette[2:]))
    background = Image.alpha_composite(background, back.filter(ImageFilter.GaussianBlur(height / 30)))
    front = Image.new("RGBA", size, (0, 0, 0, 0))
    front_draw = ImageDraw.Draw(front)
    for _ in range(rng.randint(4, 8)):
        _shape(front_draw, rng, size, rng.choice(palette[2:]))
    # A faint grid: the "broadsheet columns" motif shared by every image.
    grid = (*_rgb(palette[-1]), 28)
    for column in range(1, 6):
        front_draw.line([(column * width / 6, 0), (column * width / 6, height)], fill=grid, width=2)
    image = Image.alpha_composite(background, front).convert("RGB")

    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80, optimize=True, progressive=True)
    return GeneratedImage(buffer.getvalue(), width, height)
