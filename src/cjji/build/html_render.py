"""Render a report's markdown-it token stream as the body of an accessible HTML page.

The tokens are the ones `cjji.report.load` parsed (never re-parsed, never mutated). On top of
markdown-it's own HTML renderer:

- headings sit one level down (the page title is the only <h1>), keep their ids (or get one)
  and carry the chapter and section numbers of `cjji.build.numbering`, as Word and PDF do;
  numbered paragraphs get `id="paragraph-3.2"` and a visible number;
- attributes of spans, divs, links and headings other than id and class become `data-*`
  attributes (`criteria="C1"` -> `data-criteria="C1"`);
- graded findings (`::: {.recommendation #R1}`) become sections labelled "Recommendation 1";
- an image alone in a paragraph becomes <figure> with its title as <figcaption>; a
  `Table: caption` paragraph after a table becomes that table's <caption>;
- footnotes link both ways with link text a screen reader can speak;
- straight quotes become typographic ones (cjji.build.typography), as in Word and PDF;
- raw HTML is dropped, and `sanitise` cleans the result against an allow-list as a second wall.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import nh3
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from cjji.attributes import WRITER_SAFE, safe_classes, safe_id
from cjji.blocks import (
    FigureData,
    Labels,
    criteria_marker,
    data_caption,
    data_url,
    figure_caption,
    finding_details,
    finding_kind,
    finding_labels,
    is_annex,
    labels_of,
    letter,
    table_id,
)
from cjji.build.chart import is_chart, kind_of
from cjji.build.numbering import TABLE_CAPTION, Numbering, is_figure, is_table_caption
from cjji.build.typography import smarten
from cjji.markdown import classes, parser

# Ids the page template itself uses; report ids never take them.
PAGE_IDS = frozenset({"main-content", "contents", "contents-title", "footnotes", "footnotes-title"})
_DATA_NAME = re.compile(r"^[a-z][a-z0-9-]*$")
_CAPTION_PREFIX = re.compile("^" + re.escape(TABLE_CAPTION) + r"\s*")
_ALIGN = re.compile(r"text-align:\s*(left|right|center)")


@dataclass(frozen=True)
class ContentsEntry:
    level: int  # 1 = chapter, 2 = section (Markdown levels)
    id: str
    number: str  # "" when unnumbered
    text: str


@dataclass
class RenderOptions:
    """What the renderer needs from outside: numbers, and where an image's file will be."""

    numbering: Numbering
    image_attrs: Callable[[str], dict[str, str]]  # Markdown src -> src/width/height on the page
    used_ids: set[str] = field(default_factory=set)  # ids already taken on the page
    heading_shift: int = 1
    contents: list[ContentsEntry] = field(default_factory=list)  # filled while rendering
    callout_counts: dict[str, int] = field(default_factory=dict)  # carried on from the report to its annex
    table_count: int = 0
    figure_count: int = 0
    annex_count: int = 0
    labels: Labels = field(default_factory=lambda: labels_of(None))  # checks/blocks.yml (cjji.blocks)
    # a figure's data="data/days.csv" -> its validated data (cjji.blocks.read_figure_data); None: not shown
    figure_data: Callable[[str], FigureData] | None = None
    # a .chart figure's (data file, kind, caption) -> src/width/height of the SVG cjji draws (cjji.build.chart)
    chart: Callable[[str, str, str], dict[str, str]] | None = None


def slug(text: str) -> str:
    """Pandoc-style identifier from heading text: lower case, words joined by hyphens."""
    words = re.sub(r"[^\w\s-]", "", text.lower()).split()
    ident = "-".join(words).strip("-_")
    return ident if ident and ident[0].isalpha() else f"section-{ident}".rstrip("-")


def unique_id(wanted: str, used: set[str]) -> str:
    ident, n = wanted, 1
    while ident in used or ident in PAGE_IDS:
        n += 1
        ident = f"{wanted}-{n}"
    used.add(ident)
    return ident


def _attr(name: str, value: str) -> str:
    return f' {name}="{html.escape(value, quote=True)}"'


