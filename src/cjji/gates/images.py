"""Inspect an image file by its content: type, size, pixel count, and for SVG, nothing active.

Used by the files gate. Raster images are opened with Pillow without decoding the pixels (the
header gives the size), so a decompression bomb costs nothing. SVG is parsed with defusedxml,
which refuses entity expansion and external entities.
"""

from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from PIL import Image

TYPE_NAMES = {"png": "PNG", "jpeg": "JPEG", "gif": "GIF", "svg": "SVG"}
EXTENSIONS = {".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg", ".gif": "gif", ".svg": "svg"}
_OTHER_KINDS = (
    (b"RIFF", "a WebP or other RIFF file"), (b"BM", "a BMP bitmap"), (b"II*\0", "a TIFF image"),
    (b"MM\0*", "a TIFF image"), (b"%PDF", "a PDF document"), (b"PK\x03\x04", "a ZIP archive or Office file"),
    (b"\x00\x00\x01\x00", "a Windows icon"),
)
_ACTIVE_ELEMENTS = {"script", "foreignobject", "iframe", "embed", "object", "handler", "listener"}
_URL_REFERENCE = re.compile(r"url\s*\(\s*['\"]?\s*([^'\")\s]*)", re.IGNORECASE)


@dataclass(frozen=True)
class Problem:
    rule: str
    message: str  # completes "'images/x.png' ..."
    hint: str
    severity: str = "error"


def sniff(data: bytes) -> str:
    """png, jpeg, gif or svg by content; otherwise a description of what the bytes look like."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<?xml", b"<svg", b"<!--", b"<!doctype svg")) and b"<svg" in data[:65536].lower():
        return "svg"
    for magic, what in _OTHER_KINDS:
        if data.startswith(magic):
            return what
    if head.startswith((b"<!doctype html", b"<html")):
        return "a web page (HTML)"
    sample = data[:512]
    printable = all(32 <= b < 127 or b in (9, 10, 13) for b in sample)
    return "text" if sample.strip() and printable else "unknown data"


def inspect(path: Path, limits: dict[str, object]) -> list[Problem]:
    """Everything wrong with the image at `path` (which exists and is a file)."""
    max_bytes = int(limits["max_bytes"])  # type: ignore[call-overload]
    size = path.stat().st_size
    if size > max_bytes:
        return [Problem("image-too-large",
                        f"is {size / 1048576:.1f} MB; the limit is {max_bytes / 1048576:.1f} MB "
                        "(checks/limits.yml)",
                        "save it smaller: a PNG chart or a JPEG photograph at the size it is shown")]
    data = path.read_bytes()
    kind = sniff(data)
    allowed = list(limits["types"])  # type: ignore[call-overload]
    if kind not in allowed:
        names = ", ".join(TYPE_NAMES[t] for t in allowed)
        return [Problem("image-type", f"is not an image of an allowed type ({names}): its content "
                        f"looks like {kind if kind not in TYPE_NAMES else 'a ' + TYPE_NAMES[kind]}",
                        "save or export it as PNG (charts) or JPEG (photographs)")]
    problems = _svg_problems(data) if kind == "svg" else _raster_problems(data, kind, limits)
    named = EXTENSIONS.get(path.suffix.lower())
    if named and named != kind:
        problems.append(Problem(
            "image-name", f"is named like a {TYPE_NAMES[named]} file but is a {TYPE_NAMES[kind]} image",
            f"rename it to end in .{'jpg' if kind == 'jpeg' else kind}", "warning"))
    return problems


def _raster_problems(data: bytes, kind: str, limits: dict[str, object]) -> list[Problem]:
    max_pixels = int(limits["max_pixels"])  # type: ignore[call-overload]
    too_many = Problem("image-pixels", "", "resize it: a figure rarely needs more than 2000 pixels across")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:  # reads the header, not the pixels
                width, height = image.size
                if width * height > max_pixels:
                    return [Problem(too_many.rule,
                                    f"is {width} x {height} pixels ({width * height / 1e6:.0f} megapixels); "
                                    f"the limit is {max_pixels / 1e6:.0f} megapixels (checks/limits.yml)",
                                    too_many.hint)]
                image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return [Problem(too_many.rule, f"has far more than {max_pixels / 1e6:.0f} megapixels "
                        "(a decompression bomb?)", too_many.hint)]
    except Exception as exc:  # Pillow raises many types for damaged files
        return [Problem("image-broken",
                        f"is damaged or not a complete {TYPE_NAMES[kind]} image ({exc})",
                        "open it in an image editor and save it again")]
    return []


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1].lower()


def _external(value: str) -> bool:
    value = value.strip()
    return bool(value) and not value.startswith("#")


def _element_problems(element: Element) -> list[str]:
    tag = _local(str(element.tag))
    found = [f"a <{tag}> element"] if tag in _ACTIVE_ELEMENTS else []
    for name, value in element.attrib.items():
        attr = _local(name)
        if attr.startswith("on"):
            found.append(f"an '{attr}' event handler")
        elif attr == "href" and _external(value):
            found.append(f"a reference to '{value[:60]}'")
        elif attr == "attributename" and (value.lower().endswith("href") or value.lower().startswith("on")):
            found.append(f"an <{tag}> that changes '{value}'")
        elif any(_external(ref) for ref in _URL_REFERENCE.findall(value)):
            found.append(f"an external url() in '{attr}'")
        elif re.match(r"\s*(?:java|vb)script:", value, re.IGNORECASE):
            found.append(f"a script address in '{attr}'")
    sheet = (element.text or "") if tag == "style" else ""
    if "@import" in sheet.lower() or any(_external(r) for r in _URL_REFERENCE.findall(sheet)):
        found.append("a style sheet that loads something from elsewhere")
    return found


def _svg_problems(data: bytes) -> list[Problem]:
    unsafe_hint = "export it again without scripts or links to other files, or save it as PNG"
    try:
        root = fromstring(data)
    except DefusedXmlException as exc:
        return [Problem("svg-unsafe", f"declares XML entities or external files ({type(exc).__name__})",
                        unsafe_hint)]
    except (ParseError, ValueError) as exc:
        return [Problem("image-broken", f"is not well-formed SVG ({exc})",
                        "open it in an SVG editor and save it again")]
    if _local(str(root.tag)) != "svg":
        return [Problem("image-type", f"is XML but not an SVG image (its root is <{_local(str(root.tag))}>)",
                        "save or export it as PNG, JPEG or SVG")]
    found: list[str] = []
    if b"<?xml-stylesheet" in data:
        found.append("a link to a style sheet")
    for element in root.iter():
        found.extend(_element_problems(element))
    if not found:
        return []
    unique = list(dict.fromkeys(found))
    shown = ", ".join(unique[:3]) + (f" and {len(unique) - 3} more" if len(unique) > 3 else "")
    return [Problem("svg-unsafe",
                    f"is an SVG image with {shown}, which could run a script or load something "
                    "from the internet when the page is viewed", unsafe_hint)]
