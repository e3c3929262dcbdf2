"""`cjji signoff from-review`: GitHub review events -> sign-off records (or nothing, with a reason)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from click.testing import CliRunner, Result
from signoff_support import Gatekeepers, gk, keys  # noqa: F401
from support import FIXTURES

from cjji.cli import cli
from cjji.digest import digest
from cjji.gates import signoffs
from cjji.gates.base import Context
from cjji.policy import load_policy
from cjji.report import load

EVENTS = FIXTURES / "signoff"
RECORD = "chief-inspector-HMCPSI--cps.chief@test.example.review.json"


def from_review(kit: Gatekeepers, event: str | Path, *reports: Path, key: str = "recorder") -> Result:
    path = event if isinstance(event, Path) else EVENTS / f"{event}.json"
    args = ["signoff", "from-review", str(path), *(str(r) for r in reports), "--root", str(kit.root),
            "--key", str(kit.keys[key])]
    return CliRunner().invoke(cli, args)


def records(kit: Gatekeepers) -> list[str]:
    """The records (their signatures are checked to be beside them)."""
    folder = kit.report / "signoffs"
    names = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
    assert sorted(n for n in names if n.endswith(".sig")) == sorted(n + ".sig" for n in names if n.endswith(".json"))
    return [n for n in names if not n.endswith(".sig")]


def test_an_approval_of_the_head_by_a_gatekeeper_becomes_a_record(gk: Gatekeepers) -> None:  # noqa: F811
    result = from_review(gk, "approved", gk.report)
    assert result.exit_code == 0, result.output
    assert records(gk) == [RECORD]
    assert "test-cps-chief approved 2026-victim-updates as chief-inspector-HMCPSI at commit 9f1c2e7a4b5d" \
        in result.output
    data = json.loads((gk.report / "signoffs" / RECORD).read_text())
    assert data["method"] == "github-review" and data["recorder"] == "signoff-workflow@test.example"
    assert data["namespace"] == "cjji-review-record"
    assert "signed this record with its own key" in data["authentication"]
    assert data["review"]["url"] == "https://github.com/example-cjji/reports/pull/42#pullrequestreview-2001"
    assert data["review"]["commit"] == data["review"]["head_sha"] == "9f1c2e7a4b5d6e8f0a1b2c3d4e5f60718293a4b5"
    assert data["content_digest"] == digest(gk.report).value
    assert data["signed_at"] == "2026-11-20T14:03:22Z"
    findings = signoffs.run(load(gk.report), Context(load_policy(gk.root), for_publication=True))
    assert not any("chief-inspector-HMCPSI" in f.message for f in findings)
    status = CliRunner().invoke(cli, ["status", "--root", str(gk.root), str(gk.report)]).output
    assert ("by cps-chief <cps.chief@test.example> at 2026-11-20T14:03:22Z [the review's time, as GitHub "
            "reported it] (pull-request approval") in status
    # anyone can re-check the record offline with ssh-keygen alone
    check = subprocess.run(["ssh-keygen", "-Y", "verify", "-f", str(gk.root / "checks" / "allowed_signers"),
                            "-I", "signoff-workflow@test.example", "-n", "cjji-review-record",
                            "-s", str(gk.report / "signoffs" / (RECORD + ".sig"))],
                           input=(gk.report / "signoffs" / RECORD).read_bytes(), capture_output=True)
    assert check.returncode == 0, check.stderr


def test_a_key_that_is_not_the_workflows_records_nothing(gk: Gatekeepers) -> None:  # noqa: F811
    result = from_review(gk, "approved", gk.report, key="cps-chief")
    assert result.exit_code != 0
    assert "is not listed in checks/allowed_signers under a recorder of checks/gatekeepers.yml" in result.output
    assert records(gk) == []


def test_a_comment_records_nothing(gk: Gatekeepers) -> None:  # noqa: F811
    result = from_review(gk, "commented", gk.report)
    assert result.exit_code == 0
    assert result.output == "nothing recorded: review 2002 by test-cps-chief is 'commented', not an approval\n"
    assert records(gk) == []


def test_changes_requested_records_nothing(gk: Gatekeepers) -> None:  # noqa: F811
    result = from_review(gk, "changes_requested", gk.report)
    assert result.exit_code == 0
    assert "is 'changes_requested', not an approval" in result.output
    assert records(gk) == []


def test_a_dismissed_review_removes_its_record(gk: Gatekeepers) -> None:  # noqa: F811
    from_review(gk, "approved", gk.report)
    assert records(gk) == [RECORD]
    result = from_review(gk, "dismissed")
    assert result.exit_code == 0
    assert result.output.startswith("removed ") and result.output.endswith(
        f"{RECORD}: review 2001 was dismissed\n")
    assert records(gk) == []
    again = from_review(gk, "dismissed")
    assert "nothing to remove: no sign-off was recorded from review 2001" in again.output


def test_a_review_of_an_older_commit_is_refused(gk: Gatekeepers) -> None:  # noqa: F811
    result = from_review(gk, "older_commit", gk.report)
    assert result.exit_code == 2
    assert ("refused: review 2004 approved commit 1a2b3c4d5e6f, but the pull request's head is "
            "9f1c2e7a4b5d; the gatekeeper must approve the current head") in result.output
    assert records(gk) == []


def test_a_reviewer_who_is_not_a_gatekeeper_records_nothing(gk: Gatekeepers) -> None:  # noqa: F811
    result = from_review(gk, "not_gatekeeper", gk.report)
    assert result.exit_code == 0
    assert "nothing recorded: report-author-colleague is not a gatekeeper" in result.output
    assert records(gk) == []


def test_a_gatekeeper_without_a_role_in_this_report_records_nothing(gk: Gatekeepers, tmp_path: Path) -> None:  # noqa: F811
    event = json.loads((EVENTS / "approved.json").read_text())
    event["review"]["user"]["login"] = "test-outsider"
    path = tmp_path / "event.json"
    path.write_text(json.dumps(event))
    result = from_review(gk, path, gk.report)
    assert result.exit_code == 0
    assert "holds none of the roles it needs" in result.output
    assert records(gk) == []


def test_not_an_event_payload_is_a_message_not_a_traceback(gk: Gatekeepers, tmp_path: Path) -> None:  # noqa: F811
    path = tmp_path / "event.json"
    path.write_text('{"action": "opened", "pull_request": {}}')
    result = from_review(gk, path, gk.report)
    assert result.exit_code == 2
    assert "is not a GitHub pull_request_review event payload (missing: review.id" in result.output


def _git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@test.example",
                           *args], check=True, capture_output=True, text=True).stdout.strip()


def _event_at(tmp_path: Path, base: str, head: str, commit: str | None = None) -> Path:
    event = json.loads((EVENTS / "approved.json").read_text())
    event["pull_request"]["base"]["sha"] = base
    event["pull_request"]["head"]["sha"] = head
    event["review"]["commit_id"] = commit or head
    path = tmp_path / "event.json"
    path.write_text(json.dumps(event))
    return path


def test_in_a_checkout_the_changed_reports_are_found_and_the_head_must_be_checked_out(
        gk: Gatekeepers, tmp_path: Path) -> None:  # noqa: F811
    _git(gk.root, "init", "-q", "-b", "main")
    _git(gk.root, "add", "-A")
    _git(gk.root, "commit", "-q", "-m", "base")
    base = _git(gk.root, "rev-parse", "HEAD")
    report_md = gk.report / "report.md"
    report_md.write_text(report_md.read_text() + "\nFinal text.\n")
    _git(gk.root, "commit", "-q", "-am", "final text")
    head = _git(gk.root, "rev-parse", "HEAD")
    result = from_review(gk, _event_at(tmp_path, base, head))
    assert result.exit_code == 0, result.output
    assert records(gk) == [RECORD]
    # the branch moved on after the review: the checkout is no longer the reviewed head
    (gk.report / "signoffs" / RECORD).unlink()
    (gk.report / "signoffs" / (RECORD + ".sig")).unlink()
    _git(gk.root, "commit", "-q", "--allow-empty", "-m", "later")
    refused = from_review(gk, _event_at(tmp_path, base, head))
    assert refused.exit_code == 2
    assert f"refused: the checkout is at {_git(gk.root, 'rev-parse', 'HEAD')[:12]}, not at the reviewed " \
           f"head {head[:12]}" in refused.output
    assert records(gk) == []


def test_the_registry_can_come_from_the_base_branch(gk: Gatekeepers, tmp_path: Path) -> None:  # noqa: F811
    import shutil

    base = tmp_path / "base"
    for name in ("checks", "schemas"):
        shutil.copytree(gk.root / name, base / name)
    registry = base / "checks" / "gatekeepers.yml"
    registry.write_text(registry.read_text().replace('"test-cps-chief"', '"someone-else"'))
    args = ["signoff", "from-review", str(EVENTS / "approved.json"), str(gk.report), "--root",
            str(gk.root), "--policy-root", str(base), "--key", str(gk.keys["recorder"])]
    result = CliRunner().invoke(cli, args)
    assert "nothing recorded: test-cps-chief is not a gatekeeper" in result.output
    assert records(gk) == []


def _payloads():  # type: ignore[no-untyped-def]
    from hypothesis import strategies as st

    scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=12)
    review = st.fixed_dictionaries({}, optional={
        "id": scalars, "state": scalars | st.sampled_from(["approved", "APPROVED", "dismissed"]),
        "user": st.fixed_dictionaries({}, optional={"login": scalars | st.just("test-cps-chief")}),
        "commit_id": scalars, "submitted_at": scalars | st.just("2026-11-20T14:03:22Z")})
    pr = st.fixed_dictionaries({}, optional={
        "number": scalars, "head": st.fixed_dictionaries({}, optional={"sha": scalars})})
    return st.fixed_dictionaries({}, optional={
        "action": scalars | st.sampled_from(["submitted", "dismissed", "edited"]),
        "review": review | scalars, "pull_request": pr | scalars})


def test_any_payload_gives_a_message_never_a_traceback(gk: Gatekeepers, tmp_path: Path) -> None:  # noqa: F811
    from hypothesis import HealthCheck, given, settings

    @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
    @given(event=_payloads())
    def check(event: dict[str, object]) -> None:
        path = tmp_path / "event.json"
        path.write_text(json.dumps(event))
        result = from_review(gk, path, gk.report)
        assert result.exit_code in (0, 2), result.output
        assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), \
            repr(result.exception)

    check()


# --- from-pull-request: what GitHub's API says about the pull request and its reviews ------------


def _pull_request(kit: Gatekeepers, tmp_path: Path) -> tuple[str, str]:
    """A repository with main (base) and a pull request's branch (head) changing the report."""
    _git(kit.root, "init", "-q", "-b", "main")
    _git(kit.root, "add", "-A")
    _git(kit.root, "commit", "-q", "-m", "base")
    base = _git(kit.root, "rev-parse", "HEAD")
    _git(kit.root, "checkout", "-q", "-b", "final-text")
    report_md = kit.report / "report.md"
    report_md.write_text(report_md.read_text() + "\nFinal text.\n")
    _git(kit.root, "commit", "-q", "-am", "final text")
    return base, _git(kit.root, "rev-parse", "HEAD")


