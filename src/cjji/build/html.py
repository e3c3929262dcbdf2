"""One accessible HTML page per report, as GOV.UK publishes HTML reports.

`build_html(report, policy, dest)` renders the report's own token stream (cjji.build.html_render),
sanitises it, and fills templates/html/report.html.j2 with it: skip link, banner, main, footer
landmarks, a contents list, the metadata, the licence notice and a stylesheet generated from
templates/brand.yml (templates/html/style.css.j2). The page is written atomically; the report's
images and the logos are copied beside it into `<stem>-assets/`. The same inputs give the same
bytes. The framework annex (cjji.annex), where it exists, is rendered at the end.

Beside the page it writes `<stem>.body.json` for publishing (cjji.publish): the page's content
(the template's `content` block: contents list and body, without the page's header) as
`parts`, HTML, with each reference to an image kept apart in `refs` (its path beside the page,
`<stem>-assets/images/a.png`): between parts[i] and parts[i+1] stands the address of refs[i].
Each publishing target puts its own address there, so nothing reads the HTML back.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

import jinja2
from markupsafe import Markup
from PIL import Image, UnidentifiedImageError

from cjji import resolve, resources
from cjji.atomic import write_bytes, write_text
from cjji.blocks import DataProblem, FigureData, data_limits, labels_of, read_figure_data
from cjji.build.brand import Brand, load_brand
from cjji.build.chart import chart_file, chart_svg, svg_size
from cjji.build.html_render import ContentsEntry, RenderOptions, render_tokens, sanitise
from cjji.build.numbering import Numbering, number
from cjji.build.pandoc_ast import BuildError
from cjji.build.publication import (
    FrontMatter,
    front_matter,
    page_words,
    publication_date,
    report_numbering,
    resolved_tokens,
)
from cjji.build.sandbox import LimitError, ToolError
from cjji.build.typography import smarten
from cjji.dates import long_date
from cjji.digest import DigestError
from cjji.findings import Finding, error
from cjji.markdown import parse
from cjji.names import inspectorate_name
from cjji.policy import Policy
from cjji.report import Report

GATE = "build"
PAGE_TEMPLATE = "report.html.j2"
CSS_TEMPLATE = "style.css.j2"
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_FONT = re.compile(r"^[A-Za-z0-9 _-]+$")


class HtmlBuildError(BuildError):
    """The page cannot be built; `finding` says where in report.md and why."""

    def __init__(self, finding: Finding) -> None:
        super().__init__([finding])
        self.finding = finding


@dataclass(frozen=True)
class Asset:
    source: Path
    href: str  # relative to the page, URL-quoted
    rel: PurePosixPath  # path inside the assets folder


# ---------------------------------------------------------------------------------------------
# Templates and the stylesheet


@cache
def html_environment(root: Path) -> jinja2.Environment:
    """The Jinja2 environment of templates/html/ (the publishing site extends page.html.j2)."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(resources.folder("templates", root) / "html"),
        autoescape=lambda name: bool(name and name.endswith(".html.j2")),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _luminance(colour: str) -> float:
    def channel(hex2: str) -> float:
        c = int(hex2, 16) / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two #rrggbb colours (1 to 21)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def readable(colour: str, backgrounds: list[str], fallback: str) -> str:
    """`colour` if it reaches WCAG AA (4.5:1) on every background, else `fallback`."""
    return colour if all(contrast(colour, bg) >= 4.5 for bg in backgrounds) else fallback


def _font_stack(families: list[str], generic: str) -> str:
    safe = [f'"{f}"' for f in families if _FONT.match(f)]
    return ", ".join([*safe, generic])


def _css_string(text: str) -> str:
    """`text` as a CSS string literal."""
    return '"' + " ".join(text.split()).replace("\\", "\\\\").replace('"', '\\"') + '"'


