"""The worked example through check, build and sign-off, as the secretariat would run it."""

from __future__ import annotations

import datetime as dt
import shutil
import zipfile

import pytest
from programme_support import AFTER, shared_policy
from support import ROOT

from cjji.programme import gates
from cjji.programme import signoff as plan_signoff
from cjji.programme.build import build_programme
from cjji.programme.model import load_programme

SIGNERS = {  # the CJCIG chair (HMIProbation this year) first, then the other chief inspectors
    "chief-inspector-HMIProbation": "priya.raman",
    "chief-inspector-HMICFRS": "daniel.okafor",
    "chief-inspector-HMCPSI": "catherine.ellwood",
    "chief-inspector-HMIPrisons": "thomas.ashdown",
}


def _key(tmp_path, name):
    key = tmp_path / f"key-{name}"
    shutil.copyfile(ROOT / "examples" / "keys" / f"EXAMPLE-ONLY-{name}", key)
    key.chmod(0o600)
    return key


@pytest.mark.slow
def test_the_plan_builds_to_word_pdf_and_html_with_its_generated_tables(example, tmp_path):
    result = build_programme(example.root, "2027", example.policy(), tmp_path / "out", today=AFTER)
    assert result.reason == "", result.findings
    files = result.files
    assert {p.name for p in files.values()} == {"programme-2027.docx", "programme-2027.pdf", "programme-2027.html",
                                                "programme-2027-page.md", "programme-2027-page.html"}
    html = files["html"].read_text(encoding="utf-8")
    for heading in ("The long list", "Proposals not taken forward", "Prioritisation", "The final programme",
                    "Consultation", "Where the programme departs from the computed order"):
        assert heading in html
    assert "How this inspection meets the joint inspection framework" not in html  # a plan is not an inspection
    assert "Business plan for joint inspection" in html
    assert "Support for victims of fraud" in html and "A clearly defined scope and purpose" in html
    assert "Auditor General for Wales" in html and "Victim Support" in html
    with zipfile.ZipFile(files["docx"]) as docx:
        body = docx.read("word/document.xml").decode("utf-8")
    assert "Proposals not taken forward" in body and "Children remanded to youth detention accommodation" in body
    assert files["pdf"].read_bytes().startswith(b"%PDF")


def test_a_programme_with_errors_is_not_built(example, tmp_path):
    example.replace("plan.md", "  - rape-case-progression\n  - youth-remand\n",
                    "  - youth-remand\n  - rape-case-progression\n")
    result = build_programme(example.root, "2027", example.policy(), tmp_path / "out", today=AFTER)
    assert "1 error" in result.reason and [f.rule for f in result.findings] == ["unexplained-order"]
    assert not (tmp_path / "out").exists()


def test_the_chair_and_the_other_chief_inspectors_sign_then_any_change_makes_it_stale(example, tmp_path):
    programme = example.load()
    policy = example.policy()
    assert plan_signoff.required_roles(programme, policy) == list(SIGNERS)
    blocked = gates.publication_findings(programme, policy, today=AFTER)
    assert sorted(f.rule for f in blocked) == ["missing"] * 4
    for role, name in SIGNERS.items():
        path, summary = plan_signoff.sign_plan(programme, policy, role, _key(tmp_path, name))
        assert path.parent == example.dir / "signoffs" and role in summary
    assert gates.publication_findings(example.load(), policy, today=AFTER) == []
    example.replace("proposals/youth-remand.yml", "Children remanded", "Children held")
    stale = gates.publication_findings(example.load(), policy, today=AFTER)
    assert sorted(f.rule for f in stale) == ["stale"] * 4
    assert "proposals/youth-remand.yml" in stale[0].message


def test_the_wrong_role_and_the_example_keys_outside_the_example_year_are_refused(example, tmp_path):
    programme = example.load()
    policy = example.policy()
    with pytest.raises(plan_signoff.PlanSignError, match="does not need a sign-off in the role qa-lead-HMCPSI"):
        plan_signoff.sign_plan(programme, policy, "qa-lead-HMCPSI", _key(tmp_path, "helen.marsh"))
    with pytest.raises(plan_signoff.PlanSignError, match="cannot sign in this role"):
        plan_signoff.sign_plan(programme, policy, "chief-inspector-HMCPSI", _key(tmp_path, "priya.raman"),
                               identity="priya.raman@hmiprobation.example")
    shutil.copytree(example.dir, example.root / "programme" / "2028")  # example_years in gatekeepers.yml: 2027 only
    p2028 = load_programme(example.root, "2028")
    with pytest.raises(plan_signoff.PlanSignError, match="fictional example gatekeeper"):
        plan_signoff.sign_plan(p2028, policy, "chief-inspector-HMIProbation", _key(tmp_path, "priya.raman"),
                               now=dt.datetime(2028, 3, 1, tzinfo=dt.UTC))


def test_publishing_gets_everything_it_needs_in_one_call(example, tmp_path):
    from cjji.programme.publishing import prepare

    now = dt.datetime(2027, 3, 20, 9, 0, tzinfo=dt.UTC)
    unsigned = prepare(example.root, "2027", example.policy(), now)
    assert not unsigned.ready and {f.rule for f in unsigned.findings} == {"missing"}
    programme = example.load()
    for role, name in SIGNERS.items():
        plan_signoff.sign_plan(programme, example.policy(), role, _key(tmp_path, name),
                               now=dt.datetime(2027, 3, 10, 12, 0, tzinfo=dt.UTC))
    prepared = prepare(example.root, "2027", example.policy(), now)
    assert prepared.ready, prepared.findings
    assert prepared.embargo == dt.datetime(2027, 3, 17, 0, 1, tzinfo=dt.UTC)  # 00:01 UK time (GMT in March)
    assert prepared.digest.startswith("sha256:") and prepared.document.extra["framework_annex"] is False
    assert [r.state for r in prepared.signoffs.roles] == ["signed"] * 4
    page = str(prepared.page({}))
    assert page.count("Planned") == 5


def test_before_its_publication_date_the_plan_is_embargoed_not_refused(example, tmp_path):
    """Judged as of its publication date (17 March): final copies recorded as sent on 3 March make
    the plan embargoed on 1 March, not refused; a date after publication is still one not come."""
    from cjji.programme.publishing import prepare

    def sign_and_prepare():
        programme = example.load()
        for role, name in SIGNERS.items():
            plan_signoff.sign_plan(programme, example.policy(), role, _key(tmp_path, name),
                                   now=dt.datetime(2027, 2, 25, 12, 0, tzinfo=dt.UTC))
        return prepare(example.root, "2027", example.policy(), early_day)

    early_day = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)
    early = sign_and_prepare()
    assert early.ready and early.embargo is not None and early_day < early.embargo, early.findings
    example.replace("consultation.yml", "final_copy_sent: 2027-03-03", "final_copy_sent: 2027-03-30")
    late = sign_and_prepare()
    assert not late.ready and {f.rule for f in late.findings if f.severity == "error"} == {"future"}


def test_the_repositorys_own_example_plan_is_signed_for_what_it_says() -> None:
    """The shipped example year is signed off (EXAMPLE-ONLY keys), so `cjji publish` publishes it
    on its date; an edit to programme/2027 without signing again fails here, not in a publish run."""
    from cjji.programme.publishing import prepare

    prepared = prepare(ROOT, "2027", shared_policy(), dt.datetime(2027, 3, 20, 9, 0, tzinfo=dt.UTC))
    assert prepared.ready, [f.message for f in prepared.findings if f.severity == "error"]
