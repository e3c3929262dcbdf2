from __future__ import annotations

from pathlib import Path

from framework_support import EXAMPLE_DIR, GOOD, context, line_of, variant

from cjji import markdown
from cjji.annex import escape, framework_annex, recommendations_list
from cjji.report import Report, load


def _annex(folder: Path) -> str:
    return framework_annex(load(folder), context().policy)


def test_headings_carry_annex_ids_and_are_unnumbered() -> None:
    tokens = markdown.parse(_annex(EXAMPLE_DIR))
    headings = [(t.tag, t.attrs.get("id"), t.attrs.get("class")) for t in tokens if t.type == "heading_open"]
    assert headings == [
        ("h1", "annex-framework", "unnumbered"), ("h2", "annex-framework-criteria", "unnumbered"),
        ("h2", "annex-framework-principles", "unnumbered"),
        ("h2", "annex-framework-cross-cutting", "unnumbered"),
        ("h2", "annex-framework-impact", "unnumbered"),
        ("h2", "annex-framework-recommendations", "unnumbered")]
    assert _annex(EXAMPLE_DIR).startswith(
        "# How this inspection meets the joint inspection framework {#annex-framework .unnumbered}\n")


def test_criteria_table_links_to_the_numbered_sections_that_cite_them() -> None:
    text = _annex(EXAMPLE_DIR)
    assert ("| C4 | Eligible victims are referred to the Victim Contact Scheme and are kept informed "
            "about significant events in the offender's sentence. | Code of Practice for Victims of "
            "Crime in England and Wales, Right 11 | [1.1](#main-findings), [4.3](#after-sentence) |"
            ) in text


def test_principles_map_quotes_annex_a_and_gives_reasons() -> None:
    text = _annex(GOOD)
    assert ("| 7. Disclosed criteria | Inspectors should disclose the criteria they use to form "
            "judgments. | [1](#findings) |") in text
    assert ("| 5. Rigorous self-assessment | Inspectors should encourage rigorous self-assessment by "
            "managers. Inspectors should challenge the outcomes of managers’ self-assessments, take "
            "them into account in the inspection process, and provide a comparative benchmark. | "
            "Not applicable: Neither force had assessed its custody health care, so there was no "
            "self-assessment to challenge. |") in text


def test_cross_cutting_impact_and_recommendations() -> None:
    text = _annex(GOOD)
    assert "| Equality and diversity | [2](#people) |" in text
    assert "| Victim and witness experience | Not applicable: The inspection was about" in text
    assert ("An equality impact assessment was completed on 1 June 2027 (framework paragraph 12.2). "
            "Outcome: no adverse impact identified.") in text
    assert ("| [2](#R2) | Chief constables should make sure a health care professional is available "
            "in every custody suite at all times. | Police forces \\(chief constables\\); National "
            "Police Chiefs' Council | 30 June 2028 |") not in text  # parentheses are not escaped
    assert ("| [2](#R2) | Chief constables should make sure a health care professional is available "
            "in every custody suite at all times. | Police forces (chief constables); National Police "
            "Chiefs' Council | 30 June 2028 |") in text


def test_author_text_cannot_inject_markup(tmp_path: Path) -> None:
    folder = variant(tmp_path, ('text: "Detained people see', 'text: "<b>x</b> | *y* [z](http://e) see'))
    text = _annex(folder)
    assert "\\<b\\>x\\</b\\> \\| \\*y\\* \\[z\\](http://e) see" in text
    tokens = markdown.parse(text)
    assert not [c for t in tokens for c in t.children or [] if c.type in ("html_inline", "link_open")
                and c.attrs.get("href", "#").startswith("http")]


def test_escape_keeps_text_on_one_line() -> None:
    assert escape("a\nb  c_d") == "a b c\\_d"


def test_recommendations_list_alone() -> None:
    text = recommendations_list(load(GOOD), context().policy)
    assert text.startswith("# Recommendations {#annex-recommendations .unnumbered}\n\n| No. |")
    assert text.count("](#R") == 2  # numbered 1, 2 and linked to each recommendation