def _api_review(review_id: int, login: str, state: str, commit: str, when: str) -> dict[str, object]:
    return {"id": review_id, "user": {"login": login}, "state": state, "commit_id": commit,
            "submitted_at": when, "body": "",
            "html_url": f"https://github.com/example-cjji/reports/pull/42#pullrequestreview-{review_id}"}


def from_pull_request(kit: Gatekeepers, tmp_path: Path, base: str, head: str,
                      reviews: list[dict[str, object]]) -> Result:
    pr = {"number": 42, "html_url": "https://github.com/example-cjji/reports/pull/42",
          "head": {"sha": head, "ref": "final-text"},
          "base": {"sha": base, "ref": "main", "repo": {"full_name": "example-cjji/reports"}}}
    (tmp_path / "pr.json").write_text(json.dumps(pr))
    # `gh api --paginate ... --jq '.[]'` prints one review per line
    (tmp_path / "reviews.json").write_text("".join(json.dumps(r) + "\n" for r in reviews))
    return CliRunner().invoke(cli, ["signoff", "from-pull-request", str(tmp_path / "pr.json"),
                                    str(tmp_path / "reviews.json"), "--root", str(kit.root),
                                    "--key", str(kit.keys["recorder"])])


def test_standing_approvals_of_the_head_become_signed_records_once(gk: Gatekeepers, tmp_path: Path) -> None:  # noqa: F811
    base, head = _pull_request(gk, tmp_path)
    reviews = [_api_review(1, "test-cps-chief", "COMMENTED", head, "2026-11-20T10:00:00Z"),
               _api_review(2, "test-cps-chief", "APPROVED", head, "2026-11-20T11:00:00Z"),
               _api_review(3, "test-cps-qa", "APPROVED", base, "2026-11-20T12:00:00Z"),
               _api_review(4, "report-author-colleague", "APPROVED", head, "2026-11-20T12:30:00Z")]
    result = from_pull_request(gk, tmp_path, base, head, reviews)
    assert result.exit_code == 0, result.output
    assert records(gk) == [RECORD]
    assert f"nothing recorded for review 3: test-cps-qa approved commit {base[:12]}, not the head {head[:12]}" \
        in result.output
    assert "nothing recorded for review 4: report-author-colleague is not a gatekeeper" in result.output
    data = json.loads((gk.report / "signoffs" / RECORD).read_text())
    assert (data["review"]["id"], data["review"]["pull_request"], data["review"]["commit"]) == (2, 42, head)
    assert data["review"]["repository"] == "example-cjji/reports"
    assert data["content_digest"] == digest(gk.report).value
    before = (gk.report / "signoffs" / RECORD).read_bytes()
    again = from_pull_request(gk, tmp_path, base, head, reviews)
    assert again.exit_code == 0 and "recorded" not in again.output.replace("nothing recorded", "")
    assert (gk.report / "signoffs" / RECORD).read_bytes() == before
    findings = signoffs.run(load(gk.report), Context(load_policy(gk.root), for_publication=True))
    assert not any("chief-inspector-HMCPSI" in f.message for f in findings)


