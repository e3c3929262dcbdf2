"""The attributes gate: only the attributes of checks/attributes.yml, plain ids, no raw passthrough."""

from __future__ import annotations

import dataclasses
import json
from functools import cache
from pathlib import Path

import pytest
from hostile_support import BASE, check, context, make_project, report_with
from hypothesis import example, given, settings
from hypothesis import strategies as st
from support import EXAMPLE, ROOT

from cjji.findings import Finding
from cjji.gates import attributes
from cjji.gates.base import Context
from cjji.policy import PolicyError, load_policy
from cjji.report import Report, load

BASE_LINES = len((BASE / "report.md").read_text(encoding="utf-8").rstrip("\n").split("\n"))
FIRST = BASE_LINES + 2  # the line where report_with() puts the extra body
ATTACK_1 = '[w]{typst:text:fill="red)[#read(`/.git/config`.text)] #text(fill: red"}'


def run(folder: Path, ctx: Context | None = None) -> list[Finding]:
    return attributes.run(load(folder), ctx or context())


def col_of(folder: Path, line: int, needle: str) -> int:
    return (folder / "report.md").read_text(encoding="utf-8").split("\n")[line - 1].index(needle) + 1


def test_the_example_and_the_base_report_pass() -> None:
    assert run(EXAMPLE) == []
    assert run(BASE) == []


def test_attack_1_a_typst_attribute_is_refused_at_its_line_and_column(tmp_path: Path) -> None:
    """d084701: check found 0 errors, and build printed .git/config into the PDF."""
    folder = report_with(tmp_path, f"Some text {ATTACK_1} more.")
    errors = [f for f in check(folder) if f.severity == "error"]
    assert [(f.gate, f.rule, f.line, f.col) for f in errors] == [
        ("attributes", "unknown-attribute", FIRST, col_of(folder, FIRST, "typst:text:fill"))]
    assert errors[0].message.startswith("the attribute 'typst:text:fill' is not allowed in a report")
    assert "criteria, data, due, kind, owner, paragraphs, to, width" in errors[0].hint


@pytest.mark.parametrize(("markdown", "name"), [
    ('[w]{custom-style="Title"}', "custom-style"),
    ("[w]{style=\"color: red\"}", "style"),
    ("[w]{lang=fr}", "lang"),
    ("![A chart.](images/chart.png){typst:image:fit=stretch}", "typst:image:fit"),
    ("[link](#findings){html:onclick=x}", "html:onclick"),
    ("`code`{openxml:x=1}", "openxml:x"),
    ("# Heading {#h2 data-x=1}", "data-x"),
    ("::: {.note custom-style=\"Body Text\"}\nText.\n:::", "custom-style"),
])
def test_writer_specific_and_unknown_attributes_are_refused(tmp_path: Path, markdown: str, name: str) -> None:
    folder = report_with(tmp_path, markdown)
    found = [f for f in run(folder) if f.rule == "unknown-attribute"]
    assert [(f.line, f.col) for f in found] == [(FIRST, col_of(folder, FIRST, name))]
    assert f"'{name}'" in found[0].message


def test_an_event_attribute_is_reported_once_by_the_html_gate(tmp_path: Path) -> None:
    folder = report_with(tmp_path, "[w]{onclick=\"alert(1)\"}")
    assert [(f.gate, f.rule) for f in check(folder) if f.severity == "error"] == [("html", "event-attribute")]


def test_an_attribute_on_the_wrong_element_or_with_a_bad_value(tmp_path: Path) -> None:
    folder = report_with(tmp_path, '[Late.]{.judgement criteria="C1" due="2027-01-01"}\n\n'
                                   '![A chart.](images/chart.png){width="100%); read(x"}\n\n'
                                   '[x]{.judgement criteria="C1)"}')
    found = run(folder)
    assert [(f.rule, f.line) for f in found] == [
        ("misplaced-attribute", FIRST), ("bad-attribute-value", FIRST + 2), ("bad-attribute-value", FIRST + 4)]
    assert found[0].message == "the attribute 'due' is not allowed on a span"
    assert found[1].hint == 'a width with its unit, like width="80%" or width="12cm"'


@pytest.mark.parametrize("ident", ["mf)![..](images/.e.png", "a b", "1st", "x'y", "caf\u00e9", "a.b", "-x"])
def test_ids_must_be_plain(tmp_path: Path, ident: str) -> None:
    folder = report_with(tmp_path, f'# Heading {{id="{ident}"}}\n\nText.\n\n[span]{{id="{ident}"}}')
    found = [f for f in run(folder) if f.rule == "bad-id"]
    assert [f.line for f in found] == [FIRST, FIRST + 4]
    assert all(f.severity == "error" and f"'{ident}'" in f.message for f in found)


def test_a_bad_id_on_a_div_is_found_on_its_fence_line(tmp_path: Path) -> None:
    folder = report_with(tmp_path, '::: {.recommendation id="R9)x" owner="CPS"}\nText.\n:::')
    [f] = [f for f in run(folder) if f.rule == "bad-id"]
    assert (f.line, f.col) == (FIRST, col_of(folder, FIRST, "R9)x"))


