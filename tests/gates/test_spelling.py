"""The spelling gate: British English from hunspell's en_GB dictionary, the project word list and
the report's own words; each misspelling at its line and column with hunspell's suggestions."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import EXAMPLE, FIXTURES, ROOT

from cjji import run
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
    body = "\n\n".join(["The victims were told late, and the Qwertyx team apologised."] * 500)
    report = load(_report(tmp_path, body))
    ctx = context(project)
    with run.scope():  # one run (a `cjji check`): hunspell's verdicts are kept until it ends
        [found] = spelling.run(report, ctx)  # one finding for the word, not 500
        assert found.line == 6 and found.message == (
            "'Qwertyx' is not in the British English dictionary (500 times: also on lines 8, 10, 12, "
            "14, 16, 18, 20, 22, 24, 26 and 489 more)")
        # six distinct words not in the vocabulary; once per run, which of the vocabulary's compounds
        # the dictionary lacks (they cover their families); suggestions for the one misspelt word
        assert [flag for flag, _ in calls] == ["-l", "-l", "-a"] and calls[0] == ("-l", 6) and calls[2] == ("-a", 2)
        spelling.run(report, ctx)
        assert len(calls) == 3  # the second report of a run asks hunspell nothing new
    spelling.run(report, ctx)
    assert [flag for flag, _ in calls[3:]] == ["-l", "-l", "-a"]  # a new run asks hunspell again


def test_installing_the_dictionary_invalidates_cached_results(monkeypatch: pytest.MonkeyPatch) -> None:
    from cjji import cache

    installed = cache.machine_token()  # part of every results-cache key (cjji.cache.findings_key)
    monkeypatch.setattr(cache, "DICTIONARY_DIRS", (Path("/nonexistent"),))
    assert cache.machine_token() != installed or spelling.speller(context().policy) is None


def test_one_root_word_covers_its_family(project: Path, tmp_path: Path) -> None:
    # checks/vocabulary.yml lists neurodiversity and neurodivergent: their families pass
    body = ("Neurodivergent people, neurodivergence and neurodiversities. A report word's family too: "
            "neuroinclusiveness and neuroinclusion, but not neuroinclusove.")
    found = spelling.run(load(_report(tmp_path, body, words=["neuroinclusive"])), context(project))
    assert [f.message.split("'")[1] for f in found] == ["neuroinclusove"]


def test_an_ordinary_word_in_a_name_does_not_excuse_a_misspelling_of_it(project: Path, tmp_path: Path) -> None:
    # "Independent Office for Police Conduct" is a name; 'independant' is still wrong
    found = spelling.run(load(_report(tmp_path, "An independant adviser helped.")), context(project))
    assert [f.message.split("'")[1] for f in found] == ["independant"]


def test_vocabulary_names_and_acronyms_are_words(project: Path, tmp_path: Path) -> None:
    body = ("HMIP, the SFO, an EIA, OPCAT, Operation Soteria, Soteria's work, hardworking staff, "
            "HMP Belmarsh, Dyfed-Powys Police and the Metropolitan Police Service.")
    assert spelling.run(load(_report(tmp_path, body)), context(project)) == []


def test_a_domain_as_link_text_is_not_spell_checked(project: Path, tmp_path: Path) -> None:
    body = ("See [justiceinspectorates.gov.uk/hmicfrs/publications](https://www.justiceinspectorates.gov.uk/"
            "hmicfrs/publications) and [www.gov.uk/guidance](https://www.gov.uk/guidance), or gov.uk.")
    assert spelling.run(load(_report(tmp_path, body)), context(project)) == []


def test_a_word_misspelt_several_times_is_one_finding_listing_its_lines(project: Path, tmp_path: Path) -> None:
    body = "The recieve team.\n\nRecieve it.\n\nThey recieve letters and recieve calls."
    [f] = spelling.run(load(_report(tmp_path, body)), context(project))
    assert (f.line, f.col) == (6, 5)
    assert f.message == "'recieve' is not in the British English dictionary (4 times: also on lines 8 and 10)"


def test_a_suppressed_place_is_left_out_and_its_comment_counts_as_used(project: Path, tmp_path: Path) -> None:
    from cjji import checking

    body = "<!-- cjji-disable-next-line spelling -->\nThe Qwertyx team met.\n\nThe Qwertyx team met again."
    report = load(_report(tmp_path, body))
    found = [f for f in checking.report_findings(report, context(project)) if f.gate in ("spelling", "suppress")]
    assert [(f.code, f.line) for f in found] == [("spelling/misspelt", 9)]
    assert "times" not in found[0].message  # the suppressed place is not listed


def test_suggestions_from_the_vocabulary_come_first(project: Path, tmp_path: Path) -> None:
    [f] = spelling.run(load(_report(tmp_path, "Operation Soterai began.")), context(project))
    assert f.hint.startswith("did you mean 'Soteria'")


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(words=st.lists(st.text(alphabet="abcXY/*#'’-_ 1é", min_size=1, max_size=12), max_size=6))
def test_any_words_list_is_safe(tmp_path: Path, words: list[str]) -> None:
    """Whatever an author puts in `words` ('and/or', '*foo', '#x'), the gate answers, and a word
    written with a slash never turns another word into a model for hunspell."""
    folder = tmp_path / "w"
    folder.mkdir(exist_ok=True)
    (folder / "report.md").write_text(
        "---\nid: w\ntitle: T\nwords: " + json.dumps(words) + "\n---\n\nThe Qwertyx team met.\n", encoding="utf-8")
    found = spelling.run(load(folder), context())
    allowed = any(w == "Qwertyx" for entry in words for w in entry.split())
    assert [f.message.split("'")[1] for f in found] == ([] if allowed else ["Qwertyx"])


# -- .cache/spelling.json: hunspell's answers kept between draft checks (spelling.Store) ----------

STORE_BODY = ("The victims were told late, the Qwertyx team apologised, and the neuroinclusive "
              "programme was reviewd by caseworkers.")


def _refuse_hunspell(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: spelling.Speller, flag: str, words: list[str]) -> str:
        raise AssertionError(f"hunspell was asked {flag} {words}")

    monkeypatch.setattr(spelling.Speller, "run", refuse)
    monkeypatch.setattr(spelling, "stems", lambda path: pytest.fail("the dictionary was read again"))


def test_a_second_draft_check_takes_hunspells_answers_from_the_store(
        project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = load(_report(tmp_path, STORE_BODY, words=["neuroinclusive"]))
    with run.scope():
        cold = spelling.run(report, context(project))
    store = project / ".cache" / spelling.STORE
    assert store.is_file()
    data = json.loads(store.read_text())
    assert any(verdicts.get("Qwertyx") is False for verdicts in data["known"].values())
    assert where(cold) == [("misspelt", 7, 33, "Qwertyx"), ("misspelt", 7, 95, "reviewd")]
    _refuse_hunspell(monkeypatch)
    with run.scope():  # the next `cjji check`: same findings, same hints, no hunspell, no dictionary
        warm = spelling.run(report, context(project))
    assert warm == cold
    assert [f.hint for f in warm] == [f.hint for f in cold] and "'reviewed'" in warm[1].hint


def test_a_new_word_is_asked_and_added(project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with run.scope():
        spelling.run(load(_report(tmp_path, STORE_BODY)), context(project))
    asked: list[list[str]] = []
    original = spelling.Speller.run

    def counted(self: spelling.Speller, flag: str, words: list[str]) -> str:
        asked.append(words)
        return original(self, flag, words)

    monkeypatch.setattr(spelling.Speller, "run", counted)
    with run.scope():
        found = spelling.run(load(_report(tmp_path, STORE_BODY + " Zorbly went home.")), context(project))
    assert asked[0] == ["Zorbly", "home", "went"]  # only the words no earlier run saw
    assert "Zorbly" in [f.message.split("'")[1] for f in found]
    assert json.loads((project / ".cache" / spelling.STORE).read_text())["known"]


def test_a_planted_verdict_is_never_used_for_publication_nor_from_a_committed_cache(
        project: Path, tmp_path: Path) -> None:
    report = load(_report(tmp_path, STORE_BODY))
    with run.scope():
        honest = spelling.run(report, context(project))
    store = project / ".cache" / spelling.STORE
    data = json.loads(store.read_text())
    for verdicts in data["known"].values():
        for word in verdicts:
            verdicts[word] = True  # "every word is right"
    store.write_text(json.dumps(data))
    with run.scope():
        assert spelling.run(report, context(project)) == []  # a draft check trusts the project's own .cache
    with run.scope():
        assert spelling.run(report, Context(load_policy(project), for_publication=True)) == honest
    subprocess.run(["git", "-C", str(project), "init", "-q"], check=True)
    subprocess.run(["git", "-C", str(project), "add", "--force", ".cache"], check=True)
    with run.scope():
        assert spelling.run(report, context(project)) == honest
    assert json.loads(store.read_text()) == data  # nor written


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(junk=st.one_of(st.binary(max_size=600), st.builds(
    lambda known, models: json.dumps({"format": spelling.STORE_FORMAT, "key": "?", "known": known,
                                      "models": models}).encode(),
    st.dictionaries(st.text(max_size=4), st.dictionaries(st.text(max_size=6), st.integers() | st.text(max_size=3))),
    st.dictionaries(st.text(max_size=6), st.integers() | st.none()))))
def test_a_damaged_or_foreign_store_changes_nothing(project: Path, tmp_path: Path, junk: bytes) -> None:
    report = load(_report(tmp_path, STORE_BODY, words=["neuroinclusive"]))
    store = project / ".cache" / spelling.STORE
    if not store.exists():
        with run.scope():
            spelling.run(report, context(project))
    good = json.loads(store.read_bytes())
    expected = spelling.run(report, context(project))  # outside a run: no store at all
    store.write_bytes(junk)
    with run.scope():
        assert spelling.run(report, context(project)) == expected
    data = json.loads(store.read_bytes()) if junk != store.read_bytes() else None
    assert data is None or data["key"] == good["key"]  # rewritten with answers it can trust
    # right key, wrong types: each wrong value is ignored and asked again
    store.write_text(json.dumps({**good, "known": {k: {w: "yes" for w in v} for k, v in good["known"].items()},
                                 "models": {w: 7 for w in good["models"]}}))
    with run.scope():
        assert spelling.run(report, context(project)) == expected
    # every word right, but for another dictionary or hunspell (another key): not used
    lenient = {k: {w: True for w in v} for k, v in good["known"].items()}
    store.write_text(json.dumps({**good, "key": "0" * 64, "known": lenient}))
    with run.scope():
        assert spelling.run(report, context(project)) == expected


def test_the_store_key_follows_the_dictionary_and_the_program(tmp_path: Path) -> None:
    dic, aff = tmp_path / "xx_XX.dic", tmp_path / "xx_XX.aff"
    dic.write_text("1\nword\n")
    aff.write_text("SET UTF-8\n")
    before = spelling._dictionary_key(dic)
    assert spelling._dictionary_key(dic) == before
    aff.write_text("SET UTF-8\nTRY abc\n")
    after_aff = spelling._dictionary_key(dic)
    dic.write_text("2\nword\nwords\n")
    assert len({before, after_aff, spelling._dictionary_key(dic)}) == 3


def test_two_workers_saving_keep_each_others_answers(tmp_path: Path) -> None:
    dictionary = spelling.find_dictionary("en_GB")
    assert dictionary is not None
    file, key = tmp_path / ".cache" / spelling.STORE, spelling._dictionary_key(dictionary)
    first, second = spelling.Store(file, key, dictionary), spelling.Store(file, key, dictionary)
    first.known["en_GB:"] = {"colour": True}
    first.dirty = True
    first.save()
    second.known["en_GB:"] = {"colr": False}
    second.models["caseworker"] = "worker"
    second.dirty = True
    second.save()
    again = spelling.Store(file, key, dictionary)
    assert again.known == {"en_GB:": {"colour": True, "colr": False}} and again.models == {"caseworker": "worker"}
