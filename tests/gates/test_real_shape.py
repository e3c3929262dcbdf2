"""Issue 16: reports shaped like real published joint reports pass `cjji check --strict` with no
finding above information, build in every format, and read as a reader expects.

The fixtures in tests/fixtures/real_shape/ are the project's own sentences, in the structure of
real reports (a joint custody inspection of one force in 2021; the 2021 neurodiversity evidence
review; a Welsh edition). One build per fixture, shared by the module's tests."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from cjji.checking import check_report
from cjji.cli import cli
from cjji.gates.base import Context
from cjji.policy import load_policy

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "real_shape"
CUSTODY = FIXTURES / "2021-cleveland-custody"
REVIEW = FIXTURES / "2021-neurodiversity-review"
WELSH = FIXTURES / "2022-dyfed-powys-custody-cy"
RAPE = FIXTURES / "2022-rape-phase-two"


@pytest.mark.parametrize("folder", [CUSTODY, REVIEW, WELSH, RAPE], ids=lambda p: p.name)
def test_a_real_shaped_report_passes_strict_with_nothing_above_information(folder: Path) -> None:
    findings = check_report(folder, Context(load_policy(ROOT))).findings
    assert [(f.code, f.line, f.message) for f in findings if f.severity != "info"] == []


def test_the_welsh_edition_says_once_that_english_rules_are_off() -> None:
    findings = check_report(WELSH, Context(load_policy(ROOT))).findings
    off = [(f.gate, f.rule, f.line) for f in findings if f.rule == "other-language"]
    line = WELSH.joinpath("report.md").read_text().split("\n").index("lang: cy") + 1
    assert off == [("spelling", "other-language", line), ("style", "other-language", line)]


def test_a_language_without_labels_is_an_error_at_its_line(tmp_path: Path) -> None:
    import shutil

    folder = tmp_path / WELSH.name
    shutil.copytree(WELSH, folder)
    text = (folder / "report.md").read_text()
    (folder / "report.md").write_text(text.replace("lang: cy", "lang: fr"))
    errors = [f for f in check_report(folder, Context(load_policy(ROOT))).findings if f.severity == "error"]
    line = text.split("\n").index("lang: cy") + 1
    assert [(f.code, f.line, f.col) for f in errors] == [("schema/unknown-language", line, 7)]
    assert "no labels for the language 'fr'" in errors[0].message


def _text_of(built: dict[str, Path]) -> dict[str, str]:
    import pypdfium2 as pdfium

    xml = zipfile.ZipFile(built["docx"]).read("word/document.xml").decode()
    pdf = pdfium.PdfDocument(str(built["pdf"]))
    try:
        pdf_text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    finally:
        pdf.close()
    html = built["html"].read_text()

    def words(text: str) -> str:  # runs and tags split words from their punctuation: join them again
        text = " ".join(text.replace("&amp;", "&").replace("&#39;", "'").replace("\u2019", "'").split())
        return re.sub(r"\s+([.,;:)])", r"\1", text).replace("( ", "(")

    return {
        "docx": words(" ".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", xml))),
        "pdf": words(pdf_text),
        "html": words(re.sub(r"<[^>]+>", " ", html)),
        "docx_xml": xml,
        "docx_numbering": zipfile.ZipFile(built["docx"]).read("word/numbering.xml").decode(),
        "html_raw": html,
    }


def _build(folder: Path, out: Path) -> dict[str, str]:
    result = CliRunner().invoke(cli, ["build", str(folder), "--root", str(ROOT), "-o", str(out)])
    assert result.exit_code == 0, result.output
    stem = out / folder.name / folder.name
    texts = _text_of({fmt: stem.with_suffix(f".{fmt}") for fmt in ("docx", "pdf", "html")})
    texts["html_path"] = str(stem.with_suffix(".html"))
    return texts


@pytest.fixture(scope="module")
def custody(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return _build(CUSTODY, tmp_path_factory.mktemp("custody"))


@pytest.fixture(scope="module")
def review(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return _build(REVIEW, tmp_path_factory.mktemp("review"))


@pytest.fixture(scope="module")
def rape(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return _build(RAPE, tmp_path_factory.mktemp("rape"))


@pytest.fixture(scope="module")
def welsh(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return _build(WELSH, tmp_path_factory.mktemp("welsh"))


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["docx", "pdf", "html"])
def test_the_custody_report_reads_as_a_reader_expects(custody: dict[str, str], fmt: str) -> None:
    text = custody[fmt]
    if fmt == "docx":  # Word numbers paragraphs with real list numbering: lists whose numbers read S1 ... and A.1 ...
        assert '<w:lvlText w:val="S%1"/>' in custody["docx_numbering"]
        assert '<w:lvlText w:val="A.%1"/>' in custody["docx_numbering"]
    else:
        assert "S1 This report sets out" in text and "S3 The force had made progress" in text
        assert "A.1 We examined 60 custody records" in text
    assert "Annex B: Glossary Detention officer" in text and "6 Annex" not in text
    assert "Cause of concern 1" in text and "Recommendation 1" in text and "Area for improvement 2" in text
    assert "For: Cleveland Police. Due: 28 February 2022." in text
    assert "As figure 1 shows" in text and "Figure 1: Detention logs examined" in text
    assert "table 1 sets out the two suites" in text
    assert "(see paragraph 1.1)" in text
    assert ("Of the 29 recommendations in the previous inspection of Cleveland police custody suites (2014), "
            "14 had been achieved, 6 had been partially achieved, 8 had not been achieved and 1 was no "
            "longer relevant.") in text
    assert "Her Majesty's Inspectorate of Prisons" in text  # the names of 2021
    for caption in ("The criteria and where this report uses them",  # the generated annex's tables
                    "Where this report meets the ten principles of inspection",
                    "Where this report covers the cross-cutting issues", "The recommendations of this report",
                    "What happened to each item of the earlier inspection"):
        assert re.search(rf"Table \d+: {caption}", text), caption


@pytest.mark.slow
def test_the_glossary_is_a_definition_list_in_every_format(custody: dict[str, str], review: dict[str, str]) -> None:
    assert "<dt>Detention officer</dt>\n<dd>A member of police staff" in custody["html_raw"]
    assert re.search(r'<w:pStyle w:val="DefinitionTerm"/>.{0,200}Detention officer', custody["docx_xml"])
    assert "Neurodivergent Having a brain that works differently" in review["pdf"]
    assert "ADHD : Attention" not in review["pdf"] + review["html"] + review["docx"]


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["docx", "pdf", "html"])
def test_the_evidence_review_names_its_real_addressees(review: dict[str, str], fmt: str) -> None:
    text = review[fmt]
    assert "For: Lord Chancellor and Secretary of State for Justice. Due: 31 July 2022." in text
    assert "For: Department of Health and Social Care and Ministry of Justice." in text
    assert "This is the subject of recommendation 2." in text and "See recommendation 1." in text
    assert re.search(r"Case study 1 (3\.2 )?A man with a learning disability", text)  # its paragraph is numbered


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["docx", "pdf", "html"])
def test_the_welsh_edition_is_labelled_in_welsh(welsh: dict[str, str], fmt: str) -> None:
    text = welsh[fmt]
    assert "Cynnwys" in text and "Contents" not in text
    assert "Achos pryder 1" in text and "Argymhelliad 1" in text and "Maes i'w wella 1" in text
    assert "Ar gyfer: Heddlu Dyfed-Powys. Erbyn: 30 Medi 2022." in text  # checks/bodies.yml names: {cy: ...}
    assert "Gweler paragraff S1 ac argymhelliad 1." in text
    assert "Mae tabl 1 yn dangos y dalfeydd." in text and "Tabl 1: Dalfeydd yr heddlu" in text
    assert "Atodiad A" in text
    assert re.search(r"Tabl \d+: Y meini prawf a ble mae'r adroddiad hwn yn eu defnyddio", text)


@pytest.mark.slow
def test_the_welsh_edition_declares_its_language(welsh: dict[str, str]) -> None:
    assert '<html lang="cy">' in welsh["html_raw"]


def test_an_older_report_s_paragraph_numbered_recommendation_can_be_followed_up(tmp_path: Path) -> None:
    """Older custody reports identify their recommendations by paragraph ("3.27"): the follow-up
    names them so, and nothing needs inventing an R-number."""
    import shutil

    folder = tmp_path / CUSTODY.name
    shutil.copytree(CUSTODY, folder)
    text = (folder / "report.md").read_text()
    (folder / "report.md").write_text(text.replace("- {id: R3, kind:", '- {id: "3.27", kind:', 1))
    findings = check_report(folder, Context(load_policy(ROOT))).findings
    assert [f.code for f in findings if f.severity in ("error", "warning")] == []
    (folder / "report.md").write_text(text.replace("- {id: R3, kind:", '- {id: "-3", kind:', 1))
    errors = [f for f in check_report(folder, Context(load_policy(ROOT))).findings if f.severity == "error"]
    assert [f.code for f in errors] == ["schema/pattern"]


@pytest.mark.slow
def test_a_page_that_loses_a_figure_s_number_fails_the_outputs_check(custody: dict[str, str], tmp_path: Path) -> None:
    """Figure numbers are labels cjji decides: every format must print "Figure 1: ..." as one piece."""
    from cjji.gates import outputs
    from cjji.report import load

    page = tmp_path / "page.html"
    page.write_text(Path(custody["html_path"]).read_text().replace("Figure 1: Detention logs", "Detention logs"))
    found = outputs.reader_findings(load(CUSTODY), {"html": page}, load_policy(ROOT))
    assert [f.message for f in found] == [
        "the HTML page has lost this label: 'Figure 1: Detention logs examined, January to May 2021'"]


def test_a_class_with_no_meaning_is_a_warning_with_what_it_may_mean(tmp_path: Path) -> None:
    """Issue 16: `.good-practice` was accepted without a word and printed as plain paragraphs."""
    import shutil

    folder = tmp_path / REVIEW.name
    shutil.copytree(REVIEW, folder)
    text = (folder / "report.md").read_text().replace(".case-study #cs-reminders", ".good-practice #cs-reminders")
    (folder / "report.md").write_text(text)
    found = [f for f in check_report(folder, Context(load_policy(ROOT))).findings if f.severity == "warning"]
    line = text.split("\n").index("::: {.good-practice #cs-reminders}") + 1
    assert [(f.code, f.line, f.col) for f in found] == [("attributes/unknown-class", line, 6)]
    assert found[0].message == ("the class '.good-practice' means nothing to cjji: this is printed as plain text, "
                                "with no label or box")
    assert found[0].hint.startswith("did you mean .notable-practice?")


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["docx", "pdf", "html"])
def test_the_joint_thematic_report_shows_its_addressees_and_publication_details(rape: dict[str, str], fmt: str) -> None:
    text = rape[fmt].replace("\u2019", "'")
    assert ("For: Crown Prosecution Service and National Police Chiefs' Council. Due: 31 March 2023. "
            "Recommendation 2") in text.replace("Recommendation 2 3.2", "Recommendation 2")
    assert "For: Home Office and College of Policing." in text and "For: Victims' Commissioner." in text
    assert "so that the work in paragraph 1.1 is done." in text
    assert "978-1-80001-234-9" in text and "CP001:1268" in text
