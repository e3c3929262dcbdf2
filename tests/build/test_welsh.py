"""Issue 16: a Welsh edition (`lang: cy`) prints no English words of cjji's own in any format.

Every word the writers print around the report (front matter, page chrome, footers, the generated
framework annex) comes from checks/labels.yml in the report's language. The framework's own text
(the principles and cross-cutting issues, quoted in English) and proper names may be English; the
chrome words below may appear only as often as those quotes and names contain them (today: never).
One build of the Welsh fixture in tests/fixtures/real_shape/, shared by the module's tests."""

from __future__ import annotations

import copy
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cjji.build.brand import load_brand
from cjji.build.pandoc_ast import BuildError
from cjji.build.publication import front_matter, page_words
from cjji.checking import check_report
from cjji.cli import cli
from cjji.gates.base import Context
from cjji.policy import load_policy
from cjji.report import load

ROOT = Path(__file__).resolve().parents[2]
WELSH = ROOT / "tests" / "fixtures" / "real_shape" / "2022-dyfed-powys-custody-cy"
POLICY = load_policy(ROOT)
CHROME = ["Page", "Contents", "Published", "Recommendation", "Who we are", "Crown copyright", "Annex",
          "Figure", "Table", "Lead inspectorate", "Skip to main content", "Not applicable", "Not recorded",
          "Open Government Licence", "About this report", "logo", "Footnote", "Back to the text"]


def _words(text: str) -> str:
    return " ".join(text.replace("&amp;", "&").replace("&#39;", "'").replace("\u2019", "'").split())


def _html_text(html: str) -> str:
    """What a reader meets in the page: its text, and the alt, aria-label and title attributes a
    screen reader speaks; the stylesheet's printed footer ("Page 3 of 10") too."""
    spoken = re.findall(r'\b(?:alt|aria-label|title)="([^"]*)"', html)
    printed = re.findall(r"content:\s*([^;]*counter\(page\)[^;]*);", html)
    visible = re.sub(r"<style>.*?</style>", " ", html, flags=re.S)
    return _words(" ".join([re.sub(r"<[^>]+>", " ", visible), *spoken, *printed]))


@pytest.fixture(scope="module")
def welsh(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    import pypdfium2 as pdfium

    out = tmp_path_factory.mktemp("welsh")
    result = CliRunner().invoke(cli, ["build", str(WELSH), "--root", str(ROOT), "-o", str(out)])
    assert result.exit_code == 0, result.output
    stem = out / WELSH.name / WELSH.name
    with zipfile.ZipFile(stem.with_suffix(".docx")) as docx:  # the body, headers and footers
        parts = [docx.read(n).decode() for n in docx.namelist() if re.fullmatch(r"word/[^/]+\.xml", n)]
    pdf = pdfium.PdfDocument(str(stem.with_suffix(".pdf")))
    try:
        pages = [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
    finally:
        pdf.close()
    return {
        "docx": _words(" ".join(" ".join(re.findall(r"<w:(?:t|instrText)[^>]*>([^<]*)</w:", p)) for p in parts)),
        "pdf": _words(" ".join(pages)),
        "pdf_last": _words(pages[-1]),
        "html": _html_text(stem.with_suffix(".html").read_text()),
    }


def _quoted_and_names() -> str:
    """The framework text the annex quotes in English, and the names the edition prints."""
    policy = load_policy(ROOT)
    texts = [str(p.get(k, "")) for p in policy.get("principles", {}).get("principles", []) for k in ("name", "text")]
    texts += [str(i.get("name", "")) for i in policy.get("cross_cutting", {}).get("issues", [])]
    for entry in policy.inspectorates.values():
        texts += [str(entry.get("name", "")), *(str(e.get("name", "")) for e in entry.get("earlier_names", []))]
    texts += ["Expectations for Police Custody", "The English edition of this report"]  # the report's own
    return " ".join(texts)


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["docx", "pdf", "html"])
def test_no_english_chrome_word_in_the_welsh_edition(welsh: dict[str, str], fmt: str) -> None:
    allowed = _quoted_and_names()
    found = {}
    for word in CHROME:
        pattern = re.compile(rf"\b{re.escape(word)}\b")
        extra = len(pattern.findall(welsh[fmt])) - len(pattern.findall(allowed))
        if extra > 0:
            at = pattern.search(welsh[fmt])
            assert at is not None
            found[word] = welsh[fmt][max(0, at.start() - 50):at.end() + 50]
    assert found == {}


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["docx", "pdf", "html"])
def test_the_welsh_front_matter_and_chrome_read_in_welsh(welsh: dict[str, str], fmt: str) -> None:
    text = welsh[fmt]
    assert "© Hawlfraint y Goron 2022. Mae'r cyhoeddiad hwn wedi'i drwyddedu o dan delerau'r Drwydded " \
           "Llywodraeth Agored v3.0" in text
    assert "Pwy ydym ni" in text
    assert re.search(r"Mae Her Majesty's Inspectorate of Constabulary and Fire & Rescue Services yn arolygu "
                     r"heddluoedd yng Nghymru a Lloegr", text)
    assert "Mae'r adroddiad hwn ar gael mewn fformatau eraill" in text
    if fmt == "html":
        assert "Cyhoeddwyd 15 Mawrth 2022" in text and "Arolygiaeth arweiniol" in text
        assert "Am yr adroddiad hwn" in text  # the inside cover's heading on the page
        assert "Neidio i'r prif gynnwys" in text and '"Tudalen" " " counter(page) " " "o"' in text
        assert "Arolygiad dalfeydd ar y cyd" in text
        assert "Troednodiadau" in text and "Troednodyn 1" in text and "Yn ôl at destun troednodyn 1" in text
    else:
        assert "15 Mawrth 2022" in text  # the cover's date


