"""PDF: pandoc's typst writer for the body, templates/typst/cjji.typ for the layout, compiled by the
`typst` wheel as tagged PDF/UA-1 with a fixed timestamp (the same input gives the same bytes)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cjji import atomic
from cjji.build import pandoc
from cjji.build.brand import Brand, load_brand
from cjji.build.pandoc_ast import BuildError, document, typst_string
from cjji.build.publication import Publication, body_blocks, project_relative, publication
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


def logos(pub: Publication, brand: Brand, names: dict[str, dict[str, Any]]) -> list[dict[str, str]]:
    found = []
    for code in pub.inspectorates:
        path = brand.logo(code)
        if path is not None:
            name = str(names.get(code, {}).get("name", code))
            found.append({"path": project_relative(path, brand.root), "alt": f"{name} logo"})
    return found


def typst_source(report: Report, policy: Policy, brand: Brand) -> str:
    pub = publication(report, policy)
    body = pandoc.run(document(body_blocks(report, policy, brand, "typst")), "typst-smart").decode("utf-8")
    params = {
        "title": pub.title,
        "subtitle": pub.subtitle or None,
        "authors": pub.authors,
        "keywords": pub.keywords,
        "date": pub.long_date,
        "licence": brand.licence_text(pub.year),
        "logos": logos(pub, brand, policy.inspectorates),
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


def compile_pdf(source: str, root: Path, timestamp: int) -> bytes:
    import typst

    return typst.compile(  # type: ignore[no-any-return]
        source.encode("utf-8"), root=str(root), format="pdf", pdf_standards=[PDF_STANDARD], timestamp=timestamp
    )


def build_pdf(report: Report, policy: Policy, dest: Path) -> Path:
    brand = load_brand(policy.root)
    source = typst_source(report, policy, brand)
    pub = publication(report, policy)
    try:
        data = compile_pdf(source, brand.root, int(pub.timestamp.timestamp()))
    except Exception as exc:  # typst.TypstError: say it in the author's terms
        message = " ".join(str(exc).split())
        raise BuildError([error("build", "pdf", report.display, 0, 0, f"the PDF could not be made: {message}",
                                "run `cjji check` first; if it passes, this is a bug in cjji")]) from None
    atomic.write_bytes(dest, data)
    return dest
