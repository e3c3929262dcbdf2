"""The spelling gate: British English from hunspell's en_GB dictionary, the project word list and
the report's own words; each misspelling at its line and column with hunspell's suggestions."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support import EXAMPLE, FIXTURES, ROOT

from cjji.findings import Finding
from cjji.gates import spelling
from cjji.gates.base import Context
from cjji.policy import load_policy
from cjji.report import load

pytestmark = pytest.mark.skipif(spelling.find_dictionary("en_GB") is None,
                                reason="hunspell-en-gb is not installed (scripts/setup-system.sh)")
FIXTURE = FIXTURES / "language" / "spelling"


def context(root: Path = ROOT) -> Context:
    return Context(load_policy(root))


def where(findings: list[Finding]) -> list[tuple[str, int, int, str]]:
    return sorted((f.rule, f.line, f.col, f.message.split("'")[1]) for f in findings)


def test_the_example_report_is_spelled_correctly() -> None:
    assert spelling.run(load(EXAMPLE), context()) == []


def test_misspellings_and_us_spellings_are_found_at_their_positions() -> None:
    assert where(spelling.run(load(FIXTURE), context())) == [
        ("british", 9, 20, "organize"),
        ("british", 9, 69, "program"),
        ("misspelt", 11, 25, "reviewd"),
        ("misspelt", 11, 48, "color"),
        ("misspelt", 13, 47, "XQZT"),
        ("misspelt", 19, 27, "freindly"),  # a table cell
        ("misspelt", 21, 18, "anual"),  # image alt text
    ]


def test_a_misspelling_carries_hunspells_suggestions_and_how_to_add_a_word() -> None:
    found = {f.message.split("'")[1]: f for f in spelling.run(load(FIXTURE), context())}
    assert found["color"].message == "'color' is not in the British English dictionary"
    assert found["color"].hint.startswith("did you mean 'colour'")
    assert "'col or'" not in found["color"].hint  # splits of the word itself are no help
    assert "report's `words` list" in found["color"].hint
    assert found["freindly"].hint.startswith("did you mean 'friendly'")
    assert found["organize"].hint == "write 'organise'"
    assert found["program"].hint == "write 'programme'"
    assert found["organize"].severity == "error"


def test_british_spellings_pass_and_us_ones_do_not(project: Path, tmp_path: Path) -> None:
    body = ("We organise the programme and analyse the colour of the centre's licence. "
            "We organize the program and analyze the color of the center.")
    words = [f.message.split("'")[1] for f in spelling.run(load(_report(tmp_path, body)), context(project))]
    assert words == ["organize", "program", "analyze", "color", "center"]


def test_typographic_apostrophes_count_as_apostrophes(project: Path, tmp_path: Path) -> None:
    body = "The victim’s letter and the victims’ letters weren’t late; Okafor’s team agreed."
    assert spelling.run(load(_report(tmp_path, body, words=["Okafor"])), context(project)) == []


def test_the_project_word_list_allows_words_and_acronyms_in_every_report(project: Path, tmp_path: Path) -> None:
    body = "The RASSO unit and the Zorblax team met. RASSO's caseload grew."
    report = load(_report(tmp_path, body))
    assert [f.message.split("'")[1] for f in spelling.run(report, context(project))] == ["Zorblax"]
    with (project / "checks" / "wordlist.txt").open("a", encoding="utf-8") as out:
        out.write("Zorblax\n")
    assert spelling.run(report, context(project)) == []


def test_code_urls_addresses_ids_and_citations_are_not_spell_checked(project: Path, tmp_path: Path) -> None:
    body = ("Run `recieve` at https://example.org/recieve, write to recieve@example.org, "
            "see [the page](https://example.org/recieve) and R1, C12 and AFI2 [@recieve2020].\n\n"
            "```\nrecieve\n```\n\n<div>recieve</div>")
    assert spelling.run(load(_report(tmp_path, body)), context(project)) == []


def test_house_spellings_come_from_checks(project: Path, tmp_path: Path) -> None:
    language = project / "checks" / "language.yml"
    language.write_text(language.read_text(encoding="utf-8").replace(
        "    program: programme", "    program: programme\n    towards: toward"), encoding="utf-8")
    [f] = spelling.run(load(_report(tmp_path, "We worked towards it.")), context(project))
    assert (f.rule, f.line, f.col, f.hint) == ("british", 6, 11, "write 'toward'")


def test_a_missing_dictionary_is_one_note_not_a_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spelling, "DICTIONARY_DIRS", (Path("/nonexistent"),))
    assert spelling.run(load(FIXTURE), context()) == []
    note = spelling.note(context())
    assert note is not None and "scripts/setup-system.sh" in note and "en_GB" in note


def test_the_hunspell_binary_missing_is_the_same_note(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    assert spelling.speller(context().policy) is None
    assert "not installed" in (spelling.note(context()) or "")


def _report(tmp_path: Path, body: str, words: list[str] | None = None) -> Path:
    folder = tmp_path / "r"
    folder.mkdir(exist_ok=True)
    extra = f"words: {words}\n" if words else ""
    (folder / "report.md").write_text(f"---\nid: r\ntitle: T\n{extra}---\n\n{body}\n", encoding="utf-8")
    return folder


def test_each_distinct_word_goes_to_hunspell_once_per_run(
        project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, int]] = []
    original = spelling.Speller.run

    def counted(self: spelling.Speller, flag: str, words: list[str]) -> str:
        calls.append((flag, len(words)))
        return original(self, flag, words)

    monkeypatch.setattr(spelling.Speller, "run", counted)
    monkeypatch.setattr(spelling, "_KNOWN", {})
    monkeypatch.setattr(spelling, "_SUGGESTED", {})
    body = "\n\n".join(["The victims were told late, and the Qwertyx team apologised."] * 500)
    report = load(_report(tmp_path, body))
    [found] = spelling.run(report, context(project))  # one finding for the word, not 500
    assert found.line == 6 and found.message == (
        "'Qwertyx' is not in the British English dictionary (500 times: also on lines 8, 10, 12, "
        "14, 16, 18, 20, 22, 24, 26 and 489 more)")
    assert calls == [("-l", 6), ("-a", 2)]  # six distinct words not in the vocabulary; suggestions for one
    spelling.run(report, context(project))
    assert len(calls) == 2  # the second report of a run asks hunspell nothing new


def test_installing_the_dictionary_invalidates_cached_results(monkeypatch: pytest.MonkeyPatch) -> None:
    installed = spelling.cache_token(context().policy)
    monkeypatch.setattr(spelling, "DICTIONARY_DIRS", (Path("/nonexistent"),))
    assert spelling.cache_token(context().policy) == "no-dictionary" != installed