def test_no_recommendations(tmp_path: Path) -> None:
    folder = variant(tmp_path, ("{.recommendation #R1", "{.note #N1"), ("{.recommendation #R2", "{.note #N2"))
    assert "This report makes no recommendations." in _annex(folder)


INJECTED_ID = "mf)![..](images/.e.png"


def _injected(tmp_path: Path) -> Path:
    """The good report whose 'people' section has a quoted id that the metadata cites (issue 13, attack 3)."""
    folder = variant(tmp_path, ("user-perspective: {sections: [people]}",
                                f'user-perspective: {{sections: ["{INJECTED_ID}"]}}'),
                     ("# People in custody {#people .cross-cutting}",
                      f'# People in custody {{id="{INJECTED_ID}" .cross-cutting}}'))
    (folder / "images").mkdir(exist_ok=True)
    (folder / "images" / ".e.png").write_bytes(b"\x89PNG\r\n\x1a\n hidden, never digested")
    return folder


def test_attack_3_a_quoted_id_cited_by_the_metadata_cannot_inject_markdown_into_the_annex(tmp_path: Path) -> None:
    folder = _injected(tmp_path)
    report = load(folder)
    assert report.section_ids.get(INJECTED_ID), "the id reaches the report model as written"
    text = _annex(folder)
    tokens = markdown.parse(text)
    images = [c for t in tokens for c in t.children or [] if c.type == "image"]
    links = [c.attrs["href"] for t in tokens for c in t.children or [] if c.type == "link_open"]
    assert images == []
    assert not any(".e.png" in str(href) for href in links)
    assert "](#mf)" not in text


def test_attack_3_the_quoted_id_is_refused_at_its_line(tmp_path: Path) -> None:
    from cjji.gates import attributes

    folder = _injected(tmp_path)
    found = [f for f in attributes.run(load(folder), context()) if f.rule == "bad-id"]
    line = line_of(folder, "# People in custody")
    assert [(f.line, f.severity) for f in found] == [(line, "error")]
    assert found[0].col == (folder / "report.md").read_text().split("\n")[line - 1].index("mf)") + 1
    assert "is not allowed" in found[0].message


def test_links_only_to_plain_ids() -> None:
    from cjji.annex import link

    assert link("R1", "R1") == "[R1](#R1)"
    assert link("1.2", "x)![a](b.png") == "1.2"
    assert link("R1 [x]", "a b") == r"R1 \[x\]"


def test_escape_leaves_nothing_that_parses_as_markup() -> None:
    hostile = "x](#a) ![i](.e.png) <b>*e*</b> `c` {#id} [^1] | ~~s~~ &amp; \\\n# h\n\n- l"
    tokens = markdown.parse(f"| a |\n|---|\n| {escape(hostile)} |\n\n{escape(hostile)}\n")
    kinds = {c.type for t in tokens for c in t.children or []}
    assert kinds <= {"text", "softbreak"}, kinds
    blocks = [t.type for t in tokens if t.type.endswith("_open")]
    assert "heading_open" not in blocks and "bullet_list_open" not in blocks


def test_the_annex_reports_the_follow_up_and_names_addressees_and_standards(tmp_path: Path) -> None:
    """Issue 16: follow-up counts are generated; addressees come from to=; a whole standard links to it."""
    from framework_support import variant

    from cjji.markdown import parse

    folder = variant(tmp_path,
                     ('owner="HMPPS"', 'to="Cleveland Police; the CPS"'),
                     ('  - {id: C2, text: "Health information passes with the person from custody into prison.", '
                      'source: "Expectations for Prisons, 1.7"}',
                      '  - {id: C2, source: "Expectations for Prisons", address: "https://www.example.org/expectations"}'),
                     ("evidence: {custody_records: 80, interviews: 30}\n",
                      "evidence: {custody_records: 80, interviews: 30}\nfollows_up:\n  title: Custody 2024\n  items:\n"
                      '    - {id: R1, kind: recommendation, status: achieved, evidence: "Done in both forces."}\n'
                      '    - {id: R2, kind: recommendation, status: not-achieved, evidence: "[Nothing](x) yet."}\n'))
    from framework_support import context

    text = framework_annex(load(folder), context().policy)
    assert "Of the 2 recommendations in Custody 2024, 1 had been achieved and 1 had not been achieved." in text
    assert "Cleveland Police; Crown Prosecution Service" in text
    assert "[Expectations for Prisons](<https://www.example.org/expectations>)" in text
    assert "The published standard as a whole" in text
    links = [c.attrs.get("href") for t in parse(text) for c in t.children or [] if c.type == "link_open"]
    assert "x" not in links  # evidence text is escaped, never a link


