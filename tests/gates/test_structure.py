"""The structure gate: empty headings, ids used twice, heading levels that skip."""

from __future__ import annotations

from pathlib import Path

from framework_support import EXAMPLE_DIR, GOOD, brief, context, line_of, run, variant
from hypothesis import given, settings
from hypothesis import strategies as st
from support import FIXTURES

from cjji.checking import check_report
from cjji.gates import ALL, files, structure
from cjji.report import load

EMPTY = ("this heading has no words: a screen reader announces an empty heading and the contents "
         "list shows a blank entry")


def test_good_reports_pass() -> None:
    assert run(structure.GATE, GOOD) == []
    assert run(structure.GATE, EXAMPLE_DIR) == []


def test_it_runs_after_the_files_gate() -> None:
    assert ALL.index(structure.GATE) == ALL.index(files.GATE) + 1


def test_a_hash_alone_is_an_empty_heading(tmp_path: Path) -> None:
    folder = variant(tmp_path, ("# Methodology {#methodology}\n", "# Methodology {#methodology}\n\n#\n"))
    [finding] = run(structure.GATE, folder)
    assert (finding.line, finding.col, finding.rule, finding.message) == (
        line_of(folder, "# Methodology") + 2, 1, "empty-heading", EMPTY)
    assert finding.severity == "error"
    assert finding.hint == ("write the heading's words after the # marks, like `## Findings {#findings}`, "
                            "or delete the line")


def test_a_heading_with_only_an_id_is_empty(tmp_path: Path) -> None:
    folder = variant(tmp_path, ("# Findings {#findings}\n", "# Findings {#findings}\n\n## {#nurses}\n"))
    assert brief(run(structure.GATE, folder)) == [(line_of(folder, "{#nurses}"), "empty-heading", EMPTY)]


def test_a_heading_of_code_or_an_image_with_alt_text_has_words(tmp_path: Path) -> None:
    folder = variant(tmp_path, ("# Findings {#findings}\n",
                                "# Findings {#findings}\n\n## `PACE` {#pace}\n\n## ![Custody](x.png) {#pic}\n"))
    assert run(structure.GATE, folder) == []


def test_an_id_used_twice_points_at_both_places(tmp_path: Path) -> None:
    folder = variant(tmp_path, ("# Value for money {#value .cross-cutting}", "# Value for money {#findings}"))
    [finding] = run(structure.GATE, folder)
    line = line_of(folder, "# Value for money")
    assert (finding.line, finding.col, finding.rule) == (line, 20, "duplicate-id")
    assert finding.message == (f"the id 'findings' is used twice (first on line {line_of(folder, '# Findings')}): "
                               "a link to #findings can only lead to the first")
    assert finding.hint.startswith("give this one an id of its own, like {#findings-2}")


def test_a_div_and_a_span_share_the_ids_of_headings(tmp_path: Path) -> None:
    folder = variant(tmp_path, ("We examined 80", "::: {#people}\nA note.\n:::\n\nWe examined [80]{#findings}"))
    found = brief(run(structure.GATE, folder))
    assert [(line, rule) for line, rule, _ in found] == [
        (line_of(folder, "::: {#people}"), "duplicate-id"), (line_of(folder, "We examined"), "duplicate-id")]


def test_recommendation_ids_used_twice_are_left_to_the_recommendations_gate(tmp_path: Path) -> None:
    folder = variant(tmp_path, ("#R2", "#R1"))
    assert run(structure.GATE, folder) == []
    codes = [f.code for f in check_report(folder, context()).findings if "'R1'" in f.message]
    assert codes == ["recommendations/duplicate"]  # said once, with how to renumber


def test_a_chapter_followed_by_a_sub_section_skips_a_level(tmp_path: Path) -> None:
    folder = variant(tmp_path, ("# Findings {#findings}\n", "# Findings {#findings}\n\n### Nurses {#nurses}\n"))
    [finding] = run(structure.GATE, folder)
    assert (finding.line, finding.col, finding.rule) == (line_of(folder, "### Nurses"), 1, "skipped-level")
    assert finding.message == ("this heading jumps from level 1 to level 3 (# to ###): a reader moving by "
                               "headings will think a level is missing")
    assert finding.hint == "make it a level 2 heading (## ...), or add the missing level above it"


def test_going_back_up_any_number_of_levels_is_fine(tmp_path: Path) -> None:
    folder = variant(tmp_path, ("# Findings {#findings}\n",
                                "# Findings {#findings}\n\n## Nurses {#nurses}\n\n### Nights {#nights}\n"))
    assert run(structure.GATE, folder) == []  # ### then the next # chapter


def test_the_first_heading_must_be_a_chapter(tmp_path: Path) -> None:
    folder = variant(tmp_path, ("# Findings {#findings}", "## Findings {#findings}"))
    [finding] = run(structure.GATE, folder)
    assert (finding.line, finding.rule) == (line_of(folder, "## Findings"), "skipped-level")
    assert finding.message == "the first heading is level 2 (##): chapters start at level 1 (#)"
    assert finding.hint == "make it a level 1 heading (# ...), or add the missing level above it"


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="#{}. \n:-abc`![]()", max_size=80))
def test_any_body_never_makes_the_gate_fail(tmp_path_factory, body: str) -> None:  # type: ignore[no-untyped-def]
    folder = variant(tmp_path_factory.mktemp("fuzz"), ("# Methodology {#methodology}\n",
                                                       f"# Methodology {{#methodology}}\n\n{body}\n"))
    for finding in run(structure.GATE, folder):
        assert finding.line >= 1 and finding.col >= 1


