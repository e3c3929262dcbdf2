"""What the site shows about a report as the inspectorates' sites do (issue 16 sections 7 to 9):
its summary before the downloads, its themes (on the page, the index and a filter), companion
documents (a Welsh edition labelled in Welsh), the H1 without the subtitle, the report's own
dates and copyright year, "Updated" with the date and note, and no gatekeeper's e-mail address."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from publish_support import ROOT_PROJECT, release_of, stand_in_version

from cjji.policy import load_policy
from cjji.publish import record
from cjji.publish.plan import inspection_type
from cjji.publish.site import Renderer
from cjji.publish.target import Companion, PublishedFile, ReportVersion, Signoff


@pytest.fixture
def renderer() -> Renderer:
    return Renderer(ROOT_PROJECT, load_policy(ROOT_PROJECT), "https://example.test/cjji/")


def _with_details(v: ReportVersion, folder: Path) -> ReportVersion:
    easy = folder / "easy.pdf"
    easy.write_bytes(b"%PDF-1.7 easy read")
    data = easy.read_bytes()
    meta = dataclasses.replace(v.metadata, subtitle="A joint inspection of something",
                               themes=("Victims", "Domestic abuse"),
                               summary="Victims were told late in 31 of 50 cases.")
    return dataclasses.replace(v, metadata=meta, companions=(
        Companion("easy-read", "Keeping victims informed: easy read", None,
                  PublishedFile("companion", "companions/easy.pdf", hashlib.sha256(data).hexdigest(), len(data),
                                None, easy)),
        Companion("welsh-edition", "Cadw dioddefwyr yn wybodus", "cy", None, "https://example.test/cy/report"),
    ))


def test_the_summary_comes_before_the_downloads_and_the_h1_is_the_title_alone(renderer: Renderer,
                                                                              tmp_path: Path) -> None:
    v = _with_details(stand_in_version(tmp_path, "2026-x"), tmp_path)
    page = renderer.shared_pages(release_of(v))["reports/2026-x/index.html"].decode()
    heading = page.index('<h2 id="summary-heading">Summary</h2>')
    summary = page.index("<p>Victims were told late in 31 of 50 cases.</p>")
    assert page.index("<h1>") < heading < summary < page.index("Downloads")
    assert re.search(r"<h1>Report 2026-x</h1>", page)  # no subtitle inside the heading
    assert '<p class="subtitle">A joint inspection of something</p>' in page


def test_themes_show_on_the_page_and_the_index_and_filter_it(renderer: Renderer, tmp_path: Path) -> None:
    v = _with_details(stand_in_version(tmp_path / "a", "2026-x"), tmp_path)
    other = stand_in_version(tmp_path / "b", "2026-y")
    pages = renderer.shared_pages(release_of(v, other))
    tags = '<ul class="themes"><li class="theme">Victims</li><li class="theme">Domestic abuse</li></ul>'
    assert tags in pages["reports/2026-x/index.html"].decode()
    index = pages["index.html"].decode()
    assert tags in index and "<dt>Themes</dt>" in index
    assert 'href="themes/domestic-abuse/index.html">Domestic abuse</a> (1)' in index
    filtered = pages["themes/domestic-abuse/index.html"].decode()
    assert "Report 2026-x" in filtered and "Report 2026-y" not in filtered


def test_companions_are_listed_and_a_welsh_edition_is_labelled_in_welsh(renderer: Renderer, tmp_path: Path) -> None:
    v = _with_details(stand_in_version(tmp_path, "2026-x"), tmp_path)
    current = renderer.shared_pages(release_of(v))["reports/2026-x/index.html"].decode()
    assert ('<a href="v1/companions/easy.pdf" type="application/pdf" download>Keeping victims informed: '
            'easy read</a> <span class="companion-kind">(Easy read, PDF, 18 bytes)</span>') in current
    assert ('<a href="https://example.test/cy/report" hreflang="cy" lang="cy">Cadw dioddefwyr yn wybodus</a> '
            '<span class="companion-kind" lang="cy">(Fersiwn Gymraeg)</span>') in current
    archived = renderer.version_page(v).decode()
    assert 'href="companions/easy.pdf"' in archived  # the kept page links its own copy


def test_companion_files_are_in_the_record_with_their_digest_and_read_back(tmp_path: Path) -> None:
    v = _with_details(stand_in_version(tmp_path, "2026-x"), tmp_path)
    data = record.version_to_json(v)
    easy = data["companions"][0]["file"]
    assert easy["path"] == "reports/2026-x/v1/companions/easy.pdf"
    assert easy["sha256"] == hashlib.sha256(b"%PDF-1.7 easy read").hexdigest()
    back = record.version_from_json(data)
    assert back.companions[1] == v.companions[1]
    assert back.companions[0].file is not None and back.companions[0].file.name == "companions/easy.pdf"
    assert back.metadata.themes == ("Victims", "Domestic abuse")


def test_the_page_shows_the_reports_dates_and_updated_with_its_note(renderer: Renderer, tmp_path: Path) -> None:
    """A report of 2021 moved into cjji and published in 2026: its page, the index's years and the
    copyright say 2021; a later major version says "Updated" with its date and note."""
    v1 = stand_in_version(tmp_path / "1", "2021-custody", date="2021-08-12")
    v1 = dataclasses.replace(v1, published_at=dt.datetime(2026, 11, 30, 9, tzinfo=dt.UTC))
    v2 = stand_in_version(tmp_path / "2", "2021-custody", 2, date="2026-12-01",
                          change=("major", "Corrected the figures in table 3."), history=(v1.change,))
    pages = renderer.shared_pages(release_of(v1, v2))
    page = pages["reports/2021-custody/index.html"].decode()
    assert '<dd><time datetime="2021-08-12">12 August 2021</time></dd>' in page
    assert ('<strong>Updated <time datetime="2026-12-01">1 December 2026</time>:</strong> '
            'Corrected the figures in table 3.') in page
    assert "Crown copyright 2021" in page and "Crown copyright 2026" not in page
    index = pages["index.html"].decode()
    assert "years/2021/index.html" in index and "years/2026/index.html" not in index
    assert "Crown copyright 2021" in index


def test_no_gatekeeper_e_mail_address_is_on_the_page(renderer: Renderer, tmp_path: Path) -> None:
    statement = PublishedFile("signoff", "chief-inspector-HMCPSI--c.e@hmcpsi.example.json", "0" * 64, 10)
    v = dataclasses.replace(stand_in_version(tmp_path, "2026-x"), signoffs=(
        Signoff("chief-inspector-HMCPSI", "c.e@hmcpsi.example", "2026-11-26T12:07:01Z", statement),))
    for page in (renderer.shared_pages(release_of(v))["reports/2026-x/index.html"], renderer.version_page(v)):
        text = page.decode()
        assert "chief-inspector-HMCPSI" in text
        assert "c.e@hmcpsi.example" not in text and "hmcpsi.example" not in text


def test_report_types_are_named_from_the_policy(tmp_path: Path) -> None:
    policy = load_policy(ROOT_PROJECT)
    assert inspection_type(policy, "joint-evidence-review") == "Joint evidence review"
    policy.files["report_types"] = {"report_types": [{"id": "joint-evidence-review", "name": "Evidence review",
                                                      "evidence": "sources"}]}
    assert inspection_type(policy, "joint-evidence-review") == "Evidence review"
    assert inspection_type(policy, "unknown-kind") == "unknown-kind"


def test_the_wordpress_record_keeps_no_gatekeepers_address(tmp_path: Path) -> None:
    """WordPress keeps no statements: its record gives each sign-off's role, time and digests."""
    import json

    from cjji.publish.wordpress import Media, _version_record

    statement = PublishedFile("signoff", "chief-inspector-HMCPSI--c.e@hmcpsi.example.json", "a" * 64, 10)
    signature = PublishedFile("signature", "chief-inspector-HMCPSI--c.e@hmcpsi.example.json.sig", "b" * 64, 20)
    v = dataclasses.replace(stand_in_version(tmp_path, "2026-x"), signoffs=(
        Signoff("chief-inspector-HMCPSI", "c.e@hmcpsi.example", "2026-11-26T12:07:01Z", statement, signature),))
    data = _version_record(v, {(1, "pdf"): Media(3, "https://wp.example/x.pdf", v.files["pdf"].sha256)})
    assert "hmcpsi.example" not in json.dumps(data)
    assert data["signoffs"] == [{"role": "chief-inspector-HMCPSI", "signed_at": "2026-11-26T12:07:01Z",
                                 "sha256": "a" * 64, "size": 10, "signature": {"sha256": "b" * 64, "size": 20}}]
    back = record.version_from_json(data).signoffs[0]
    assert (back.role, back.identity, back.file.sha256, back.signature and back.signature.sha256) == (
        "chief-inspector-HMCPSI", "", "a" * 64, "b" * 64)