def page_css(brand: Brand, page_words: tuple[str, str] = ("Page", "of")) -> str:
    """The stylesheet, filled from brand.yml; colours that would fail WCAG AA contrast are
    replaced by the brand's text colour (or white on dark fills), so a brand edit can't make
    the page inaccessible. `page_words`: the printed page's footer words (checks/labels.yml
    page.footer, "Tudalen 3 o 10" in Welsh)."""
    colours = {k: v for k, v in brand.colours.items() if _COLOUR.match(v)}
    text, background = colours.get("text", "#0b0c0c"), colours.get("background", "#ffffff")
    primary = colours.get("primary", text)
    stripe = colours.get("table_stripe", background)
    on_primary = "#ffffff" if contrast("#ffffff", primary) >= contrast(text, primary) else text
    css_colours = {
        "text": readable(text, [background, stripe], "#0b0c0c"),
        "background": background,
        "primary": readable(primary, [background, stripe], text),
        "primary_fill": primary,
        "on_primary": on_primary,
        "accent": colours.get("accent", primary),
        "muted": readable(colours.get("muted", text), [background, stripe], text),
        "link": readable(colours.get("link", text), [background, stripe], text),
        "stripe": stripe,
        "table_header_text": readable(colours.get("table_header_text", on_primary), [primary],
                                      on_primary),
    }
    template = html_environment(brand.root).get_template(CSS_TEMPLATE)
    return template.render(
        page_words=[_css_string(w) for w in page_words],
        colours=css_colours,
        fonts={
            "body": _font_stack(brand.fonts.get("body", []), "sans-serif"),
            "heading": _font_stack(brand.fonts.get("heading", []), "sans-serif"),
            "mono": _font_stack(brand.fonts.get("mono", []), "monospace"),
        },
        sizes=brand.sizes,
        margins=brand.margins_mm,
        page_size=str(brand.data.get("page", {}).get("size", "A4")),
    )


# ---------------------------------------------------------------------------------------------
# Images and logos


def _image_error(report: Report, src: str, rule: str, message: str, hint: str) -> HtmlBuildError:
    line, col = 0, 0
    for written in dict.fromkeys((src, resolve.shown(src), f"<{resolve.shown(src)}>")):
        line = next((n for n, text in enumerate(report.lines, 1) if f"]({written}" in text), 0)
        if line:
            col = report.lines[line - 1].find(f"]({written}") + 3
            break
    return HtmlBuildError(error(GATE, rule, report.display, line, col, message, hint))


def _figure_data(report: Report, policy: Policy) -> Callable[[str], FigureData]:
    """A figure's data file, read and validated as the files gate does (cjji.blocks)."""
    def read(url: str) -> FigureData:
        try:
            return read_figure_data(url, resolve.report_files(report), data_limits(policy))
        except DigestError as exc:
            raise _image_error(report, url, "bad-folder", f"the report folder cannot be digested: {exc}",
                               "run `cjji check`: it says what is wrong") from None
        except DataProblem as exc:
            line = next((n for n, text in enumerate(report.lines, 1) if url in text), 0)
            col = report.lines[line - 1].find(url) + 1 if line else 0
            raise HtmlBuildError(error(GATE, exc.rule, report.display, line, col, exc.message, exc.hint)) from None
    return read


def _chart_resolver(report: Report, policy: Policy, brand: Brand, folder: str, assets: dict[PurePosixPath, Asset],
                    refs: list[str] | None = None, mark: str = "") -> Callable[[str, str, str], dict[str, str]]:
    """src/width/height of the chart cjji draws for a .chart figure (cjji.build.chart: its PNG,
    shown at the drawing's size), an asset beside the page like an image; its data is read as the
    files gate reads it."""
    read = _figure_data(report, policy)

    def chart_attrs(src: str, kind: str, title: str) -> dict[str, str]:
        try:
            svg = chart_svg(read(src), kind, title, brand.fonts.get("body", []), brand.colours)
            path = chart_file(svg)
        except DataProblem as exc:
            raise _image_error(report, src, exc.rule, exc.message, exc.hint) from None
        except (ToolError, LimitError) as exc:
            raise _image_error(report, src, "chart-render", f"the chart could not be drawn: {exc}",
                               "check the data file; if it is correct, report this as a bug in cjji") from None
        rel = PurePosixPath("cjji-charts") / path.name
        asset = assets.setdefault(rel, _asset(folder, rel, path))
        href = asset.href
        if refs is not None:
            refs.append(f"{folder}/{rel.as_posix()}")
            href = f"{mark}{len(refs) - 1}x"
        width, height = svg_size(svg)
        return {"src": href, "width": str(width), "height": str(height)}

    return chart_attrs


