"""Small SVG illustrations drawn from a seed: a portrait placeholder (initials on a colour) and
a street scene. The demo gives them to its advisors and stories, labelled as illustrations:
they are not photographs of anyone. Same seed, same picture, byte for byte.
"""

from __future__ import annotations

import random
from xml.sax.saxutils import escape

# Dark enough for white text (contrast ≥ 4.5:1).
PALETTE = ("#0B5FA5", "#A4262C", "#1B6E3A", "#6B3FA0", "#8A4B08", "#0F6E6E", "#B0306A", "#3D4E8A")
SKIES = (("#FDE68A", "#F59E0B"), ("#BFDBFE", "#60A5FA"), ("#FBCFE8", "#F472B6"),
         ("#C7F9CC", "#38B000"), ("#E9D5FF", "#A78BFA"))  # fmt: skip


def initials(name: str) -> str:
    parts = [p for p in name.replace("-", " ").split() if p[:1].isalpha()]
    letters = "".join(p[0] for p in parts[:2]) or "?"
    return letters.upper()


def avatar_svg(name: str, *, seed: str = "") -> str:
    """A round portrait placeholder: the initials of `name` on a colour chosen by `seed`."""
    rng = random.Random(seed or name)  # noqa: S311 - a picture, not a secret
    colour = rng.choice(PALETTE)
    label = escape(f"Illustration : initiales de {name}")
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 160 160" width="160" height="160" '
        f'role="img" aria-label="{label}"><title>{label}</title>'
        f'<rect width="160" height="160" rx="80" fill="{colour}"/>'
        '<circle cx="80" cy="178" r="62" fill="#ffffff" fill-opacity="0.18"/>'
        '<text x="80" y="96" text-anchor="middle" font-family="system-ui,sans-serif" '
        f'font-size="56" font-weight="700" fill="#ffffff">{escape(initials(name))}</text></svg>'
    )


def scene_svg(seed: str, *, title: str = "") -> str:
    """A 16:9 street scene (sky, sun, buildings with lit windows, a park) drawn from `seed`."""
    rng = random.Random(seed)  # noqa: S311 - a picture, not a secret
    top, bottom = rng.choice(SKIES)
    label = escape(f"Illustration{' : ' + title if title else ''}")
    shapes = [
        '<defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1">'
        f'<stop offset="0" stop-color="{top}"/><stop offset="1" stop-color="{bottom}"/>'
        "</linearGradient></defs>",
        '<rect width="640" height="360" fill="url(#sky)"/>',
        f'<circle cx="{rng.randint(60, 580)}" cy="{rng.randint(50, 120)}" '
        f'r="{rng.randint(26, 44)}" fill="#FFF7D6" fill-opacity="0.9"/>',
    ]
    x = rng.randint(-30, 0)
    while x < 640:
        width, height = rng.randint(50, 95), rng.randint(110, 250)
        colour = rng.choice(PALETTE)
        shapes.append(
            f'<rect x="{x}" y="{300 - height}" width="{width}" height="{height + 60}" '
            f'fill="{colour}"/>'
        )
        for wy in range(300 - height + 14, 290, 26):
            for wx in range(x + 10, x + width - 14, 20):
                if rng.random() < 0.45:
                    shapes.append(
                        f'<rect x="{wx}" y="{wy}" width="10" height="14" fill="#FFE8A3"/>'
                    )
        x += width + rng.randint(4, 18)
    shapes.append(
        f'<path d="M0 300 Q 160 {rng.randint(270, 300)} 320 300 T 640 300 V 360 H 0 Z" '
        'fill="#2F7D32"/>'
    )
    for _ in range(rng.randint(3, 6)):
        tx = rng.randint(20, 620)
        shapes.append(
            f'<rect x="{tx - 3}" y="292" width="6" height="26" fill="#5B3A1E"/>'
            f'<circle cx="{tx}" cy="286" r="{rng.randint(12, 20)}" fill="#3F9142"/>'
        )
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 640 360" width="640" height="360" '
        f'role="img" aria-label="{label}"><title>{label}</title>{"".join(shapes)}</svg>'
    )


def panorama_webp(seed: str, *, width: int = 2048) -> bytes:
    """A 360° equirectangular panorama (2:1 WebP, `width` wide) of a simple place drawn from
    `seed`: a sky fading to the horizon, a sun, a floor, walls with windows and doors all the
    way round (the left and right edges meet). A 360° viewer needs a raster image: not SVG.
    WebP, like the panoramas staff upload (catalogue re-encodes them so)."""
    return _webp(_panorama(seed, width=width))


def place_photo_webp(seed: str, *, width: int = 960) -> bytes:
    """A 16:10 raster view of a place drawn from `seed` (a slice of its panorama around the
    horizon), for a welcome booklet's photo, which must be a raster image too."""
    image = _panorama(seed, width=width * 2)
    top = image.height // 2 - width * 5 // 16
    return _webp(image.crop((width // 2, top, width // 2 + width, top + width * 10 // 16)))


def _webp(image) -> bytes:
    import io

    out = io.BytesIO()
    image.save(out, format="WEBP", quality=80, method=4)
    return out.getvalue()


def _panorama(seed: str, *, width: int):
    from PIL import Image, ImageDraw

    rng = random.Random(seed)  # noqa: S311 - a picture, not a secret
    height = width // 2
    horizon = height // 2
    top, bottom = (_rgb(c) for c in rng.choice(SKIES))
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(horizon):  # sky: top colour at the zenith, bottom colour at the horizon
        t = y / horizon
        draw.line([(0, y), (width, y)], fill=_mix(top, bottom, t))
    floor_near, floor_far = _rgb("#8C7B6B"), _rgb("#C9B8A6")
    for y in range(horizon, height):  # floor: lighter far away, darker under the viewer
        draw.line([(0, y), (width, y)], fill=_mix(floor_far, floor_near, (y - horizon) / horizon))
    sun_x, sun_y, r = rng.randrange(width), rng.randint(height // 10, height // 4), width // 60
    draw.ellipse([sun_x - r, sun_y - r, sun_x + r, sun_y + r], fill=_rgb("#FFF7D6"))
    # Walls round the room, from a random start so that each place differs; the last one
    # crosses the right edge and is drawn again on the left, so the two edges meet.
    start = x = rng.randrange(width // 8)
    base = horizon + height // 24
    while x < width + start:
        wall = rng.randint(width // 12, width // 6)
        colour = _rgb(rng.choice(PALETTE))
        wall_top = horizon - rng.randint(height // 10, height // 5)
        door = wall // 4 if rng.random() < 0.3 else 0
        for left in (x, x - width):
            draw.rectangle([left, wall_top, left + wall - 4, base], fill=colour)
            if door:
                middle = left + wall // 2
                draw.rectangle(
                    [middle - door // 2, base - height // 9, middle + door // 2, base],
                    fill=_rgb("#3B2F2A"),
                )
            for wx in range(left + 12, left + wall - 28, 36):  # windows
                draw.rectangle([wx, wall_top + 14, wx + 20, wall_top + 36], fill=_rgb("#FFE8A3"))
        x += wall
    return image


def _rgb(colour: str) -> tuple[int, int, int]:
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _mix(a: tuple[int, int, int], b: tuple[int, int, int], t: float) -> tuple[int, int, int]:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))
