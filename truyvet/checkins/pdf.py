"""Printable PDFs: badge sheets (A4, ten cards a page) and place posters (A4).

QR codes are drawn as vector rectangles (one per run of dark modules), which is
much faster than embedding an image per code. Vietnamese text needs a TTF font
with its glyphs: DejaVu Sans from the system fonts when present, else any font
found by `fc-match`; reportlab's own Vera lacks Vietnamese.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import segno
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

FONT_CANDIDATES = [
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/dejavu/DejaVuSans.ttf", "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf"),
]

Progress = Callable[[int], None]


@lru_cache(maxsize=1)
def fonts() -> tuple[str, str]:
    """(regular, bold) font names registered with reportlab."""
    paths = next(((r, b) for r, b in FONT_CANDIDATES if Path(r).exists()), None)
    if paths is None and shutil.which("fc-match"):
        found = subprocess.run(["fc-match", "-f", "%{file}", "sans:lang=vi"], capture_output=True,
                               text=True, timeout=10).stdout.strip()
        if found.endswith(".ttf"):
            paths = (found, found)
    if paths is None:
        return "Helvetica", "Helvetica-Bold"  # no Vietnamese glyphs: last resort
    regular, bold = paths
    pdfmetrics.registerFont(TTFont("TVSans", regular))
    pdfmetrics.registerFont(TTFont("TVSans-Bold", bold if Path(bold).exists() else regular))
    return "TVSans", "TVSans-Bold"


def draw_qr(c: Canvas, text: str, x: float, y: float, size: float, error: str = "m") -> None:
    """A QR code of `text` with its lower-left corner at (x, y), `size` wide,
    including a 2-module quiet zone. A fixed mask skips segno's (slow) mask
    scoring; the operators are written in module units (integers), one
    rectangle per run of dark modules."""
    matrix = segno.make(text, error=error, micro=False, mask=2, boost_error=False).matrix
    n = len(matrix) + 4
    m = size / n
    ops = []
    for r, row in enumerate(matrix):
        col, width = 0, len(row)
        while col < width:
            if row[col]:
                start = col
                while col < width and row[col]:
                    col += 1
                ops.append(f"{start} {r} {col - start} 1 re")
            else:
                col += 1
    c.saveState()
    c.setFillColorRGB(0, 0, 0)
    # Module (col, row) -> page: x + (2 + col) * m, top - row * m (rows go down).
    c.transform(m, 0, 0, -m, x + 2 * m, y + size - 2 * m)
    c._code.append("\n".join(ops) + "\nf")  # raw path operators: fill
    c.restoreState()


def _fit(c: Canvas, text: str, font: str, size: float, width: float) -> str:
    if c.stringWidth(text, font, size) <= width:
        return text
    while text and c.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


@dataclass(frozen=True)
class BadgeCard:
    name: str
    enterprise: str
    team: str
    token: str
    serial: str


CARD_W, CARD_H = 85.6 * mm, 54 * mm
COLS, ROWS = 2, 5


def badge_sheets(cards: Iterable[BadgeCard], progress: Progress | None = None) -> bytes:
    """Badge cards, ten to an A4 page, with cut lines, a photo box and the QR."""
    regular, bold = fonts()
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4, pageCompression=1)
    c.setTitle(_("Badges"))
    page_w, page_h = A4
    mx = (page_w - COLS * CARD_W) / 2
    my = (page_h - ROWS * CARD_H) / 2
    i = 0
    for i, card in enumerate(cards, start=1):
        slot = (i - 1) % (COLS * ROWS)
        if slot == 0 and i > 1:
            c.showPage()
        col, row = slot % COLS, slot // COLS
        x = mx + col * CARD_W
        y = page_h - my - (row + 1) * CARD_H
        _badge(c, card, x, y, regular, bold)
        if progress and i % 200 == 0:
            progress(i)
    if i == 0:
        c.setFont(regular, 12)
        c.drawString(20 * mm, page_h - 30 * mm, _("Nobody to print."))
    c.save()
    if progress:
        progress(i)
    return buf.getvalue()


def _badge(c: Canvas, card: BadgeCard, x: float, y: float, regular: str, bold: str) -> None:
    c.setLineWidth(0.3)
    c.setStrokeGray(0.6)
    c.rect(x, y, CARD_W, CARD_H)
    pad = 3 * mm
    photo_w, photo_h = 20 * mm, 26 * mm
    c.rect(x + pad, y + CARD_H - pad - photo_h, photo_w, photo_h)
    c.setFont(regular, 6)
    c.setFillGray(0.5)
    c.drawCentredString(x + pad + photo_w / 2, y + CARD_H - pad - photo_h / 2, _("Photo 3x4"))
    c.setFillGray(0)
    qr = 30 * mm
    draw_qr(c, card.token, x + CARD_W - pad - qr, y + CARD_H - pad - qr, qr)
    text_x = x + pad
    width = CARD_W - 2 * pad
    c.setFont(bold, 10)
    c.drawString(text_x, y + 15 * mm, _fit(c, card.name, bold, 10, width))
    c.setFont(regular, 7.5)
    c.drawString(text_x, y + 10.5 * mm, _fit(c, card.enterprise, regular, 7.5, width))
    c.drawString(text_x, y + 7 * mm, _fit(c, card.team, regular, 7.5, width))
    c.setFont(regular, 6)
    c.setFillGray(0.4)
    c.drawString(text_x, y + 3 * mm, f"TruyVết · {card.serial[-6:]}")
    c.setFillGray(0)


@dataclass(frozen=True)
class PosterPlace:
    name: str
    kind: str
    enterprise: str
    url: str


def posters(places: Iterable[PosterPlace], progress: Progress | None = None) -> bytes:
    """One A4 poster per place: name, kind, enterprise, the QR of its check-in URL
    and short instructions."""
    regular, bold = fonts()
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4, pageCompression=1)
    c.setTitle(_("Check-in posters"))
    w, h = A4
    i = 0
    for i, p in enumerate(places, start=1):
        if i > 1:
            c.showPage()
        c.setFont(bold, 30)
        c.drawCentredString(w / 2, h - 30 * mm, _("SCAN TO CHECK IN"))
        c.setFont(bold, 22)
        c.drawCentredString(w / 2, h - 45 * mm, _fit(c, p.name, bold, 22, w - 30 * mm))
        c.setFont(regular, 14)
        c.drawCentredString(w / 2, h - 55 * mm, _fit(c, f"{p.kind} · {p.enterprise}".strip(" ·"),
                                                      regular, 14, w - 30 * mm))
        size = 125 * mm
        draw_qr(c, p.url, (w - size) / 2, h - 65 * mm - size, size, error="q")
        c.setFont(regular, 9)
        c.drawCentredString(w / 2, h - 70 * mm - size, p.url)
        lines = [
            _("1. Open the phone camera and point it at the code."),
            _("2. The first time, enter your ID number and date of birth."),
            _("3. Tap “Check in”. Tap “Check out” when you leave."),
        ]
        c.setFont(regular, 13)
        for k, line in enumerate(lines):
            c.drawString(25 * mm, h - 85 * mm - size - k * 8 * mm, line)
        if progress and i % 20 == 0:
            progress(i)
    c.save()
    if progress:
        progress(i)
    return buf.getvalue()
