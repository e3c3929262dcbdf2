"""templates/brand.yml: the one brand source, validated with located errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import ROOT

from cjji.build.brand import BrandError, load_brand
from cjji.policy import load_policy


def test_the_project_brand_loads_with_a_logo_for_every_inspectorate() -> None:
    brand = load_brand(ROOT)
    assert brand.colours["primary"].startswith("#")
    assert brand.fonts["body"][0] == "Arial"
    assert brand.joint_logo.is_file()
    for code in load_policy(ROOT).inspectorates:
        logo = brand.logo(code)
        assert logo is not None and logo.is_file(), code
        assert "<title" in logo.read_text()  # logos are images with a text alternative


def test_licence_text_names_the_year_and_the_ogl() -> None:
    text = load_brand(ROOT).licence_text(2026)
    assert "© Crown copyright 2026" in text
    assert "Open Government Licence v3.0" in text


def _broken(project: Path, old: str, new: str) -> BrandError:
    path = project / "templates" / "brand.yml"
    path.write_text(path.read_text().replace(old, new, 1))
    with pytest.raises(BrandError) as caught:
        load_brand(project)
    return caught.value


def test_a_bad_colour_is_a_located_error(project: Path) -> None:
    err = _broken(project, 'primary: "#1d4e5f"', 'primary: "teal"')
    [finding] = err.findings
    lines = (project / "templates" / "brand.yml").read_text().split("\n")
    assert "teal" in lines[finding.line - 1]
    assert "colours.primary" in finding.message
    assert "six hexadecimal digits" in finding.hint


def test_a_missing_logo_file_is_a_located_error(project: Path) -> None:
    (project / "templates" / "logos" / "CQC.svg").unlink()
    with pytest.raises(BrandError) as caught:
        load_brand(project)
    [finding] = caught.value.findings
    assert finding.rule == "missing-logo"
    assert "templates/logos/CQC.svg" in finding.message
    lines = (project / "templates" / "brand.yml").read_text().split("\n")
    assert "CQC" in lines[finding.line - 1]


def test_a_yaml_error_is_located(project: Path) -> None:
    err = _broken(project, "name: Criminal", "name: [Criminal")
    assert err.findings[0].line >= 1
    assert err.findings[0].rule == "yaml"
