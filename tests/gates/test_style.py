"""The style gate: the starter rules in checks/style/ find house style problems at their positions;
the rule files are validated; severities come from checks/; `cjji check --list-rules`."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from support import EXAMPLE, FIXTURES, ROOT

from cjji.cli import cli
from cjji.findings import Finding
from cjji.gates import style
from cjji.gates.base import Context
from cjji.policy import PolicyError, load_policy
from cjji.report import load

FIXTURE = FIXTURES / "language" / "style"


def run(root: Path = ROOT, report: Path = FIXTURE) -> list[Finding]:
    return style.run(load(report), Context(load_policy(root)))


def where(findings: list[Finding]) -> list[tuple[str, int, int]]:
    return sorted((f.rule, f.line, f.col) for f in findings)


def test_the_example_report_follows_the_house_style() -> None:
    assert run(report=EXAMPLE) == []


def test_every_starter_rule_type_finds_its_problem_at_its_position() -> None:
    assert where(run()) == [
        ("acronyms", 17, 54),  # WCU never spelled out (VLS is, in the same paragraph)
        ("avoid", 11, 40),  # Going forward
        ("avoid", 11, 71),  # leverage
        ("avoid-common", 11, 80),  # robust: information only (the quotation's is the speaker's, not checked)
        ("consistency", 15, 49),  # focussed after focused
        ("dates", 11, 4),  # 5th December 2023
        ("headings", 7, 12),  # Findings In Northshire: 'In'
        ("latin", 9, 21),  # e.g.
        ("latin", 9, 53),  # etc.
        ("numbers", 13, 65),  # 3 hearings
        ("per-cent", 9, 65),  # 45%
        ("plain-english", 13, 32),  # prior to
        ("plain-english-common", 13, 17),  # assist: information only
        ("readability", 19, 1),  # the long sentence
        ("repeated-words", 11, 26),  # the the
        ("sentence-length", 19, 1),  # 46 words
    ]


def test_messages_say_what_is_wrong_and_hints_say_what_to_write() -> None:
    found = {(f.rule, f.line, f.col): f for f in run()}
    latin = found[("latin", 9, 21)]
    assert latin.message == "'e.g.' is a Latin abbreviation or phrase; many readers do not know it"
    assert latin.hint == "write 'for example' or 'such as'"
    assert latin.severity == "error"
    assert found[("plain-english", 13, 32)].hint == "write 'before'"
    assert found[("sentence-length", 19, 1)].message == (
        "this sentence has 46 words; keep sentences to 45 words or fewer")
    assert found[("avoid", 11, 71)].message == (
        "avoid 'leverage': GOV.UK's list: write 'use' (unless in the financial sense)")
    assert found[("numbers", 13, 65)].message == (
        "write '3' in words ('three'): numbers from one to nine are words in our reports")
    assert found[("avoid-common", 11, 80)].severity == "info"
    assert found[("sentence-length", 19, 1)].severity == "warning"
    assert found[("consistency", 15, 49)].message.startswith("'focussed' here, but 'focused' on line 15")
    assert found[("headings", 7, 12)].message.endswith("('In')")


def test_project_wide_severities_override_the_rule_files(project: Path) -> None:
    language = project / "checks" / "language.yml"
    language.write_text(language.read_text(encoding="utf-8").replace(
        "severities: {}", "severities: {style: info, style/latin: 'off', style/avoid: error}"), encoding="utf-8")
    found = run(project)
    assert not [f for f in found if f.rule == "latin"]
    assert {f.severity for f in found if f.rule == "avoid"} == {"error"}
    assert {f.severity for f in found if f.rule == "dates"} == {"info"}


def test_a_new_rule_is_a_yaml_file_not_code(project: Path) -> None:
    (project / "checks" / "style" / "whilst.yml").write_text(
        "extends: substitution\nmessage: \"write 'while', not '{match}'\"\nseverity: warning\n"
        "swap: {whilst: while}\n", encoding="utf-8")
    body = (FIXTURE / "report.md").read_text(encoding="utf-8") + "\nWhilst waiting, victims called.\n"
    folder = project / "reports" / "style"
    folder.mkdir()
    (folder / "report.md").write_text(body, encoding="utf-8")
    [f] = [f for f in run(project, folder) if f.rule == "whilst"]
    assert (f.line, f.col, f.message, f.hint) == (25, 1, "write 'while', not 'Whilst'", "write 'While'")


def test_a_mistake_in_a_rule_file_is_a_located_policy_error(project: Path) -> None:
    (project / "checks" / "style" / "broken.yml").write_text(
        "extends: existence\nmessage: avoid it\nseverity: fatal\ntokens: ['(unclosed']\nswap: {a: b}\n",
        encoding="utf-8")
    try:
        load_policy(project)
    except PolicyError as exc:
        problems = {(f.file.rsplit("/", 1)[-1], f.line, f.message) for f in exc.findings}
    else:
        raise AssertionError("the broken rule file was accepted")
    assert all(name == "broken.yml" for name, _, _ in problems)
    messages = dict((line, message) for _, line, message in problems)
    assert sorted(messages) == [1, 3, 4]
    assert "'swap' is not one of the allowed values" in messages[1]  # not a field of existence rules
    assert "'fatal'" in messages[3]
    assert "'(unclosed'" in messages[4]


def test_list_rules_prints_every_rule_with_its_id_severity_and_message() -> None:
    result = CliRunner().invoke(cli, ["check", "--list-rules", "--root", str(ROOT)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == len(list((ROOT / "checks" / "style").glob("*.yml")))
    latin = next(line for line in lines if line.startswith("style.latin "))
    assert latin.split()[1:3] == ["error", "substitution"]
    assert "Latin abbreviation" in latin


# -- the names rule's pattern of every exact name, grouped by first letter (speed only) ------------

NAME = st.text(alphabet="ABCab .'’()&-2é\\*", max_size=8)


@settings(max_examples=300, deadline=None)
@given(names=st.sets(NAME, min_size=1, max_size=12), data=st.data())
def test_the_grouped_names_pattern_finds_what_the_flat_one_does(names: set[str], data: st.DataObject) -> None:
    from cjji.style.text import alternation

    exact = sorted(names, key=len, reverse=True)
    pieces = data.draw(st.lists(st.sampled_from(exact) | st.text(alphabet="Ab .x\n'", max_size=3), max_size=12))
    text = "".join(pieces)  # names next to names, their prefixes and extensions, and other text
    flat = re.compile(r"(?<![\w])(?:" + "|".join(re.escape(t) for t in exact) + r")(?![\w])")
    grouped = re.compile(r"(?<![\w])(?:" + alternation(exact) + r")(?![\w])")
    assert [m.span() for m in grouped.finditer(text)] == [m.span() for m in flat.finditer(text)]


def test_the_names_rule_on_the_real_vocabulary_blanks_the_same_names() -> None:
    from cjji.style import names, vocabulary

    vocab = vocabulary.load(load_policy(ROOT))
    exact = sorted({names._plain(n.text) for n in vocab.names}, key=len, reverse=True)
    flat = re.compile(r"(?<![\w])(?:" + "|".join(re.escape(t) for t in exact) + r")(?![\w])")
    known, _ = names._prepare(vocab, ())
    assert known is not None
    text = " ".join(exact) + " " + " ".join(t.lower() for t in exact) + " " + "x".join(exact[::7])
    assert [m.span() for m in known.finditer(text)] == [m.span() for m in flat.finditer(text)]
    assert len(list(known.finditer(text))) >= len(exact)


@settings(max_examples=300, deadline=None)
@given(forms=st.sets(st.text(alphabet="abAB -ſKk2é", max_size=6), min_size=1, max_size=10), data=st.data())
def test_the_grouped_hyphenation_pattern_finds_what_the_flat_one_does(forms: set[str], data: st.DataObject) -> None:
    """The hyphenation rule's pattern ignores case and lets a space stand for any white space."""
    from cjji.style.hyphenation import _spaced
    from cjji.style.text import alternation

    ordered = sorted(forms, key=len, reverse=True)
    pieces = data.draw(st.lists(st.sampled_from(ordered) | st.sampled_from(ordered).map(str.upper)
                                | st.text(alphabet="aB \n-ſK", max_size=3), max_size=12))
    text = "".join(pieces)
    flat = re.compile(r"(?<![\w-])(?:" + "|".join(_spaced(f) for f in ordered) + r")(?![\w-])", re.I)
    grouped = re.compile(r"(?<![\w-])(?:" + alternation(ordered, _spaced, ignorecase=True) + r")(?![\w-])", re.I)
    assert [m.span() for m in grouped.finditer(text)] == [m.span() for m in flat.finditer(text)]


def test_case_blind_grouping_keeps_the_longest_match_when_groups_could_overlap() -> None:
    """'ab c' is matched whole by 'Ab c', not cut at 'ab': groups by 'a' and 'A' would try 'ab' first."""
    from cjji.style.hyphenation import _spaced
    from cjji.style.text import alternation

    forms = ["abxyz", "Ab c", "ab"]
    pattern = re.compile(r"(?<![\w-])(?:" + alternation(forms, _spaced, ignorecase=True) + r")(?![\w-])", re.I)
    assert [m.group() for m in pattern.finditer("see ab c and ab.")] == ["ab c", "ab"]