WELSH = Path(__file__).resolve().parent / "fixtures" / "real_shape" / "2022-dyfed-powys-custody-cy"


def _with_follow_up(folder: Path, statuses: list[tuple[str, str]]) -> Report:
    report = load(folder)
    report.meta = {**report.meta, "follows_up": {"title": "the 2018 inspection", "items": [
        {"id": f"E{n}", "kind": kind, "status": status, "evidence": "We looked."}
        for n, (kind, status) in enumerate(statuses, start=1)]}}
    return report


def test_every_annex_table_has_a_caption_of_its_own() -> None:
    """Issue 16: the annex's tables read "Table 4: <caption>", never a bare "Table 4"."""
    tokens = markdown.parse(_annex(GOOD))
    captions = [t.content for t in tokens if t.type == "inline" and t.content.startswith("Table: ")]
    assert captions == ["Table: The criteria and where this report uses them",
                        "Table: Where this report meets the ten principles of inspection",
                        "Table: Where this report covers the cross-cutting issues",
                        "Table: The recommendations of this report"]
    tables = sum(t.type == "table_open" for t in tokens)
    assert tables == len(captions)


def test_the_english_counts_sentence_says_what_the_follow_up_gate_says() -> None:
    """The annex words the counts from checks/labels.yml; in English they must not drift from the
    register's sentence (cjji.gates.follow_up.summary)."""
    from cjji.gates.follow_up import summary

    report = _with_follow_up(EXAMPLE_DIR, [("recommendation", "achieved"), ("recommendation", "achieved"),
                                           ("recommendation", "no-longer-relevant"),
                                           ("area-for-improvement", "partially-achieved"),
                                           ("cause-of-concern", "no-longer-relevant"),
                                           ("cause-of-concern", "not-achieved")])
    text = framework_annex(report, context().policy)
    for sentence in summary(report):
        assert escape(sentence) in text
    assert len(summary(report)) == 3


def test_a_welsh_edition_s_annex_is_in_welsh_and_says_the_framework_is_quoted_in_english() -> None:
    report = _with_follow_up(WELSH, [("recommendation", "achieved"), ("recommendation", "achieved"),
                                     ("recommendation", "partially-achieved"), ("recommendation", "no-longer-relevant"),
                                     ("area-for-improvement", "not-achieved")])
    text = framework_annex(report, context().policy)
    assert text.startswith("# Sut mae'r arolygiad hwn yn bodloni'r fframwaith arolygu ar y cyd {#annex-framework")
    assert "yn dyfynnu egwyddorion a materion trawsbynciol y fframwaith yn Saesneg" in text
    assert ("O'r 4 o argymhellion yn the 2018 inspection, roedd 2 wedi'u cyflawni, roedd 1 wedi'i gyflawni'n "
            "rhannol ac roedd 1 yn amherthnasol erbyn hyn.") in text
    assert "Roedd yr unig faes i'w wella yn the 2018 inspection heb ei gyflawni." in text
    assert "| E3 | Argymhelliad | wedi'i gyflawni'n rhannol | We looked. |" in text
    assert "Table: Beth ddigwyddodd i bob eitem o'r arolygiad blaenorol" in text
    assert "| 7. Disclosed criteria | Inspectors should disclose the criteria" in text  # the quote stays English
    for english in ("Of the", "had been", "Not applicable", "Not recorded", "Criterion", "Recommendation",
                    "Follow-up", "Impact assessment", "Table: The", "The published standard"):
        assert english not in text, english