def test_classes_must_be_plain(tmp_path: Path) -> None:
    folder = report_with(tmp_path, '[w]{class="unnumbered x;y"}')
    assert [f.rule for f in run(folder)] == ["bad-class"]


def test_a_plain_class_with_no_meaning_is_a_warning(tmp_path: Path) -> None:
    folder = report_with(tmp_path, '[w]{.judgment criteria="C1"}')
    [found] = run(folder)
    assert (found.severity, found.rule) == ("warning", "unknown-class")
    assert found.hint.startswith("did you mean .judgement?")


@pytest.mark.parametrize(("markdown", "shown"), [
    ("```{=typst}\n#read(\"/etc/passwd\")\n```", "{=typst}"),
    ("~~~ {=openxml}\n<w:p/>\n~~~", "{=openxml}"),
    ("Text `#read(\"x\")`{=typst} more.", "{=typst}"),
])
def test_raw_passthrough_is_refused(tmp_path: Path, markdown: str, shown: str) -> None:
    folder = report_with(tmp_path, markdown)
    [f] = run(folder)
    assert (f.rule, f.line, f.col) == ("raw-passthrough", FIRST, col_of(folder, FIRST, shown))
    assert "is not allowed" in f.message


def test_a_code_block_with_a_language_is_fine(tmp_path: Path) -> None:
    folder = report_with(tmp_path, "```python\nprint(1)\n```")
    assert run(folder) == []


def test_the_policy_narrows_the_list(tmp_path: Path) -> None:
    policy = context().policy
    narrowed = {"attributes": {k: v for k, v in policy.get("attributes")["attributes"].items() if k != "width"}}
    ctx = dataclasses.replace(context(), policy=dataclasses.replace(
        policy, files={**policy.files, "attributes": narrowed}))
    folder = report_with(tmp_path, '![A chart.](images/chart.png){width="50%"}')
    assert [f.rule for f in run(folder, ctx)] == ["unknown-attribute"]
    assert run(folder) == []


def test_the_schema_refuses_an_attribute_a_writer_gives_a_meaning_to(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    path = project / "checks" / "attributes.yml"
    path.write_text(path.read_text(encoding="utf-8") + '  custom-style:\n    on: [span]\n    pattern: "^.*$"\n'
                    '    hint: "any"\n', encoding="utf-8")
    with pytest.raises(PolicyError) as caught:
        load_policy(project)
    [f] = caught.value.findings
    assert f.file.endswith("checks/attributes.yml") and f.line > 0
    assert "'custom-style' is not one of the allowed values" in f.message


def test_the_schema_file_is_valid_json_with_the_writer_safe_names() -> None:
    from cjji.attributes import CJJI_READS, WRITER_SAFE

    schema = json.loads((ROOT / "schemas" / "checks" / "attributes.schema.json").read_text())
    assert set(schema["properties"]["attributes"]["propertyNames"]["enum"]) == set(WRITER_SAFE | CJJI_READS)


@cache
def _base() -> Report:
    return load(BASE)


WRITER_SAFE_NAMES = {"criteria", "owner", "to", "due", "width", "paragraphs"}
_ATTR_NAME = st.from_regex(r"\A[a-z][a-z0-9:_-]{0,14}\Z", fullmatch=True)


@settings(max_examples=40, deadline=None)
@example(name="criteria", value="C1 C2")
@example(name="typst:text:fill", value="red)[#read(x)]")
@example(name="custom-style", value="Title")
@given(name=_ATTR_NAME, value=st.text(alphabet="abc019 ();#-%", max_size=12))
def test_property_every_attribute_reaching_the_writers_was_allowed_by_check(name: str, value: str) -> None:
    """For any attribute an author writes on a span: either check refuses it, or it is on the
    allowlist and the writers pass it on; nothing check accepts is dropped silently and nothing
    check refuses reaches pandoc or the page."""
    from cjji.build.html_render import RenderOptions, render_tokens
    from cjji.build.numbering import Numbering
    from cjji.build.pandoc_ast import token_attr
    from cjji.markdown import parse

    text = f'[w]{{{name}="{value.replace(chr(34), "")}"}}\n'
    tokens = parse(text)
    spans = [c for t in tokens for c in t.children or [] if c.type == "span_open"]
    if not spans or name not in spans[0].attrs:
        return  # markdown-it did not read it as an attribute: it stays text
    report = dataclasses.replace(_base())
    report.tokens = tokens
    report.lines = text.split("\n")
    found = attributes.run(report, context())
    passed_on = dict(token_attr(spans[0])[2])
    page = render_tokens(tokens, RenderOptions(numbering=Numbering(), image_attrs=lambda src: {"src": src}))
    if found:
        assert name not in passed_on and f"data-{name}=" not in page
    else:
        assert name in WRITER_SAFE_NAMES
        assert passed_on[name] == spans[0].attrs[name] and f"data-{name}=" in page