def test_a_public_sign_off_keeps_its_key_and_names_nobody_through_the_record(tmp_path: Path) -> None:
    """The local site's record of a sign-off: role, time, digests and the key's fingerprint (read
    from the real signature, as `ssh-keygen -lf` prints it); read back, it is written the same."""
    import subprocess

    key = tmp_path / "k"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "c.e@hmcpsi.example", "-f", str(key)],
                   check=True)
    data = tmp_path / "statement.json"
    data.write_text('{"identity": "c.e@hmcpsi.example"}')
    subprocess.run(["ssh-keygen", "-Y", "sign", "-q", "-f", str(key), "-n", "cjji-report-signoff", str(data)],
                   check=True)
    sig = data.with_name(data.name + ".sig")
    expected = subprocess.run(["ssh-keygen", "-lf", f"{key}.pub"], capture_output=True, text=True,
                              check=True).stdout.split()[1]
    named = Signoff("chief-inspector-HMCPSI", "c.e@hmcpsi.example", "2026-11-26T12:07:01Z",
                    PublishedFile("signoff", "chief-inspector-HMCPSI--c.e@hmcpsi.example.json", "a" * 64, 10, None,
                                  data),
                    PublishedFile("signature", "chief-inspector-HMCPSI--c.e@hmcpsi.example.json.sig", "b" * 64,
                                  sig.stat().st_size, None, sig))
    v = dataclasses.replace(stand_in_version(tmp_path, "2026-x"), signoffs=(record.anonymous(named),))
    out = record.version_to_json(v)
    assert out["signoffs"] == [{"role": "chief-inspector-HMCPSI", "signed_at": "2026-11-26T12:07:01Z",
                                "sha256": "a" * 64, "size": 10, "key": expected,
                                "signature": {"sha256": "b" * 64, "size": sig.stat().st_size}}]
    assert "hmcpsi.example" not in repr(out)
    assert record.version_to_json(record.version_from_json(out)) == out


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400) | st.builds(
    lambda body: b"-----BEGIN SSH SIGNATURE-----\n" + body + b"\n-----END SSH SIGNATURE-----\n",
    st.binary(max_size=300).map(lambda b: __import__("base64").b64encode(b"SSHSIG" + b))))
def test_a_damaged_signature_gives_no_fingerprint_and_never_an_error(sig: bytes) -> None:
    found = record.key_fingerprint(sig)
    assert found == "" or re.fullmatch(r"SHA256:[A-Za-z0-9+/]{43}", found)
