"""Charts cjji draws from a figure's data: `![Days to update victims](data/days.csv){.chart kind=bar}`.

An author's chart image keeps its own fonts and its axis labels shrink with it on a phone (issue 14).
A `.chart` figure names only its data (a CSV checked by cjji.blocks.read_figure_data); cjji draws
it here as a small, deterministic SVG in the brand's body font (templates/brand.yml), and every
format shows the same drawing: the HTML page as an <img> beside it, the PDF through Typst (which
sets the SVG's text in the pinned Liberation fonts), Word as a PNG Typst renders from the same SVG.

kind=bar is a horizontal bar chart made to reflow: each category's label left of its bar (wrapped
onto several lines when long), the value as written in the CSV at the bar's end, no axis to read.
The SVG scales by its viewBox; its text is FONT_SIZE user units in a WIDTH-unit wide drawing, so at
a phone's 360 CSS pixels of text width it is still above 12 px.

Text is escaped with xml.sax.saxutils (escape, quoteattr): nothing in a CSV cell can become markup.
"""

from __future__ import annotations

import hashlib
import math
import tempfile
import threading
from collections.abc import Mapping, Sequence
from html import escape as _html_escape
from pathlib import Path

from cjji.blocks import DataProblem, FigureData
from cjji.build.typography import AVERAGE_EM, text_width

KINDS = ("bar",)
MAX_SERIES = 3  # one colour each: the brand's primary, accent and muted
CLASS = "chart"
WIDTH = 400  # viewBox width, in user units (CSS px when shown at its natural size)
FONT_SIZE = 15  # user units: 13.1 px when the drawing is shown 350 px wide (a 390 px phone)
LINE = 18  # height of one line of a label
BAR = 20  # height of a bar (one series); bars of several series are BAR_MANY high
BAR_MANY = 14
GAP = 10  # between rows
PAD = 4
CHAR = AVERAGE_EM  # an average lower-case letter or digit, in ems
LABEL_SHARE = 0.42  # a label column never takes more of the width than this
PRINT_WIDTH_CM = 10.0  # the chart's width in Word and the PDF: FONT_SIZE units come out at about 10 pt
DEFAULT_FONTS = ("Liberation Sans",)
CHART_INLINE = "a chart must be a figure on its own, not inside a line of text or a table cell"
CHART_INLINE_HINT = ("put the chart in a paragraph of its own, with a blank line before and after: "
                     "![Days to update victims, by area](data/days.csv){.chart kind=bar}")
DEFAULT_COLOURS = {"primary": "#1d4e5f", "accent": "#b5446e", "muted": "#505a5f", "text": "#0b0c0c"}


def escape(text: str) -> str:
    """&, < and > as entities (the standard library's XML escape, without xml.sax: that package
    imports urllib.request, 70 ms on every check)."""
    return _html_escape(text, quote=False)


def is_chart(token: object) -> bool:
    """An image drawn by cjji from its data: class .chart."""
    from cjji.markdown import classes

    return CLASS in classes(token)  # type: ignore[arg-type]


def kind_of(token: object) -> str:
    attrs = getattr(token, "attrs", {}) or {}
    return str(attrs.get("kind", "bar") or "bar")


def chart_problem(data: FigureData, kind: str) -> DataProblem | None:
    """Why `data` cannot be drawn as a chart of `kind` (None if it can)."""
    if kind not in KINDS:
        return DataProblem("chart-kind", f"cjji cannot draw a chart of kind '{kind}'",
                           f"write kind=bar (the kinds cjji draws: {', '.join(KINDS)})")
    if len(data.series) > MAX_SERIES:
        return DataProblem("chart-too-many-series",
                           f"the figure's data file '{data.rel}' has {len(data.series)} columns of numbers; a bar "
                           f"chart cjji draws shows at most {MAX_SERIES}, in colours a reader can tell apart",
                           "chart fewer series (make one chart per group), or show the numbers as a table")
    for category, row, cells in zip(data.categories, data.values, data.cells, strict=True):
        for name, value, cell in zip(data.series, row, cells, strict=True):
            if value < 0:
                return DataProblem("chart-negative",
                                   f"the figure's data file '{data.rel}': '{category}' has {cell} for '{name}'; "
                                   "a bar chart shows amounts from zero",
                                   "show negative numbers (changes, differences) in a table instead, or chart "
                                   "the amounts before and after")
    return None