def _report_image(report: Report, src: str) -> Path:
    """The digested report file an image's src names (cjji.resolve, as every gate and writer);
    refused with a located error otherwise."""
    try:
        files = resolve.report_files(report)
        return resolve.resolve(src, files).path
    except DigestError as exc:
        raise _image_error(report, src, "bad-folder", f"the report folder cannot be digested: {exc}",
                           "run `cjji check`: it says what is wrong") from None
    except resolve.Unresolved as exc:
        rule = "image-missing" if exc.rule == "missing-image" else "image-outside"
        raise _image_error(report, src, rule, exc.message, exc.hint) from None


def _size(path: Path) -> dict[str, str]:
    if path.suffix.lower() == ".svg":
        return {}
    try:
        with Image.open(path) as image:
            width, height = image.size
    except (OSError, UnidentifiedImageError):
        return {}
    return {"width": str(width), "height": str(height)}


def _asset(folder: str, rel: PurePosixPath, source: Path) -> Asset:
    return Asset(source, quote(f"{folder}/{rel.as_posix()}"), rel)


def _image_resolver(report: Report, folder: str, assets: dict[PurePosixPath, Asset],
                    refs: list[str] | None = None, mark: str = "") -> Callable[[str], dict[str, str]]:
    """src/width/height of an image. With `refs`, the src is a one-off mark (`mark` + its index in
    `refs`, where its path beside the page is appended): the one place a reference is made."""
    def image_attrs(src: str) -> dict[str, str]:
        path = _report_image(report, src)
        rel = PurePosixPath(resolve.resolve(src, resolve.report_files(report)).rel)
        asset = assets.setdefault(rel, _asset(folder, rel, path))
        href = asset.href
        if refs is not None:
            refs.append(f"{folder}/{rel.as_posix()}")
            href = f"{mark}{len(refs) - 1}x"
        return {"src": href, **_size(path)}

    return image_attrs


@dataclass(frozen=True)
class RenderedBody:
    """What the page shows below its header, with each image reference kept apart: between
    parts[i] and parts[i+1] stands the address of refs[i] (a path beside the page)."""

    parts: tuple[str, ...]
    refs: tuple[str, ...]

    def html(self) -> str:
        """As the page has it: each reference as its URL-quoted relative path."""
        return self.parts[0] + "".join(quote(r) + p for r, p in zip(self.refs, self.parts[1:], strict=True))

    def record(self) -> bytes:
        return (json.dumps({"format": BODY_FORMAT, "parts": list(self.parts), "refs": list(self.refs)},
                           indent=1, ensure_ascii=False) + "\n").encode("utf-8")


BODY_FORMAT = "cjji-html-body/1"
BODY_SUFFIX = ".body.json"


def body_record(page: Path) -> Path:
    """Where build_html writes the rendered body of `page` for publishing."""
    return page.with_name(page.stem + BODY_SUFFIX)


def _split(text: str, mark: str, refs: list[str]) -> RenderedBody:
    pieces = re.split(re.escape(mark) + r"(\d+)x", text)  # a random mark: no author can write it
    return RenderedBody(tuple(pieces[0::2]), tuple(refs[int(n)] for n in pieces[1::2]))


def _copy_assets(assets: dict[PurePosixPath, Asset], folder: Path) -> None:
    for asset in assets.values():
        target = folder / asset.rel
        data = asset.source.read_bytes()
        if not (target.is_file() and target.read_bytes() == data):
            write_bytes(target, data)


# ---------------------------------------------------------------------------------------------
# The page


