"""Property tests for the framework gates together, and their policy files (gates/_framework.py)."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path
from typing import Any

import pytest
from framework_support import GOOD, context
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML
from support import examples

from cjji import markdown
from cjji.annex import framework_annex
from cjji.gates import criteria, cross_cutting, impact, joint, principles, recommendations
from cjji.policy import PolicyError, load_policy
from cjji.report import LoadError, Report, load

GATES = [joint.GATE, criteria.GATE, principles.GATE, cross_cutting.GATE, impact.GATE,
         recommendations.GATE]
BODY = (GOOD / "report.md").read_text(encoding="utf-8").split("\n---\n", 1)[1]
KEYS = ["id", "title", "lead", "inspectorates", "business_process", "scope", "purpose",
        "publication", "date", "criteria", "text", "source", "principles", "cross_cutting",
        "sections", "not_applicable", "improvement", "disclosed-criteria", "value-for-money",
        "impartial-evidence", "victims-witnesses", "impact_assessment", "kind", "completed", "file",
        "outcome", "evidence", "case_files", "HMCPSI", "CQC"]
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-10, 10**6), st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=40), st.sampled_from(["C1", "C2", "HMCPSI", "HMICFRS", "CQC", "findings", "value",
                                           "people", "2027-06-01", "2099-01-01", "TBC", "../x",
                                           "impact-assessment.md", "custodial-conditions"]),
)
KEY = st.one_of(st.sampled_from(KEYS), st.text(min_size=1, max_size=12))
YAML_VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=5), st.dictionaries(KEY, inner, max_size=6)),
    max_leaves=40,
)
FRONT_MATTER = st.dictionaries(KEY, YAML_VALUES, max_size=12)


def _annex_is_plain_markdown(report: Report) -> None:
    """The generated annex never fails either, and never holds raw HTML."""
    tokens = markdown.parse(framework_annex(report, context().policy))
    assert tokens[0].attrs.get("id") == "annex-framework"
    assert not [t for t in tokens if "html" in t.type]
    assert not [c for t in tokens for c in (t.children or []) if "html" in c.type]


def _dump(data: dict[str, Any]) -> str:
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = None
    stream = io.StringIO()
    yaml.dump(data, stream)
    return stream.getvalue()


def _every_gate_stays_in_the_file(text: str, *, with_assessment: bool = False) -> None:
    """Load `text` as a report; no framework gate may raise, every finding is located inside the
    file, and the annex stays plain Markdown."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "2027-good"
        folder.mkdir()
        if with_assessment:
            (folder / "impact-assessment.md").write_text("# Assessment\n", encoding="utf-8")
        (folder / "report.md").write_text(text, encoding="utf-8")
        try:
            report = load(folder)
        except LoadError:
            assume(False)
            return
        for gate in GATES:
            for finding in gate.run(report, context()):
                assert 1 <= finding.line <= len(report.lines), finding
                assert finding.col >= 1, finding
                assert finding.message and finding.file == report.display
        _annex_is_plain_markdown(report)


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(FRONT_MATTER)
def test_any_front_matter_never_crashes_a_gate_and_every_finding_is_in_the_file(meta: dict[str, Any]) -> None:
    _every_gate_stays_in_the_file(f"---\n{_dump(meta)}---\n{BODY}", with_assessment=True)


FRONT = (GOOD / "report.md").read_text(encoding="utf-8").split("\n---\n", 1)[0] + "\n---\n"
FRAGMENTS = st.sampled_from([
    "# Title {#findings}", "## Sub {#people .cross-cutting}", "# Value {#value .cross-cutting}",
    "::: {.recommendation #R1 owner=\"CPS\" due=\"2028-01-01\"}", "::: {.recommendation}",
    "::: {.recommendation #R7 owner=\"\" due=\"x\"}", "::: {.judgement criteria=\"C1\"}", ":::",
    "::::", "[a judgement]{.judgement criteria=\"C1 C2\"}", "[no criteria]{.judgement}",
    "text [x]{.judgement criteria=\"C9\"} and [y]{.judgement criteria=\",\"}", "", "> quote",
    "- list [z]{.judgement criteria=\"C2\"}", "| a | b |\n|---|---|\n| [c]{.judgement} | d |",
    "[^1]: note [n]{.judgement criteria=\"C1\"}", "```\n::: {.recommendation #R2}\n```",
])


@settings(max_examples=examples(150), deadline=None)
@given(st.lists(st.one_of(FRAGMENTS, st.text(max_size=30)), max_size=30))
def test_any_body_never_crashes_a_gate_and_every_finding_is_in_the_file(parts: list[str]) -> None:
    _every_gate_stays_in_the_file(FRONT + "\n".join(parts))


def test_a_broken_framework_policy_file_is_a_located_error(project: Path) -> None:
    thresholds = project / "checks" / "thresholds.yml"
    thresholds.write_text(thresholds.read_text().replace("'lorem ipsum'", "'lorem (ipsum'"))
    principles_file = project / "checks" / "principles.yml"
    principles_file.write_text(principles_file.read_text().replace("needs: recommendations",
                                                                   "needs: recomendations"))
    with pytest.raises(PolicyError) as caught:
        load_policy(project)
    found = sorted((Path(f.file).name, f.line, f.message) for f in caught.value.findings)
    lines = {name: (project / "checks" / name).read_text().split("\n")
             for name in ("thresholds.yml", "principles.yml")}
    assert found == [
        ("principles.yml", next(n for n, t in enumerate(lines["principles.yml"], 1) if "recomendations" in t),
         "principles[1].needs: 'recomendations' is not in the expected form"),
        ("thresholds.yml", next(n for n, t in enumerate(lines["thresholds.yml"], 1) if "lorem" in t),
         "placeholders[5]: 'lorem (ipsum' is not a valid regular expression"),
    ]