def font_family(fonts: Sequence[str]) -> str:
    """A CSS font-family list: the brand's body fonts, then sans-serif."""
    names = [f for f in fonts if f and all(c.isalnum() or c in " -" for c in f)]
    return ", ".join([*(f"'{f}'" if " " in f else f for f in names), "sans-serif"])


def _width(text: str) -> float:
    """A generous estimate of the width of `text` in the chart's font, in drawing units."""
    return text_width(text, FONT_SIZE)


def _wrap(text: str, room: float) -> list[str]:
    """`text` in lines no wider than `room` (a word longer than that is broken)."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        while _width(word) > room:
            cut = max(1, int(room / (CHAR * FONT_SIZE)) - 1)
            if line:
                lines.append(line)
                line = ""
            lines.append(word[:cut] + "-")
            word = word[cut:]
        candidate = f"{line} {word}" if line else word
        if _width(candidate) <= room or not line:
            line = candidate
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines or [""]


def _colour(value: str | None, default: str) -> str:
    text = str(value or "")
    return text if len(text) == 7 and text[0] == "#" and all(c in "0123456789abcdefABCDEF" for c in text[1:]) \
        else default


def bar_svg(data: FigureData, title: str, fonts: Sequence[str] = DEFAULT_FONTS,
            colours: Mapping[str, str] | None = None) -> str:
    """A horizontal bar chart of `data` as SVG text (the same input gives the same bytes)."""
    palette = {**DEFAULT_COLOURS, **(colours or {})}
    text_colour = _colour(palette.get("text"), DEFAULT_COLOURS["text"])
    fills = [_colour(palette.get(k), DEFAULT_COLOURS[k]) for k in ("primary", "accent", "muted")]
    series = len(data.series)
    bar = BAR if series == 1 else BAR_MANY
    value_room = max(_width(c) for row in data.cells for c in row) + 6
    # the labels take what they need up to LABEL_SHARE, leaving at least a quarter of the width for bars
    label_room = max(min(max(_width(c) for c in data.categories), WIDTH * LABEL_SHARE,
                         WIDTH - value_room - 2 * PAD - 8 - WIDTH / 4), 3 * CHAR * FONT_SIZE)
    labels = [_wrap(c, label_room) for c in data.categories]
    x0 = PAD + label_room + 8  # where the bars start
    longest = max(WIDTH - x0 - value_room - PAD, WIDTH / 4)
    top = PAD
    parts: list[str] = []
    if series > 1:  # a legend: one swatch and name per series
        for n, name in enumerate(data.series):
            fill = fills[n % len(fills)]
            for k, line in enumerate(_wrap(name, WIDTH - 2 * PAD - 20)):
                if k == 0:
                    parts.append(f'<rect x="{PAD}" y="{top + 3}" width="12" height="12" fill="{fill}"/>')
                parts.append(f'<text x="{PAD + 18}" y="{top + 13}">{escape(line)}</text>')
                top += LINE
        top += GAP
    most = max((v for row in data.values for v in row), default=0.0)
    scale = longest / most if most > 0 else 0.0
    axis_top = top
    for lines, row, cells in zip(labels, data.values, data.cells, strict=True):
        height = max(len(lines) * LINE, series * bar + (series - 1) * 2)
        first = top + (height - len(lines) * LINE) / 2 + 13
        spans = "".join(f'<tspan x="{x0 - 8:.1f}" y="{first + k * LINE:.1f}">{escape(line)}</tspan>'
                        for k, line in enumerate(lines))
        parts.append(f'<text text-anchor="end">{spans}</text>')
        y = top + (height - (series * bar + (series - 1) * 2)) / 2
        for n, (value, cell) in enumerate(zip(row, cells, strict=True)):
            length = value * scale if math.isfinite(value) else 0.0
            fill = fills[n % len(fills)]
            parts.append(f'<rect x="{x0:.1f}" y="{y:.1f}" width="{length:.1f}" height="{bar}" fill="{fill}"/>')
            parts.append(f'<text x="{x0 + length + 4:.1f}" y="{y + bar / 2 + 5:.1f}">{escape(cell)}</text>')
            y += bar + 2
        top += height + GAP
    height = top - GAP + PAD
    axis = (f'<line x1="{x0:.1f}" y1="{axis_top}" x2="{x0:.1f}" y2="{height - PAD}" stroke="{text_colour}" '
            'stroke-width="1"/>')
    family = '"' + escape(font_family(fonts)) + '"'  # font_family keeps no double quote
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0f}" width="{WIDTH}" '
            f'height="{height:.0f}" role="img">\n<title>{escape(title)}</title>\n'
            f'<g font-family={family} font-size="{FONT_SIZE}" fill="{text_colour}">\n'
            + "\n".join(parts) + f"\n{axis}\n</g>\n</svg>\n")


def chart_svg(data: FigureData, kind: str, title: str, fonts: Sequence[str] = DEFAULT_FONTS,
              colours: Mapping[str, str] | None = None) -> str:
    """The SVG of a chart of `kind`. Raises DataProblem if the data cannot be drawn so."""
    problem = chart_problem(data, kind)
    if problem is not None:
        raise problem
    return bar_svg(data, title, fonts, colours)


def svg_size(svg: str) -> tuple[int, int]:
    """The width and height a chart's SVG declares."""
    import re

    found = re.search(r'viewBox="0 0 (\d+) (\d+)"', svg)
    return (int(found.group(1)), int(found.group(2))) if found else (WIDTH, 0)