def _annex_tokens(report: Report, policy: Policy) -> list[Any]:
    from cjji.annex import framework_annex

    return parse(framework_annex(report, policy))


def _long_date(value: Any) -> tuple[str, str]:
    try:
        day = dt.date.fromisoformat(str(value))
    except ValueError:
        return str(value or ""), ""
    return long_date(day), day.isoformat()


def _inspectorates(report: Report) -> list[str]:
    codes = [c for c in report.meta.get("inspectorates", []) if isinstance(c, str)]
    lead = report.meta.get("lead")
    if isinstance(lead, str):
        codes = [lead, *[c for c in codes if c != lead]]
    return codes


def render_body(report: Report, policy: Policy, image_attrs: Callable[[str], dict[str, str]],
                *, brand: Brand, chart: Callable[[str, str, str], dict[str, str]] | None = None
                ) -> tuple[Markup, list[ContentsEntry]]:
    """The sanitised body (report, then the framework annex) and its contents entries."""
    tokens = resolved_tokens(report, policy, brand)  # the same numbers and cross-references as Word and PDF
    options = RenderOptions(numbering=report_numbering(report, brand), image_attrs=image_attrs,
                            used_ids=set(report.section_ids), labels=labels_of(policy, report),
                            figure_data=_figure_data(report, policy), chart=chart)
    notes = next((i for i, t in enumerate(tokens) if t.type == "footnote_block_open"), len(tokens))
    parts = [render_tokens(tokens[:notes], options)]
    annex = _annex_tokens(report, policy)
    if annex:
        options.numbering = number(annex, paragraphs=False)
        parts.append(render_tokens(annex, options))
    if notes < len(tokens):  # footnotes come last, after the annex
        options.numbering = Numbering()
        parts.append(render_tokens(tokens[notes:], options))
    return Markup(sanitise("".join(parts))), options.contents


def licence_notice(brand: Brand, year: str) -> Markup:
    """brand.yml's licence text with the licence's name linked to its URL."""
    text = Markup.escape(brand.licence_text(year))
    name = Markup.escape(brand.licence_name)
    link = Markup('<a href="{}">{}</a>').format(brand.licence_url, brand.licence_name)
    if name in text:
        return Markup(text.replace(name, link, 1))
    return text + Markup(" ") + link


def _contents_tree(entries: list[ContentsEntry]) -> list[dict[str, Any]]:
    tree: list[dict[str, Any]] = []
    for entry in entries:
        if entry.level == 1 or not tree:
            tree.append({"entry": entry, "children": []})
        else:
            tree[-1]["children"].append(entry)
    return tree


def page_context(report: Report, policy: Policy, brand: Brand, folder: str,
                 assets: dict[PurePosixPath, Asset]) -> dict[str, Any]:
    """Everything report.html.j2 shows besides the body."""
    meta = report.meta
    day = publication_date(report.meta)  # the names of the report's own date (Her Majesty's in 2021)
    codes = _inspectorates(report)
    logos = []
    for code in codes:
        path = brand.logo(code)
        if path is not None and path.is_file():
            rel = PurePosixPath("logos", path.name)
            assets.setdefault(rel, _asset(folder, rel, path))
            logos.append({"src": assets[rel].href,
                          "alt": smarten(inspectorate_name(policy, code, day))})
    joint_rel = PurePosixPath("logos", brand.joint_logo.name)
    assets.setdefault(joint_rel, _asset(folder, joint_rel, brand.joint_logo))
    given = meta.get("publication")
    publication: dict[str, Any] = given if isinstance(given, dict) else {}
    date_text, date_iso = _long_date(publication.get("date"))
    labels = labels_of(policy, report)  # checks/labels.yml: the page's words in the report's language
    if date_iso:
        date_text = labels.date(date_iso)
    kind = str(meta.get("type", "joint inspection"))
    type_label = kind.replace("-", " ").capitalize()
    if not type_label.endswith("inspection"):
        type_label += " inspection"
    type_label = labels.report_types.get(kind, type_label)
    front = front_matter(report, policy, brand)
    words = page_words(str(labels.text("page", "footer")))
    footer_words = (words[0], words[1])  # "Page", "of": the printed page's footer
    lead = meta.get("lead")
    return {
        "title": smarten(str(meta.get("title", report.id))),
        "subtitle": smarten(str(meta.get("subtitle", ""))),
        "type_label": type_label,
        "lead": smarten(inspectorate_name(policy, lead, day)) if isinstance(lead, str) else "",
        "inspectorates": [smarten(inspectorate_name(policy, c, day)) for c in codes],
        "date_text": date_text,
        "date_iso": date_iso,
        "version": meta.get("version", ""),
        "publisher": brand.publisher,
        "joint_logo": assets[joint_rel].href,
        "logos": logos,
        "licence": front_context(front)["notices"][0],  # Crown copyright and the licence, as on the inside cover
        "css": Markup(page_css(brand, footer_words)),
        "report_id": report.id,
        "front": front_context(front),
        "lang": labels.language,  # cy for a Welsh edition
        "contents_title": labels.contents,
        "words": {k: labels.text("page", k) for k in ("published", "lead", "inspectorates", "version", "skip",
                                                      "logos")},  # checks/labels.yml: "Published" ...
    }


