"""PDF: pandoc's typst writer for the body, templates/typst/cjji.typ for the layout, compiled by the
`typst` wheel as tagged PDF/UA-1 with a fixed timestamp (the same input gives the same bytes).

Typst runs in a child process whose root holds only the report's digested files and the brand's
template and logos (cjji.build.sandbox), under the time and memory limits of checks/limits.yml."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cjji import atomic
from cjji.blocks import labels_of
from cjji.build import pandoc
from cjji.build.brand import Brand, load_brand
from cjji.build.pandoc_ast import BuildError, document, typst_string
from cjji.build.publication import (
    FrontMatter,
    Publication,
    body_blocks,
    front_matter,
    page_words,
    project_relative,
    publication,
)
from cjji.build.sandbox import LimitError, ToolError, build_limits, compile_typst, typst_root
from cjji.digest import DigestError
from cjji.findings import error
from cjji.policy import Policy
from cjji.report import Report

TEMPLATE = "/templates/typst/cjji.typ"
PDF_STANDARD = "ua-1"


def typst_value(value: Any) -> str:
    """A Python value (dict, list, str, number, bool, None) as a Typst expression."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return typst_string(value)
    if isinstance(value, dict):
        if not value:
            return "(:)"
        return "(" + ", ".join(f"{typst_string(str(k))}: {typst_value(v)}" for k, v in value.items()) + ",)"
    if isinstance(value, list | tuple):
        return "(" + "".join(f"{typst_value(v)}, " for v in value) + ")"
    raise TypeError(f"no Typst form for {type(value).__name__}")


def brand_value(brand: Brand) -> dict[str, Any]:
    return {
        "name": brand.name,
        "colours": brand.colours,
        "fonts": brand.fonts,
        "sizes": brand.sizes,
        "margins": brand.margins_mm,
        "joint_logo": project_relative(brand.joint_logo, brand.root),
    }


def logos(pub: Publication, brand: Brand, names: dict[str, dict[str, Any]], alt: str) -> list[dict[str, str]]:
    """The inspectorates' logos, the lead first; `alt` is checks/labels.yml's page.logo ("{name} logo")."""
    found = []
    for code in pub.inspectorates:
        path = brand.logo(code)
        if path is not None:
            name = str(names.get(code, {}).get("name", code))
            found.append({"path": project_relative(path, brand.root), "alt": alt.format(name=name)})
    return found


def front_value(front: FrontMatter) -> dict[str, Any]:
    """The front matter as the template's `front` dictionary (plain strings: no markup is read)."""
    return {
        # typst_string collapses white space at the ends of a string: keep it as flags
        "notices": [[{"text": text, "href": href, "before": text[:1].isspace(), "after": text[-1:].isspace()}
                     for text, href in paragraph] for paragraph in front.notices],
        "who_title": front.who_we_are_title,
        "who": [{"name": s.name, "does": s.does, "before": s.before.strip()} for s in front.who_we_are],
    }


def typst_source(report: Report, policy: Policy, brand: Brand, limits: dict[str, int] | None = None) -> str:
    pub = publication(report, policy)
    limits = limits or build_limits(policy)
    body = pandoc.run(document(body_blocks(report, policy, brand, "typst")), "typst-smart",
                      timeout=limits["seconds"], memory_mb=limits["memory_mb"]).decode("utf-8")
    params = {
        "title": pub.title,
        "subtitle": pub.subtitle or None,
        "authors": pub.authors,
        "keywords": pub.keywords,
        "date": pub.long_date,
        "logos": logos(pub, brand, policy.inspectorates, str(labels_of(policy, report).text("page", "logo"))),
        "front": front_value(front_matter(report, policy, brand)),
        "lang": labels_of(policy, report).language.split("-")[0],  # cy for a Welsh edition
        "contents": labels_of(policy, report).contents,
        "page-words": page_words(str(labels_of(policy, report).text("page", "footer"))),
    }
    args = ", ".join(f"{k}: {typst_value(v)}" for k, v in params.items())
    return "\n".join([
        f'#import "{TEMPLATE}" as cjji',
        f"#let brand = {typst_value(brand_value(brand))}",
        "#let paranum(n) = cjji.paranum(brand, n)",
        "#let callout(label, body) = cjji.callout(brand, label, body)",
        "#let horizontalrule = cjji.horizontalrule",
        f"#show: cjji.report.with(brand: brand, {args})",
        "",
        body,
    ])


def _refused(report: Report, message: str, hint: str, rule: str = "pdf") -> BuildError:
    return BuildError([error("build", rule, report.display, 0, 0, message, hint)])


def build_pdf(report: Report, policy: Policy, dest: Path) -> Path:
    brand = load_brand(policy.root)
    limits = build_limits(policy)
    pub = publication(report, policy)
    try:
        with typst_root(report.dir, brand) as box:
            source = typst_source(report, policy, brand, limits)
            data = compile_typst(source, box, int(pub.timestamp.timestamp()), limits, PDF_STANDARD)
    except DigestError as exc:
        raise _refused(report, f"the PDF could not be made: the report folder cannot be digested ({exc})",
                       "run `cjji check`: it says what is wrong") from None
    except LimitError as exc:
        raise _refused(report, f"{exc} (checks/limits.yml {exc.limit}), so the PDF was not made",
                       "make the report smaller (split long paragraphs and tables, use smaller images), or "
                       "ask the secretariat whether the limit in checks/limits.yml should be raised",
                       "limit") from None
    except ToolError as exc:  # typst.TypstError: say it in the author's terms
        message = " ".join(str(exc).split())
        raise _refused(report, f"the PDF could not be made: {message}",
                       "run `cjji check` first; if it passes, this is a bug in cjji") from None
    atomic.write_bytes(dest, data)
    return dest
