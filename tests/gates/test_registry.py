"""The registry runs every gate; one gate's crash or flood never hides the others' findings."""

from __future__ import annotations

from pathlib import Path

from support import FIXTURES, ROOT

from cjji import gates
from cjji.gates.base import Context, Gate
from cjji.policy import load_policy
from cjji.report import load

VALID = FIXTURES / "foundation" / "2027-valid" / "report.md"


def write(project: Path, extra: str) -> Path:
    folder = project / "reports" / "2027-valid"
    folder.mkdir()
    (folder / "report.md").write_text(VALID.read_text(encoding="utf-8") + "\n" + extra + "\n")
    return folder


def test_a_flood_of_one_rule_is_capped_with_a_count(project: Path) -> None:
    report = load(write(project, "the the. " * 400))
    repeated = [f for f in gates.run_all(report, Context(load_policy(ROOT))) if f.rule == "repeated-words"]
    assert len(repeated) == gates.MAX_PER_RULE + 1
    assert repeated[-1].message == "... and 300 more like this, not listed"


def test_a_crashing_gate_is_an_error_finding_and_the_others_still_run(project: Path) -> None:
    def broken(report, context):  # type: ignore[no-untyped-def]
        raise KeyError("surprise")

    report = load(write(project, ""))
    context = Context(load_policy(ROOT))
    findings = gates.run_all(report, context, [Gate("broken", "a gate with a bug", broken), *gates.ALL])
    [crash] = [f for f in findings if f.gate == "broken"]
    assert crash.rule == "internal-error" and crash.severity == "error"
    assert "the broken gate failed on this report (KeyError: 'surprise')" in crash.message
    assert any(f.gate == "joint" for f in findings)