def front_context(front: FrontMatter) -> dict[str, Any]:
    """The front matter (cjji.build.publication.front_matter) for report.html.j2: its notices as
    safe HTML with their links, "Who we are" as name and statement."""
    def paragraph(segments: list[tuple[str, str]]) -> Markup:
        return Markup("").join(Markup('<a href="{}">{}</a>').format(href, smarten(text)) if href
                               else Markup.escape(smarten(text)) for text, href in segments)

    return {
        "about_title": front.about_title,
        "notices": [paragraph(p) for p in front.notices],
        "who_we_are_title": front.who_we_are_title,
        "who_we_are": [{"name": smarten(s.name), "does": smarten(s.does), "before": smarten(s.before)}
                       for s in front.who_we_are],
    }


def render_page(report: Report, policy: Policy, dest: Path) -> tuple[str, dict[PurePosixPath, Asset]]:
    """The page's HTML text and the files it needs beside it (nothing written yet)."""
    page, assets, _ = render_page_and_body(report, policy, dest)
    return page, assets


def render_page_and_body(report: Report, policy: Policy, dest: Path
                         ) -> tuple[str, dict[PurePosixPath, Asset], RenderedBody]:
    """The page's HTML text, the files it needs beside it and its content for publishing."""
    brand = load_brand(policy.root)
    folder = f"{dest.stem}-assets"
    assets: dict[PurePosixPath, Asset] = {}
    refs: list[str] = []
    mark = f"cjji-asset-{secrets.token_hex(12)}-"
    chart = _chart_resolver(report, policy, brand, folder, assets, refs, mark)
    marked, contents = render_body(report, policy, _image_resolver(report, folder, assets, refs, mark),
                                   brand=brand, chart=chart)
    body = _split(str(marked), mark, refs)
    context = page_context(report, policy, brand, folder, assets)
    template = html_environment(policy.root).get_template(PAGE_TEMPLATE)
    values = {"contents": _contents_tree(contents), **context}
    page = template.render(body=Markup(body.html()), **values)
    content = "".join(template.blocks["content"](template.new_context({**values, "body": marked})))
    return page, assets, _split(content, mark, refs)


def build_html(report: Report, policy: Policy, dest: Path) -> Path:
    """Write the report's page to `dest`, its images and logos to `<stem>-assets/` beside it and
    its rendered body to `<stem>.body.json` (body_record).

    Raises HtmlBuildError (with a located finding) for an image that is not a file inside the
    report folder."""
    page, assets, body = render_page_and_body(report, policy, dest)
    _copy_assets(assets, dest.parent / f"{dest.stem}-assets")
    write_bytes(body_record(dest), body.record())
    write_text(dest, page)
    return dest