@pytest.mark.slow
def test_the_welsh_page_footers(welsh: dict[str, str]) -> None:
    assert re.search(r"Tudalen \d+ o \d+$", welsh["pdf_last"])
    assert "Tudalen PAGE" in welsh["docx"]  # Word's footer: the word, then the PAGE field


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["docx", "pdf", "html"])
def test_the_generated_annex_is_in_welsh_with_captioned_tables(welsh: dict[str, str], fmt: str) -> None:
    text = welsh[fmt]
    assert "Sut mae'r arolygiad hwn yn bodloni'r fframwaith arolygu ar y cyd" in text
    assert "yn dyfynnu egwyddorion a materion trawsbynciol y fframwaith yn Saesneg" in text  # the framework is quoted
    assert "Cwblhawyd asesiad o'r effaith ar y Gymraeg ar 10 Ionawr 2022 (paragraff 12.2 y fframwaith)." in text
    for n, caption in enumerate(["Y meini prawf a ble mae'r adroddiad hwn yn eu defnyddio",
                                 "Ble mae'r adroddiad hwn yn bodloni'r deg egwyddor arolygu",
                                 "Ble mae'r adroddiad hwn yn ymdrin â'r materion trawsbynciol",
                                 "Argymhellion yr adroddiad hwn"], start=2):  # the report's own table is 1
        assert f"Tabl {n}: {caption}" in text
    assert "Tabl 6" not in text


def test_a_welsh_edition_without_a_welsh_statement_is_refused_at_check_and_build(tmp_path: Path) -> None:
    """No English "Who we are" in a Welsh edition: a located error at `lang`, in check and build."""
    policy = load_policy(ROOT)
    hmicfrs = next(i for i in policy.files["inspectorates"]["inspectorates"] if i["code"] == "HMICFRS")
    del hmicfrs["who_we_are_in"]
    line = WELSH.joinpath("report.md").read_text().split("\n").index("lang: cy") + 1
    errors = [f for f in check_report(WELSH, Context(policy)).findings if f.severity == "error"]
    assert [(f.rule, f.line, f.col) for f in errors] == [("who-we-are", line, 7)]
    assert "no 'Who we are' statement in the language 'cy' for HMICFRS" in errors[0].message
    with pytest.raises(BuildError) as raised:
        front_matter(load(WELSH), policy, load_brand(ROOT))
    [finding] = raised.value.findings
    assert (finding.rule, finding.line, finding.col) == ("who-we-are", line, 7)
    assert "HMICFRS" in finding.message and "HMIPrisons" not in finding.message


def test_an_earlier_name_s_welsh_statement_is_used_for_its_date() -> None:
    policy = load_policy(ROOT)
    report = load(WELSH)
    report.meta = copy.deepcopy(report.meta)
    report.meta["publication"] = {"date": "2016-05-01"}  # HMIC's time: no fire and rescue services
    [first, _] = front_matter(report, policy, load_brand(ROOT)).who_we_are
    assert first.before == "Mae " and first.name == "Her Majesty's Inspectorate of Constabulary"
    assert first.does.startswith("yn arolygu heddluoedd") and "tân" not in first.does


