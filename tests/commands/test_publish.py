# ruff: noqa: F811  (pytest fixtures imported from publish_support)
"""`cjji publish`: gated, embargo-aware, versioned, nothing lost, with a clock we control."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from publish_support import (
    REPORT,
    frozen_clock,
    gk,  # noqa: F401
    keys,  # noqa: F401
    new_version,
    page,
    publish,
    published,  # noqa: F401
    published_once,  # noqa: F401
    set_meta,
    sign_all,
    signed,  # noqa: F401
    site,  # noqa: F401
    snapshot,
    verify,
)
from signoff_support import Gatekeepers

from cjji.cli import cli

REPORT_PAGE = f"reports/{REPORT}/index.html"


def test_first_publication_makes_the_whole_site(signed: Gatekeepers, site: Path) -> None:
    result = publish(signed.root, site)
    assert result.exit_code == 0, result.output
    assert "published: publishing version 1 (first publication)" in result.output
    assert site.is_symlink()
    files = snapshot(site)
    for rel in ["index.html", REPORT_PAGE, f"reports/{REPORT}/v1/index.html", f"reports/{REPORT}/v1/{REPORT}.pdf",
                f"reports/{REPORT}/v1/{REPORT}.docx", "feed.xml", "sitemap.xml", "accessibility/index.html",
                "inspectorates/HMCPSI/index.html", "business-processes/bringing-offenders-to-justice/index.html",
                "years/2026/index.html", "manifest.json"]:
        assert rel in files, rel
    report = page(site, REPORT_PAGE)
    assert "Keeping victims informed" in report
    assert "10 December 2026" in report  # published date
    assert "Joint thematic inspection" in report and "Lead inspectorate" in report
    assert "His Majesty&#39;s Inspectorate of Constabulary and Fire &amp; Rescue Services" in report
    assert "(PDF, " in report and " pages)" in report
    assert "Recommendation 1" in report and "another format" in report
    assert verify(signed.root, site).exit_code == 0


def test_a_report_failing_a_gate_is_refused_with_the_reason_and_others_still_publish(
        signed: Gatekeepers, site: Path) -> None:
    broken = signed.report.parent / "2026-broken-report"
    shutil.copytree(signed.report, broken)
    set_meta(broken, "id", "2026-broken-report")
    set_meta(broken, "lead", "HMIP")
    sign_all(signed, broken)
    result = publish(signed.root, site)
    assert result.exit_code == 1
    assert "reports/2026-broken-report: REFUSED: not published" in result.output
    assert "lead: 'HMIP' is not one of the allowed values" in result.output
    assert f"reports/{REPORT}: published" in result.output
    assert "reports/2026-broken-report" not in json.dumps(list(snapshot(site)))


def test_a_report_without_its_sign_offs_is_refused(gk: Gatekeepers, site: Path) -> None:
    result = publish(gk.root, site)
    assert result.exit_code == 1
    assert "REFUSED" in result.output and "signoffs/" in result.output
    assert REPORT not in "".join(snapshot(site))


def test_before_the_embargo_nothing_of_the_report_is_anywhere(signed: Gatekeepers, site: Path) -> None:
    result = publish(signed.root, site, "2026-12-10T00:00")
    assert result.exit_code == 0, result.output
    assert "embargoed until 00:01 on 10 December 2026 (UK time, GMT)" in result.output
    files = snapshot(site)
    assert not any(REPORT in rel for rel in files)
    assert not any(b"Keeping victims informed" in data for data in files.values())
    assert publish(signed.root, site, "2026-12-10T00:01").output.count("published: publishing version 1") == 1


def test_embargo_in_uk_summer_time_after_the_clock_change(signed: Gatekeepers, site: Path) -> None:
    set_meta(signed.report, "publication", '{date: 2027-03-29, embargo: "2027-03-29T00:01"}')
    sign_all(signed)
    before = publish(signed.root, site, "2027-03-28T22:59:00Z")  # 23:59 BST on the 28th
    assert "embargoed until 00:01 on 29 March 2027 (UK time, BST)" in before.output
    after = publish(signed.root, site, "2027-03-28T23:02:00Z")  # 00:02 BST: a UTC reading would wait
    assert "published: publishing version 1" in after.output
    assert "29 March 2027" in page(site, REPORT_PAGE)


def test_publishing_the_same_version_again_changes_nothing(published: Gatekeepers, site: Path) -> None:
    link, before = site.readlink(), snapshot(site)
    again = publish(published.root, site, "2026-12-11T09:00")
    assert again.exit_code == 0
    assert "unchanged: version 1 is already published, unchanged" in again.output
    assert site.readlink() == link
    assert snapshot(site) == before


def test_a_changed_report_with_the_same_version_is_refused(published: Gatekeepers, site: Path) -> None:
    before = snapshot(site)
    path = published.report / "report.md"
    path.write_text(path.read_text().replace("We found committed staff", "We found dedicated staff"))
    sign_all(published)  # even freshly signed, a published version never changes
    result = publish(published.root, site, "2026-12-11T09:00")
    assert result.exit_code == 1
    assert "version 1 was already published on 10 December 2026 with different content" in result.output
    assert "set `version: 2`" in result.output
    assert snapshot(site) == before


def test_a_major_change_is_a_new_version_with_its_note_and_nothing_is_lost(
        published: Gatekeepers, site: Path) -> None:
    v1 = {rel: data for rel, data in snapshot(site).items() if rel.startswith(f"reports/{REPORT}/v1/")}
    (published.root / ".gitignore").write_text(".cache/\npublic/\n")
    published.land("version 1, signed")  # signing version 2 replaces its statements: the history keeps them
    new_version(published, 2, '{type: major, note: "Corrected the number of case files in chapter 7."}',
                body_edit=("We found committed staff", "We found dedicated staff"))
    published.land("version 2, signed")
    result = publish(published.root, site, "2027-01-15T10:00")
    assert result.exit_code == 0, result.output
    assert "publishing version 2 (major change: Corrected the number" in result.output
    after = snapshot(site)
    assert {rel: after[rel] for rel in v1} == v1  # version 1 still served, byte for byte
    report = page(site, REPORT_PAGE)
    assert "Last updated" in report and "15 January 2027" in report
    assert "Corrected the number of case files in chapter 7." in report
    assert 'href="v1/index.html"' in report and f'href="v2/{REPORT}.pdf"' in report
    feed = page(site, "feed.xml")
    assert "Updated: Corrected the number of case files in chapter 7." in feed
    assert feed.count("<entry>") == 2
    assert verify(published.root, site).exit_code == 0


def test_a_minor_change_is_listed_but_leaves_the_date_and_the_feed_alone(
        published: Gatekeepers, site: Path) -> None:
    new_version(published, 2, '{type: minor, note: "Corrected a typing error."}',
                body_edit=("We found committed staff", "We found committed  staff"))
    assert publish(published.root, site, "2027-01-15T10:00").exit_code == 0
    report = page(site, REPORT_PAGE)
    assert "Last updated" not in report
    assert "(minor change): Corrected a typing error." in report
    assert "Corrected a typing error" not in page(site, "feed.xml")


def test_a_new_version_without_a_change_note_is_refused(published: Gatekeepers, site: Path) -> None:
    from signoff_support import set_version

    set_version(published.report, 2)
    sign_all(published)
    result = publish(published.root, site, "2027-01-15T10:00")
    assert result.exit_code == 1
    assert "version 2 does not say what changed" in result.output


def test_a_withdrawn_report_keeps_its_page_marked_withdrawn(published: Gatekeepers, site: Path) -> None:
    set_meta(published.report, "withdrawn",
             '{date: 2027-02-01, reason: "Superseded by the 2027 follow-up inspection."}')
    new_version(published, 2, '{type: major, note: "Withdrawn."}')
    assert publish(published.root, site, "2027-02-01T09:00").exit_code == 0
    report = page(site, REPORT_PAGE)
    assert "This report was withdrawn on 1 February 2027" in report
    assert "Superseded by the 2027 follow-up inspection." in report
    assert "Withdrawn" in page(site, "index.html")
    assert (site / f"reports/{REPORT}/v1/{REPORT}.pdf").is_file()


def test_a_real_folder_in_the_way_is_not_touched(signed: Gatekeepers, site: Path) -> None:
    site.mkdir(parents=True)
    (site / "keep.html").write_text("mine")
    result = publish(signed.root, site)
    assert result.exit_code == 2
    assert "is a real folder, not the link `cjji publish` makes" in result.output
    assert (site / "keep.html").read_text() == "mine"


def test_a_published_version_stays_unchanged_even_if_the_checks_would_now_refuse_it(
        published: Gatekeepers, site: Path) -> None:
    shutil.rmtree(published.report / "signoffs")  # e.g. a gatekeeper's statements tidied away later
    result = publish(published.root, site, "2026-12-11T09:00")
    assert result.exit_code == 0, result.output
    assert "unchanged: version 1 is already published, unchanged" in result.output


def test_embargo_on_the_night_the_clocks_go_forward(signed: Gatekeepers, site: Path) -> None:
    set_meta(signed.report, "publication", '{date: 2027-03-28, embargo: "2027-03-28T02:30"}')
    sign_all(signed)
    before = publish(signed.root, site, "2027-03-28T00:30:00Z")  # 00:30 GMT
    assert "embargoed until 02:30 on 28 March 2027 (UK time, BST)" in before.output
    assert not any(REPORT in rel for rel in snapshot(site))
    after = publish(signed.root, site, "2027-03-28T01:30:00Z")  # 02:30 BST
    assert "published: publishing version 1" in after.output


# ---- issue 13, attack 5: the embargo cannot be moved on a real run ------------------------------


def _tree(folder: Path) -> dict[str, bytes | str]:
    """Every file, link and folder under `folder` (links by their target), to compare byte for byte."""
    found: dict[str, bytes | str] = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_symlink():
            found[rel] = "-> " + str(path.readlink())
        elif path.is_dir():
            found[rel] = "folder"
        else:
            found[rel] = path.read_bytes()
    return found


def _real_run(root: Path, site: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    with frozen_clock("2026-12-01T09:00"):  # the real clock: nine days before the embargo
        return CliRunner().invoke(cli, ["publish", "--root", str(root), "--site", str(site), *args], env=env)


def test_attack_5_a_future_now_on_a_real_run_is_refused_and_changes_nothing(signed: Gatekeepers, site: Path) -> None:
    first = _real_run(signed.root, site)
    assert first.exit_code == 0 and "embargoed until 00:01 on 10 December 2026" in first.output
    before = _tree(site.parent)
    attack = _real_run(signed.root, site, "--now", "2026-12-10T09:00")
    assert attack.exit_code == 2, attack.output
    assert "--now ('2026-12-10T09:00') works only with --dry-run" in attack.output
    assert "Traceback" not in attack.output
    assert _tree(site.parent) == before  # not a byte, link or folder changed
    by_environment = _real_run(signed.root, site, env={"CJJI_NOW": "2026-12-10T09:00"})
    assert by_environment.exit_code == 2
    assert "the environment variable CJJI_NOW ('2026-12-10T09:00') works only with --dry-run" in by_environment.output
    assert "unset CJJI_NOW" in by_environment.output
    assert _tree(site.parent) == before
    past = _real_run(signed.root, site, "--now", "2026-11-01T09:00")  # a backdated record is a lie too
    assert past.exit_code == 2 and _tree(site.parent) == before


def test_attack_5_a_dry_run_shows_the_future_in_its_own_folder_and_never_the_served_site(
        signed: Gatekeepers, site: Path, tmp_path: Path) -> None:
    assert _real_run(signed.root, site).exit_code == 0
    before = _tree(site.parent)
    preview = tmp_path / "preview" / "site"
    dry = _real_run(signed.root, site, "--dry-run", "--dry-run-site", str(preview), "--now", "2026-12-10T09:00")
    assert dry.exit_code == 0, dry.output
    assert "dry run (nothing is published) at 09:00 on 10 December 2026" in dry.output
    assert f"reports/{REPORT}: would be published: publishing version 1" in dry.output
    assert "dry run: nothing was published" in dry.output
    assert _tree(site.parent) == before  # the served site: untouched
    assert "10 December 2026" in page(preview, REPORT_PAGE)
    assert verify(signed.root, preview).exit_code == 0
    again = _real_run(signed.root, site, "--dry-run", "--dry-run-site", str(preview),
                      env={"CJJI_NOW": "2026-12-09T09:00"})  # a second dry run replaces the first
    assert again.exit_code == 0, again.output
    assert "embargoed until" in again.output
    assert not (preview / REPORT_PAGE).exists()
    assert _tree(site.parent) == before


def test_a_dry_run_starts_from_the_served_site(published: Gatekeepers, site: Path, tmp_path: Path) -> None:
    new_version(published, 2, '{type: major, note: "Corrected chapter 3."}',
                body_edit=("We found committed staff", "We found dedicated staff"))
    preview = tmp_path / "preview" / "site"
    dry = _real_run(published.root, site, "--dry-run", "--dry-run-site", str(preview), "--now", "2027-01-15T10:00")
    assert dry.exit_code == 0, dry.output
    assert "would be published: publishing version 2 (major change: Corrected chapter 3.)" in dry.output
    assert (preview / f"reports/{REPORT}/v1/{REPORT}.pdf").read_bytes() == \
        (site / f"reports/{REPORT}/v1/{REPORT}.pdf").read_bytes()
    assert not (site / f"reports/{REPORT}/v2").exists()


@pytest.mark.parametrize("where", ["served", "beside", "foreign"])
def test_a_dry_run_never_writes_into_the_served_site_or_a_folder_it_did_not_make(
        signed: Gatekeepers, site: Path, tmp_path: Path, where: str) -> None:
    assert _real_run(signed.root, site).exit_code == 0
    target = {"served": site, "beside": site.parent / "preview", "foreign": tmp_path / "mine" / "site"}[where]
    if where == "foreign":
        target.parent.mkdir()
        (target.parent / "notes.txt").write_text("mine")
    before = _tree(tmp_path)
    result = _real_run(signed.root, site, "--dry-run", "--dry-run-site", str(target), "--now", "2026-12-10T09:00")
    assert result.exit_code == 2, result.output
    assert ("shares its folder" if where != "foreign" else "was not made by a dry run") in result.output
    assert _tree(tmp_path) == before


def test_a_dry_run_never_goes_to_wordpress(signed: Gatekeepers, site: Path) -> None:
    result = _real_run(signed.root, site, "--dry-run", "--target", "wordpress", "--now", "2026-12-10T09:00",
                       env={"CJJI_WP_URL": "https://wp.invalid", "CJJI_WP_USER": "u", "CJJI_WP_APP_PASSWORD": "p"})
    assert result.exit_code == 2
    assert "a dry run builds a local copy of the site" in result.output


def test_a_dry_run_shares_no_file_with_the_served_site(published: Gatekeepers, site: Path, tmp_path: Path) -> None:
    preview = tmp_path / "preview" / "site"
    assert _real_run(published.root, site, "--dry-run", "--dry-run-site", str(preview)).exit_code == 0
    served = {(p.stat().st_dev, p.stat().st_ino) for p in site.parent.rglob("*") if p.is_file()}
    shown = {(p.stat().st_dev, p.stat().st_ino) for p in preview.parent.rglob("*") if p.is_file()}
    assert served and shown and not served & shown  # editing the preview can never change the site