def test_a_dismissed_or_withdrawn_approval_loses_its_record(gk: Gatekeepers, tmp_path: Path) -> None:  # noqa: F811
    base, head = _pull_request(gk, tmp_path)
    approved = [_api_review(2, "test-cps-chief", "APPROVED", head, "2026-11-20T11:00:00Z")]
    assert from_pull_request(gk, tmp_path, base, head, approved).exit_code == 0
    assert records(gk) == [RECORD]
    withdrawn = [*approved, _api_review(5, "test-cps-chief", "CHANGES_REQUESTED", head, "2026-11-20T15:00:00Z")]
    result = from_pull_request(gk, tmp_path, base, head, withdrawn)
    assert result.exit_code == 0 and "the approval was dismissed or withdrawn" in result.output
    assert records(gk) == []
    assert from_pull_request(gk, tmp_path, base, head, approved).exit_code == 0
    dismissed = [_api_review(2, "test-cps-chief", "DISMISSED", head, "2026-11-20T11:00:00Z")]
    assert from_pull_request(gk, tmp_path, base, head, dismissed).exit_code == 0
    assert records(gk) == []


def test_pull_request_files_that_are_not_from_the_api_are_refused(gk: Gatekeepers, tmp_path: Path) -> None:  # noqa: F811
    base, head = _pull_request(gk, tmp_path)
    result = from_pull_request(gk, tmp_path, base, head, [{"id": "x"}])
    assert result.exit_code != 0 and "item 1 is not a pull-request review" in result.output
    (tmp_path / "reviews.json").write_text("[{")
    bad = CliRunner().invoke(cli, ["signoff", "from-pull-request", str(tmp_path / "pr.json"),
                                   str(tmp_path / "reviews.json"), "--root", str(gk.root),
                                   "--key", str(gk.keys["recorder"])])
    assert bad.exit_code != 0 and "is not JSON from GitHub's API" in bad.output
    assert not isinstance(bad.exception, Exception) or isinstance(bad.exception, SystemExit)


def test_any_list_of_reviews_gives_a_message_never_a_traceback(gk: Gatekeepers, tmp_path: Path) -> None:  # noqa: F811
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    base, head = _pull_request(gk, tmp_path)
    scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=8)
    review = st.fixed_dictionaries({}, optional={
        "id": st.integers(1, 5) | scalars,
        "state": st.sampled_from(["APPROVED", "DISMISSED", "CHANGES_REQUESTED", "COMMENTED"]) | scalars,
        "user": st.fixed_dictionaries({}, optional={"login": st.sampled_from(["test-cps-chief", "x"]) | scalars}),
        "commit_id": st.just(head) | scalars,
        "submitted_at": st.just("2026-11-20T14:03:22Z") | scalars})

    @settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
    @given(reviews=st.lists(review | scalars, max_size=4))
    def check(reviews: list[object]) -> None:
        result = from_pull_request(gk, tmp_path, base, head, reviews)  # type: ignore[arg-type]
        assert result.exit_code in (0, 1, 2), result.output
        assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), \
            repr(result.exception)
        records(gk)  # every record left has its signature beside it

    check()