_PRIVATE: list[Path] = []
_DRAWING = threading.Lock()


def _private_folder() -> Path:
    """A folder only this process can write (mkdtemp: mode 0700), removed when it exits: another
    user of the machine cannot plant a file where a chart is expected."""
    if not _PRIVATE:
        import atexit
        import shutil

        path = Path(tempfile.mkdtemp(prefix="cjji-charts-"))
        atexit.register(shutil.rmtree, path, True)
        _PRIVATE.append(path)
    return _PRIVATE[0]


def chart_file(svg: str, folder: Path | None = None) -> Path:
    """The chart as a PNG (svg_png), rendered once per drawing and kept in `folder` (by default a
    private folder of this process) under a name made from the drawing: Word embeds it and the
    HTML build copies it beside the page (`<stem>-assets/cjji-charts/`). A picture, not the SVG,
    because the joint website's WordPress refuses SVG uploads, and the site and WordPress show
    the same body. Raises ToolError or LimitError when Typst cannot draw it."""
    where = folder or _private_folder()
    where.mkdir(parents=True, exist_ok=True)
    path = where / f"chart-{hashlib.sha256(svg.encode()).hexdigest()[:20]}.png"
    with _DRAWING:  # the Word and HTML builders' threads ask for the same chart: drawn once
        if not path.is_file():  # the folder is this process's own (mode 0700): what is there, it wrote
            from cjji.atomic import write_bytes

            write_bytes(path, svg_png(svg))
    return path


def svg_png(svg: str, limits: dict[str, int] | None = None) -> bytes:
    """A PNG of the chart, rendered by Typst in the build sandbox (cjji.build.sandbox) with the
    pinned fonts, for Word (which pandoc gives no SVG fallback LibreOffice shows) and the HTML
    (chart_file)."""
    import shutil

    from cjji.build.sandbox import Sandbox, compile_typst

    parent = Path(tempfile.mkdtemp(prefix="cjji-chart-"))
    try:
        root = parent / "root"
        root.mkdir()
        (root / "chart.svg").write_text(svg, encoding="utf-8")
        source = ('#set page(width: auto, height: auto, margin: 0pt, fill: white)\n'
                  f'#image("/chart.svg", width: {PRINT_WIDTH_CM}cm)\n')
        return compile_typst(source, Sandbox(root), 0, limits or {"seconds": 60, "memory_mb": 1024}, "png")
    finally:
        shutil.rmtree(parent, ignore_errors=True)