FOUNDATION = FIXTURES / "foundation"


def test_a_chapter_heading_inside_a_div_or_quote_is_refused(project: Path) -> None:
    folder = project / "reports" / "2027-valid"
    folder.mkdir()
    source = (FOUNDATION / "2027-valid" / "report.md").read_text(encoding="utf-8")
    body = "\n::: {.notable-practice #NP1}\n# Inside a box\n\nText.\n:::\n\n> # Quoted chapter\n\n# Fine {#fine}\n"
    (folder / "report.md").write_text(source + body)
    report = load(folder)
    lines = report.text.split("\n")
    found = [(f.rule, f.line) for f in structure.run(report, context()) if f.rule == "nested-chapter"]
    assert found == [("nested-chapter", lines.index("# Inside a box") + 1),
                     ("nested-chapter", lines.index("> # Quoted chapter") + 1)]


def test_a_link_to_an_id_nothing_defines_is_a_located_error(tmp_path: Path) -> None:
    """Issue 16: a link to a missing id passed check and build (Typst dropped it silently)."""
    folder = variant(tmp_path, ("In 22 of 40 transfers", "As [the findings](#findngs) show, in 22 of 40 transfers"))
    [finding] = [f for f in run(structure.GATE, folder) if f.rule == "broken-link"]
    line = line_of(folder, "#findngs")
    text = (folder / "report.md").read_text().split("\n")[line - 1]
    assert (finding.line, finding.col) == (line, text.index("#findngs") + 1)
    assert finding.message == ("the link to '#findngs' leads nowhere: no heading, paragraph, box, figure "
                               "or table has the id 'findngs'")
    assert finding.hint.startswith("did you mean '#findings'?")


def test_links_to_paragraph_ids_and_the_generated_annex_lead_somewhere(tmp_path: Path) -> None:
    from cjji.annex import framework_annex
    from cjji.markdown import parse

    annex_id = next(t.attrs["id"] for t in parse(framework_annex(load(GOOD), context().policy)) if t.attrs.get("id"))
    folder = variant(tmp_path,
                     ("nobody had asked about their medication.", "nobody had asked about their medication. {#p-wait}"),
                     ("In 22 of 40 transfers",
                      f"As [](#p-wait) and [the annex](#{annex_id}) show, in 22 of 40 transfers"))
    assert [f for f in run(structure.GATE, folder) if f.rule == "broken-link"] == []


def test_a_paragraph_id_is_taken_off_the_text_and_counts_as_an_id(tmp_path: Path) -> None:
    folder = variant(tmp_path, ("nobody had asked about their medication.",
                                "nobody had asked about their medication. {#findings}"))
    report = load(folder)
    assert "{#findings}" not in "".join(t.content for t in report.walk())
    assert [f.rule for f in run(structure.GATE, folder)] == ["duplicate-id"]


# -- issue 16: cross-references that would print nothing, and the summary's S numbers -------------
ROOT = Path(__file__).resolve().parents[2]


def _body(tmp_path, body: str):
    import shutil

    from cjji.report import load

    source = next(p for p in (ROOT / "tests" / "fixtures").rglob("2027-all-constructs") if p.is_dir())
    folder = tmp_path / source.name
    shutil.copytree(source, folder)
    text = (folder / "report.md").read_text()
    head = text[: text.index("---", 4) + 4]
    (folder / "report.md").write_text(head + "\n" + body)
    return load(folder)


def _structure(report):
    from cjji.gates import structure
    from cjji.gates.base import Context
    from cjji.policy import load_policy

    return [f for f in structure.run(report, Context(load_policy(ROOT))) if f.severity == "error"]


def test_an_empty_link_to_something_without_a_number_is_an_error_at_its_column(tmp_path) -> None:
    report = _body(tmp_path, "# Summary {#summary}\n\n[A judgement]{.judgement criteria=\"C1\" #j1}\n\n"
                             "::: {#plain}\nA plain box.\n:::\n\nSee [](#j1), [](#plain), "
                             "[](#annex-framework-criteria) and [](#summary).\n")
    found = _structure(report)
    lines = report.text.split("\n")
    n = next(k for k, line in enumerate(lines) if line.startswith("See [](#j1)"))
    assert [(f.rule, f.line) for f in found] == [("unnamed-reference", n + 1)] * 3
    ids = ("j1", "plain", "annex-framework-criteria")
    assert [f.col for f in found] == [lines[n].index(f"](#{i})") + 1 for i in ids]
    assert "would show as an empty link" in found[0].message
    assert "[the table below](#j1)" in found[0].hint


def test_an_empty_link_to_the_generated_annex_is_an_error(tmp_path) -> None:
    report = _body(tmp_path, "# Summary {#summary}\n\nSee [](#annex-framework-criteria).\n")
    assert [f.rule for f in _structure(report)] == ["unnamed-reference"]


def test_a_paragraph_prefix_belongs_on_a_chapter_and_each_letter_once(tmp_path) -> None:
    report = _body(tmp_path, '# Summary {#summary paragraphs="S"}\n\nOne.\n\n## Part {#part paragraphs="T"}\n\n'
                             'Two.\n\n# Again {#again paragraphs="S"}\n\nThree.\n')
    found = _structure(report)
    lines = report.text.split("\n")
    assert [(f.rule, f.line) for f in found] == [
        ("prefix-not-chapter", lines.index('## Part {#part paragraphs="T"}') + 1),
        ("prefix-twice", lines.index('# Again {#again paragraphs="S"}') + 1)]
    assert "first is on line" in found[1].message
