"""The front matter every format shows before the contents (cjji.build.publication.front_matter):
Crown copyright of the report's year, the Open Government Licence with its link, the ISBN and
publication number when given, who to ask for other formats (the site's contact), and "Who we
are" for each inspectorate in the names of the report's date. Decided once; no build needed here."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support import EXAMPLE, ROOT

from cjji.build.brand import load_brand
from cjji.build.pandoc_ast import BuildError
from cjji.build.publication import FrontMatter, front_matter, linked
from cjji.policy import load_policy
from cjji.report import Report, load

POLICY = load_policy(ROOT)
BRAND = load_brand(ROOT)


def _example(**publication: str) -> Report:
    report = load(EXAMPLE)
    report.meta = copy.deepcopy(report.meta)
    report.meta["publication"].update(publication)
    return report


def _texts(front: FrontMatter) -> list[str]:
    return [front.plain(p) for p in front.notices]


def test_inside_cover_copyright_of_the_reports_year_and_the_licence_linked() -> None:
    front = front_matter(_example(date="2021-08-12"), POLICY, BRAND)
    licence = front.notices[0]
    assert front.plain(licence).startswith("© Crown copyright 2021.")  # the report's year, not today's
    links = dict((text, href) for text, href in licence if href)
    assert links["Open Government Licence v3.0"] == BRAND.licence_url
    assert links["nationalarchives.gov.uk/doc/open-government-licence/version/3"].startswith("https://")


def test_isbn_and_publication_number_only_when_given() -> None:
    without = _texts(front_matter(_example(), POLICY, BRAND))
    assert not any(t.startswith(("ISBN", "Publication number")) for t in without)
    given_ = _texts(front_matter(_example(isbn="978-1-915527-26-9", number="CP001:1268"), POLICY, BRAND))
    assert "ISBN: 978-1-915527-26-9" in given_
    assert "Publication number: CP001:1268" in given_


def test_alternative_formats_name_the_site_contact_with_a_mailto_link() -> None:
    front = front_matter(_example(), POLICY, BRAND)
    formats = next(p for p in front.notices if "other formats" in front.plain(p))
    assert ("cjji.publications@cjji-reports.invalid", "mailto:cjji.publications@cjji-reports.invalid") in formats
    assert "Criminal Justice Joint Inspection secretariat" in front.plain(formats)
    assert "within 10 working days" in front.plain(formats)


def test_a_changed_site_contact_changes_every_report(project: Path, example_copy: Path) -> None:
    site = project / "templates" / "site" / "site.yml"
    site.write_text(site.read_text().replace("cjji.publications@cjji-reports.invalid", "formats@example.org"))
    front = front_matter(load(example_copy), load_policy(project), load_brand(project))
    assert any("formats@example.org" in front.plain(p) for p in front.notices)


def test_a_missing_site_configuration_is_a_build_error_not_an_invented_address(project: Path,
                                                                                example_copy: Path) -> None:
    (project / "templates" / "site" / "site.yml").unlink()
    with pytest.raises(BuildError) as caught:
        front_matter(load(example_copy), load_policy(project), load_brand(project))
    finding = caught.value.findings[0]
    assert finding.rule == "site-settings" and finding.file == "templates/site/site.yml"


def test_a_site_contact_without_an_address_is_located(project: Path, example_copy: Path) -> None:
    site = project / "templates" / "site" / "site.yml"
    site.write_text(site.read_text().replace("email: cjji.publications@cjji-reports.invalid", "email: nobody"))
    with pytest.raises(BuildError) as caught:
        front_matter(load(example_copy), load_policy(project), load_brand(project))
    finding = caught.value.findings[0]
    line = next(n for n, text in enumerate(site.read_text().splitlines(), 1) if "email: nobody" in text)
    assert (finding.file, finding.line) == ("templates/site/site.yml", line)
    assert "e-mail address" in finding.message


def test_who_we_are_lead_first_in_the_names_of_the_reports_date() -> None:
    now = front_matter(_example(), POLICY, BRAND).who_we_are
    assert [s.code for s in now] == ["HMCPSI", "HMICFRS", "HMIProbation"]  # the lead first
    assert now[1].text.startswith("His Majesty's Inspectorate of Constabulary and Fire & Rescue Services inspects")
    assert all(s.does and s.does[0].islower() for s in now)
    old = front_matter(_example(date="2016-05-01"), POLICY, BRAND).who_we_are
    assert old[0].name == "Her Majesty's Crown Prosecution Service Inspectorate"
    assert old[1].name == "Her Majesty's Inspectorate of Constabulary"
    assert "fire and rescue" not in old[1].does  # HMIC's own statement: it did not inspect fire services then


def test_every_inspectorate_has_a_who_we_are_of_its_own() -> None:
    statements = {code: entry.get("who_we_are", "") for code, entry in POLICY.inspectorates.items()}
    assert all(len(text.split()) >= 8 for text in statements.values()), statements
    assert len(set(statements.values())) == len(statements)


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80),
       st.sampled_from(["", "see example.org/a/b.", "write to a.b@example.org now", "Licence v3 here"]))
def test_linked_segments_always_give_back_the_text(prefix: str, rest: str) -> None:
    text = prefix + rest
    segments = linked(text, {"Licence v3": "https://example.org/l"})
    assert "".join(t for t, _ in segments) == text
    for part, href in segments:
        if href.startswith("mailto:"):
            assert href == "mailto:" + part
        elif href and part != "Licence v3":
            assert href.endswith(part)