def test_labels_without_a_text_for_the_language_are_refused_by_the_schema(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "checks", tmp_path / "checks")
    labels = (tmp_path / "checks" / "labels.yml").read_text()
    (tmp_path / "checks" / "labels.yml").write_text(labels.replace("        footer: \"Tudalen {page} o {pages}\"\n",
                                                                   "        footer: \"Tudalen {page}\"\n"))
    from cjji.policy import PolicyError

    with pytest.raises(PolicyError) as raised:
        load_policy(tmp_path)
    lines = labels.split("\n")
    line = next(n for n, text in enumerate(lines, 1) if "Tudalen {page} o {pages}" in text)
    assert [(f.file.endswith("labels.yml"), f.line) for f in raised.value.findings] == [(True, line)]


@pytest.mark.parametrize(("footer", "words"), [("Page {page} of {pages}", ["Page", "of", ""]),
                                               ("Tudalen {page} o {pages}", ["Tudalen", "o", ""]),
                                               ("{page} / {pages} pp.", ["", "/", "pp."])])
def test_page_words(footer: str, words: list[str]) -> None:
    assert page_words(footer) == words


def test_a_placeholder_the_writers_do_not_fill_is_refused_at_its_line(tmp_path: Path) -> None:
    """A typo such as {mail} for {email} would stop every build with a traceback: the schema says where."""
    shutil.copytree(ROOT / "checks", tmp_path / "checks")
    labels = (tmp_path / "checks" / "labels.yml").read_text()
    assert labels.count("cysylltwch â {team} yn {email}.") == 1
    (tmp_path / "checks" / "labels.yml").write_text(labels.replace("yn {email}.", "yn {mail}."))
    from cjji.policy import PolicyError

    with pytest.raises(PolicyError) as raised:
        load_policy(tmp_path)
    line = [n for n, text in enumerate(labels.split("\n"), 1) if "formats: >-" in text][-1]  # Welsh's (after English)
    [finding] = raised.value.findings
    assert finding.file.endswith("labels.yml") and finding.line in (line, line + 1)
    assert "{team}, {email}" in finding.hint


@given(title=st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=40)  # YAML has no NUL
       .filter(lambda t: t.strip()))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_earlier_report_title_is_printed_as_text_in_the_welsh_counts(title: str) -> None:
    """The author's title goes into checks/labels.yml's sentence as a value, never as a template:
    braces and Markdown in it neither crash the build nor become markup."""
    from cjji import markdown
    from cjji.annex import framework_annex

    report = load(WELSH)
    report.meta = {**report.meta, "follows_up": {"title": title, "items": [
        {"id": "E1", "kind": "recommendation", "status": "achieved", "evidence": "We looked."},
        {"id": "E2", "kind": "recommendation", "status": "not-achieved", "evidence": "We looked."}]}}
    text = framework_annex(report, POLICY)
    tokens = markdown.parse(text)
    sentence = next(t.content for t in tokens if t.type == "inline" and t.content.startswith("O'r 2 o argymhellion"))
    plain = " ".join(title.split())
    assert sentence.endswith(", roedd 1 wedi'i gyflawni ac roedd 1 heb ei gyflawni.")
    rendered = "".join(c.content for t in tokens if t.type == "inline" and t.content == sentence
                       for c in t.children or [] if c.type == "text")
    assert plain in rendered or plain.replace("\\", "") in rendered.replace("\\", "")


def test_a_project_whose_labels_have_no_words_is_refused_with_a_located_error(tmp_path: Path) -> None:
    """An older checks/ without labels.yml's `english:` texts: the build says which words are
    missing and where they go (exit 1, no traceback), and prints no made-up English."""
    project = tmp_path / "project"
    for folder in ("checks", "templates", "schemas"):
        shutil.copytree(ROOT / folder, project / folder)
    (project / "checks" / "labels.yml").unlink()
    report = ROOT / "tests" / "fixtures" / "real_shape" / "2021-cleveland-custody"
    result = CliRunner().invoke(cli, ["build", str(report), "--root", str(project), "-o", str(tmp_path / "out"),
                                      "-f", "html", "--no-cache"])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "checks/labels.yml: error [build/labels] checks/labels.yml has no english.text." in result.output
    assert not list((tmp_path / "out").rglob("*.html"))


def test_a_welsh_figure_s_data_table_is_captioned_in_welsh() -> None:
    from cjji.blocks import data_caption, labels_of
    from cjji.markdown import parse

    source = '![Dyddiau](images/x.png "Dyddiau fesul ardal")'
    image = next(c for t in parse(source) for c in t.children or [] if c.type == "image")
    assert data_caption(image, 2, labels_of(POLICY, "cy")) == "Data ar gyfer ffigur 2: Dyddiau fesul ardal"
    assert data_caption(image, 2, labels_of(POLICY, "en")) == "Data for figure 2: Dyddiau fesul ardal"