def _attrs(token: Token, *, keep: Sequence[str] = (), extra_class: str = "") -> str:
    """A plain id, plain classes and `keep` as they are; the attributes no writer gives a meaning
    to (cjji.attributes.WRITER_SAFE) as data-<name>; nothing else (`style`, `typst:*` ...)."""
    out = []
    for name in ("id", *keep):
        value = token.attrs.get(name)
        if name == "id":
            value = safe_id(value)
        if value is not None and value != "":
            out.append(_attr(name, str(value)))
    names = " ".join(filter(None, [extra_class, *safe_classes(classes(token))]))
    if names:
        out.append(_attr("class", names))
    for name, value in token.attrs.items():
        name = str(name).lower()
        if name in ("id", "class", *keep) or name not in WRITER_SAFE or not _DATA_NAME.match(name):
            continue
        out.append(_attr(f"data-{name}", str(value)))
    return "".join(out)


def _matching_close(tokens: Sequence[Token], start: int) -> int:
    close = tokens[start].type.replace("_open", "_close")
    depth = 0
    for i in range(start, len(tokens)):
        if tokens[i].type == tokens[start].type:
            depth += 1
        elif tokens[i].type == close:
            depth -= 1
            if depth == 0:
                return i
    return len(tokens) - 1


class ReportRenderer(RendererHTML):
    """markdown-it's HTML renderer with the report dialect's rules (see the module docstring)."""

    def render(self, tokens: Sequence[Token], options: OptionsDict, env: EnvType) -> str:
        skip: set[int] = set()
        out: list[str] = []
        for i, token in enumerate(tokens):
            if i in skip:
                continue
            if token.type == "paragraph_open":
                if is_figure(tokens, i):
                    image = next(c for c in tokens[i + 1].children or [] if c.type == "image")
                    env["cjji"].figure_count += 1  # in reading order, footnotes last: as cjji.blocks numbers them
                    out.append(self._figure(image, options, env))
                    skip.update((i + 1, i + 2))
                    continue
                if is_table_caption(tokens, i):
                    skip.update((i + 1, i + 2))  # rendered as the table's <caption>
                    continue
            if token.type == "inline":
                if token.children:
                    out.append(self.renderInline(token.children, options, env))
            elif token.type in self.rules:
                out.append(self.rules[token.type](tokens, i, options, env))
            else:
                out.append(self.renderToken(tokens, i, options, env))
        return "".join(out)

    def renderInline(self, tokens: Sequence[Token], options: OptionsDict, env: EnvType) -> str:
        """Inline tokens, with typographic quotes in text as in Word and PDF."""
        out: list[str] = []
        before = ""
        for i, token in enumerate(tokens):
            if token.type == "text":
                text = smarten(token.content, before)
                out.append(escapeHtml(text))
                before = text[-1:] or before
                continue
            if token.type in ("softbreak", "hardbreak"):
                before = " "
            if token.type in self.rules:
                out.append(self.rules[token.type](tokens, i, options, env))
            else:
                out.append(self.renderToken(tokens, i, options, env))
        return "".join(out)

    def plain_text(self, tokens: Sequence[Token], options: OptionsDict, env: EnvType) -> str:
        return smarten(self.renderInlineAsText(tokens, options, env))

    # headings and paragraphs -----------------------------------------------------------------

    def heading_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        opts: RenderOptions = env["cjji"]
        token = tokens[idx]
        level = int(token.tag[1:])
        text = self.plain_text(tokens[idx + 1].children or [], options, env).strip()
        given = safe_id(str(token.attrs.get("id") or ""))
        if given and given not in PAGE_IDS:
            ident = given
            opts.used_ids.add(given)
        else:
            ident = unique_id(given or slug(text), opts.used_ids)
        number = opts.numbering.headings.get(idx, "")
        annex = ""
        if is_annex(token):  # "Annex A: ..." (cjji.blocks letters annexes for every format)
            opts.annex_count += 1
            annex = f"{opts.labels.annex} {letter(opts.annex_count)}:"
            text = f"{annex} {text}"
        if level <= 2:
            opts.contents.append(ContentsEntry(level, ident, number, text))
        tag = f"h{min(level + opts.heading_shift, 6)}"
        attrs = _attr("id", ident) + _attrs(_without_id(token))
        mark = f'<span class="heading-number">{number}</span> ' if number else ""
        if annex:
            mark += f'<span class="annex-letter">{html.escape(annex)}</span> '

        return f"<{tag}{attrs}>{mark}"

    def heading_close(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        opts: RenderOptions = env["cjji"]
        return f"</h{min(int(tokens[idx].tag[1:]) + opts.heading_shift, 6)}>\n"

    def paragraph_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        if tokens[idx].hidden:
            return ""
        number = env["cjji"].numbering.paragraphs.get(idx)
        ident = safe_id(tokens[idx].attrs.get("id"))  # an author's {#p-fees}: a link target, never printed
        anchor = f'<span id="{ident}"></span>' if ident else ""
        if not number:
            return f"<p>{anchor}"
        return (f'<p class="numbered" id="paragraph-{number}">{anchor}'
                f'<span class="paragraph-number">{number}</span> ')

    # spans, divs, links ------------------------------------------------------------------------

    def span_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return f"<span{_attrs(tokens[idx])}>"

    def span_close(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        opening = _matching_open(tokens, idx)
        marker = criteria_marker(opening) if opening is not None and "judgement" in classes(opening) else ""
        if marker:  # a judgement shows the criteria it relates to, as in Word and PDF (cjji.blocks)
            return f' <span class="criteria">{html.escape(marker)}</span></span>'
        return "</span>"

    def div_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        opts: RenderOptions = env["cjji"]
        token = tokens[idx]
        kind = finding_kind(token)
        if kind is None:
            return f"<div{_attrs(token)}>\n"
        # cjji.blocks decides the label, for every format: "Recommendation 1", "Notable practice 2"
        label = finding_labels([token], opts.labels, opts.callout_counts)[0]
        ident = safe_id(str(token.attrs.get("id") or ""))
        label_id = unique_id(f"{ident or kind}-label", opts.used_ids)
        details = finding_details(token, opts.labels)
        env.setdefault("cjji_details", []).append(details)
        return (f'<section{_attrs(token, extra_class="callout")} aria-labelledby="{label_id}">\n'
                f'<p class="callout-label" id="{label_id}">{html.escape(label)}</p>\n')

    def div_close(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        opening = _matching_open(tokens, idx)
        is_callout = opening is not None and finding_kind(opening) is not None
        if not is_callout:
            return "</div>\n"
        stack = env.get("cjji_details") or [""]
        details = stack.pop()
        return (f'<p class="callout-details"><em>{html.escape(details)}</em></p>\n' if details else "") + "</section>\n"

    def link_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return f"<a{_attrs(tokens[idx], keep=('href', 'title'))}>"

    # raw HTML never reaches the page --------------------------------------------------------

    def html_block(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return ""

    def html_inline(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return ""

    # images and figures -------------------------------------------------------------------------

    def image(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        token = tokens[idx]
        alt = self.plain_text(token.children or [], options, env)
        if is_chart(token):  # a chart is drawn only as a figure (the files gate refuses it inline)
            return html.escape(alt)
        return self._img(token, alt, env, with_title=True)

    def _img(self, token: Token, alt: str, env: EnvType, *, with_title: bool) -> str:
        opts: RenderOptions = env["cjji"]
        page = opts.image_attrs(str(token.attrs.get("src", "")))
        out = "".join(_attr(k, v) for k, v in page.items())
        out += _attr("alt", alt)
        title = token.attrs.get("title")
        if with_title and title:
            out += _attr("title", str(title))
        extra = Token("image", "img", 0, attrs={k: v for k, v in token.attrs.items()
                                                 if k not in ("src", "alt", "title")})
        return f"<img{out}{_attrs(extra)}>"

    def _figure(self, image: Token, options: OptionsDict, env: EnvType) -> str:
        alt = self.plain_text(image.children or [], options, env)
        ident = safe_id(image.attrs.get("id"))
        plain = Token("image", "img", 0, attrs={k: v for k, v in image.attrs.items() if k not in ("id", "data")})
        figure_id = _attr("id", str(ident)) if ident else ""
        caption = smarten(figure_caption(image, env["cjji"].figure_count, env["cjji"].labels))
        if is_chart(image):
            return self._chart(image, alt, caption, figure_id, env)
        picture = self._img(plain, alt, env, with_title=False)
        caption_id = ""
        if caption and _wide(picture):
            # a chart wider than a phone keeps a readable size there and scrolls sideways, in a
            # region named by its caption that the keyboard can reach (as tables do)
            caption_id = unique_id(f"figure-{env['cjji'].figure_count}-caption", env["cjji"].used_ids)
            wide = picture.replace("<img ", '<img class="wide" ', 1)
            picture = (f'<div class="figure-scroll" role="region" aria-labelledby="{caption_id}" tabindex="0">'
                       f"{wide}</div>")
        out = f"<figure{figure_id}>\n{picture}\n"
        full = env["cjji"].image_attrs(str(image.attrs.get("src", ""))).get("src", "")
        if full:  # on a phone a chart's labels are small: the image full size, to zoom into
            out += (f'<p class="figure-full"><a href="{html.escape(full)}">Open the image full size'
                    f'<span class="visually-hidden">: {html.escape(caption or alt)}</span></a></p>\n')
        if caption:  # last child of the figure, as HTML requires
            out += f"<figcaption{_attr('id', caption_id) if caption_id else ''}>{html.escape(caption)}</figcaption>\n"
        return out + "</figure>\n" + self._figure_data(image, env)

    def _chart(self, image: Token, alt: str, caption: str, figure_id: str, env: EnvType) -> str:
        """A chart cjji draws from the figure's data (cjji.build.chart): an SVG that scales to the
        width of a phone with its text still readable; the data follows as a table."""
        opts: RenderOptions = env["cjji"]
        if opts.chart is None:
            return ""
        page = opts.chart(str(image.attrs.get("src", "")), kind_of(image), caption or alt)
        picture = f'<img class="chart"{"".join(_attr(k, v) for k, v in page.items())}{_attr("alt", alt)}>'
        out = f"<figure{figure_id}>\n{picture}\n"
        if caption:
            out += f"<figcaption>{html.escape(caption)}</figcaption>\n"
        return out + "</figure>\n" + self._figure_data(image, env)

    def _figure_data(self, image: Token, env: EnvType) -> str:
        """The numbers behind a figure (`{data="data/days.csv"}`), folded away under the figure:
        "Data for figure 2", a captioned table with column and row headers."""
        opts: RenderOptions = env["cjji"]
        url = data_url(image)
        if url is None or opts.figure_data is None:
            return ""
        data = opts.figure_data(url)
        number = opts.figure_count
        summary = html.escape(opts.labels.word("figure_data").replace("{n}", str(number)))
        caption = html.escape(smarten(data_caption(image, number, opts.labels)))
        head = "".join(f'<th scope="col">{html.escape(h)}</th>' for h in data.header)
        rows = "".join(
            f'<tr><th scope="row">{html.escape(c)}</th>'
            + "".join(f'<td class="number">{html.escape(v)}</td>' for v in row) + "</tr>\n"
            for c, row in zip(data.categories, data.cells, strict=True))
        caption_id = unique_id(f"figure-{number}-data-caption", opts.used_ids)
        return (f'<details class="figure-data"><summary>{summary}</summary>\n'
                f'<div class="table-wrap" role="region" aria-labelledby="{caption_id}" tabindex="0">'
                f'<table>\n<caption id="{caption_id}">{caption}</caption>\n'
                f"<thead><tr>{head}</tr></thead>\n<tbody>\n{rows}</tbody>\n</table></div>\n</details>\n")

    # tables ---------------------------------------------------------------------------------------

    def table_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        opts: RenderOptions = env["cjji"]
        opts.table_count += 1
        after = _matching_close(tokens, idx) + 1
        caption = ""
        if is_table_caption(tokens, after):
            caption = self._caption(tokens[after + 1], options, env)
        caption_id = unique_id(f"table-{opts.table_count}-caption", opts.used_ids)
        # every table is numbered and captioned, "Table 2: ..." (as cjji.blocks numbers it for Word and PDF)
        number = f"{html.escape(opts.labels.table)} {opts.table_count}"
        caption = f"{number}: {caption}" if caption else number
        label = f'aria-labelledby="{caption_id}"'
        caption = f'<caption id="{caption_id}">{caption}</caption>\n'
        ident = safe_id(table_id(list(tokens), idx))  # `Table: ... {#tbl-cases}`: a link target
        own = _attrs(tokens[idx]) if not ident else _attr("id", ident) + _attrs(tokens[idx])
        return (f'<div class="table-wrap" role="region" {label} tabindex="0">\n'
                f"<table{own}>\n{caption}")

    def table_close(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return "</table>\n</div>\n"

    def _caption(self, inline: Token, options: OptionsDict, env: EnvType) -> str:
        children = [child.copy() for child in inline.children or []]
        if children and children[0].type == "text":
            children[0].content = _CAPTION_PREFIX.sub("", children[0].content, count=1)
        return self.renderInline(children, options, env)

    def th_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return f'<th scope="col"{_align(tokens[idx])}>'

    def td_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return f"<td{_align(tokens[idx])}>"

    # footnotes ------------------------------------------------------------------------------------

    def footnote_ref(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        meta = tokens[idx].meta
        n = meta["id"] + 1
        ref = _footnote_ref_id(n, meta.get("subId", 0))
        word = html.escape(str(env["cjji"].labels.text("page", "footnote")))  # checks/labels.yml
        return (f'<sup class="footnote-ref"><a href="#fn-{n}" id="{ref}">'
                f'<span class="visually-hidden">{word} </span>{n}</a></sup>')

    def footnote_block_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        shift = env["cjji"].heading_shift
        title = html.escape(str(env["cjji"].labels.text("page", "footnotes")))  # checks/labels.yml
        return ('<section class="footnotes" aria-labelledby="footnotes-title">\n'
                f'<h{1 + shift} id="footnotes-title">{title}</h{1 + shift}>\n<ol>\n')

    def footnote_block_close(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return "</ol>\n</section>\n"

    def footnote_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return f'<li id="fn-{tokens[idx].meta["id"] + 1}">'

    def footnote_close(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return "</li>\n"

    def footnote_anchor(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        meta = tokens[idx].meta
        n = meta["id"] + 1
        sub = meta.get("subId", 0)
        labels = env["cjji"].labels  # checks/labels.yml: "Back to the text of footnote 2 (reference 2)"
        back = labels.text("page", "footnote_back_again", n=n, k=sub + 1) if sub else labels.text(
            "page", "footnote_back", n=n)
        return (f' <a href="#{_footnote_ref_id(n, sub)}" class="footnote-back">'
                f'<span aria-hidden="true">\u21a9\ufe0e</span>'
                f'<span class="visually-hidden">{html.escape(str(back))}</span></a>')


def _without_id(token: Token) -> Token:
    return Token(token.type, token.tag, token.nesting,
                 attrs={k: v for k, v in token.attrs.items() if k != "id"})


def _matching_open(tokens: Sequence[Token], close: int) -> Token | None:
    """The opening token of tokens[close] (a div_close or span_close)."""
    closing = tokens[close].type
    opening = closing.removesuffix("_close") + "_open"
    depth = 0
    for i in range(close, -1, -1):
        if tokens[i].type == closing:
            depth += 1
        elif tokens[i].type == opening:
            depth -= 1
            if depth == 0:
                return tokens[i]
    return None


def _align(token: Token) -> str:
    found = _ALIGN.search(str(token.attrs.get("style", "")))
    return f' class="align-{found.group(1)}"' if found else ""


def _footnote_ref_id(n: int, sub: int) -> str:
    return f"fnref-{n}" + (f"-{sub + 1}" if sub else "")


_RENDERER: ReportRenderer | None = None


def renderer() -> ReportRenderer:
    global _RENDERER
    if _RENDERER is None:
        _RENDERER = ReportRenderer()
    return _RENDERER


def render_tokens(tokens: Sequence[Token], options: RenderOptions) -> str:
    """The HTML of a token stream (not yet sanitised)."""
    env: dict[str, Any] = {"cjji": options}
    return renderer().render(tokens, parser().options, env)


PHONE_WIDTH = 640  # CSS pixels: an image wider than this scrolls on a phone (style.css.j2, .figure-scroll)


def _wide(img: str) -> bool:
    """Whether an <img> (with the width attribute cjji.build.html gives raster images) is wider than a phone."""
    found = re.search(r'\swidth="(\d+)"', img)
    return found is not None and int(found.group(1)) > PHONE_WIDTH


# The second wall: whatever the renderer emits passes this allow-list and nothing else does.
ALLOWED_TAGS = frozenset({
    "a", "abbr", "blockquote", "br", "caption", "code", "dd", "del", "details", "div", "dl", "dt", "em", "figcaption",
    "figure", "h2", "h3", "h4", "h5", "h6", "hr", "img", "li", "ol", "p", "pre", "s", "section",
    "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
})
ALLOWED_ATTRIBUTES = {
    "*": {"id", "class", "title", "aria-labelledby", "aria-label", "aria-hidden"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start"},
    "th": {"scope"},
    "div": {"role", "tabindex"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})


def sanitise(fragment: str) -> str:
    """Keep only the tags and attributes the renderer emits; no script, style, on*, javascript:,
    data: or file: survives."""
    return nh3.clean(
        fragment,
        tags=set(ALLOWED_TAGS),
        clean_content_tags={"script", "style"},
        attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
        generic_attribute_prefixes={"data-"},
        url_schemes=set(URL_SCHEMES),
        link_rel=None,
        strip_comments=True,
    )
