"""The grammar gate against a small local HTTP server that speaks LanguageTool's /v2 protocol
(form-encoded requests with text and language; JSON matches with offsets into the text)."""

from __future__ import annotations

import json
import re
import shutil
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from click.testing import CliRunner
from support import EXAMPLE, FIXTURES, ROOT

from cjji import run
from cjji.cli import cli
from cjji.gates import grammar
from cjji.gates.base import Context
from cjji.policy import load_policy
from cjji.report import load

FIXTURE = FIXTURES / "language" / "grammar"
BUSY = [0]
# what the fake server finds: "a" before a vowel, and "could of"
RULES = [
    (re.compile(r"\b[Aa](?=\s+[aeiou])"), "EN_A_VS_AN", "Use 'an' instead of 'a' if the following word "
     "starts with a vowel sound.", ["an"]),
    (re.compile(r"\bcould of\b"), "COULD_OF", "Did you mean 'could have'?", ["could have", "could've"]),
]


class LanguageToolHandler(BaseHTTPRequestHandler):
    requests: list[dict[str, list[str]]]
    busy: list[int]  # answer 429 this many more times first

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        if self.path.rstrip("/").endswith("/v2/languages"):
            self._json([{"name": "English (GB)", "code": "en", "longCode": "en-GB"},
                        {"name": "English (US)", "code": "en", "longCode": "en-US"}])
        else:
            self.send_error(404)

    def do_POST(self) -> None:  # noqa: N802
        if not self.path.rstrip("/").endswith("/v2/check"):
            self.send_error(404)
            return
        form = parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode("utf-8"))
        self.requests.append(form)
        if self.busy and self.busy[0] > 0:
            self.busy[0] -= 1
            self.send_response(429)
            self.send_header("Retry-After", "1")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        text = form["text"][0]
        matches = [
            {"message": message, "shortMessage": "", "offset": m.start(), "length": len(m.group()),
             "replacements": [{"value": r} for r in replacements],
             "context": {"text": text[max(m.start() - 20, 0):m.end() + 20], "offset": min(m.start(), 20),
                         "length": len(m.group())},
             "sentence": text, "type": {"typeName": "Other"},
             "rule": {"id": rule, "description": message, "issueType": "grammar",
                      "category": {"id": "GRAMMAR", "name": "Grammar"}}}
            for pattern, rule, message, replacements in RULES for m in pattern.finditer(text)
        ]
        self._json({"software": {"name": "LanguageTool", "version": "6.6"},
                    "language": {"name": "English (GB)", "code": "en-GB"}, "matches": matches})

    def _json(self, data: object) -> None:
        body = json.dumps(data).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, list[dict[str, list[str]]]]]:
    """A LanguageTool look-alike on 127.0.0.1 (a random free port); CJJI_LANGUAGETOOL_URL points at it."""
    seen: list[dict[str, list[str]]] = []
    handler = type("Handler", (LanguageToolHandler,), {"requests": seen, "busy": BUSY})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}"
    monkeypatch.setenv(grammar.ENV, url)
    BUSY[:] = [0]
    yield url, seen
    httpd.shutdown()
    httpd.server_close()


def context(root: Path = ROOT) -> Context:
    return Context(load_policy(root))


def test_matches_are_mapped_back_to_lines_and_columns(server: tuple[str, list]) -> None:
    found = grammar.run(load(FIXTURE), context())
    assert sorted((f.rule, f.line, f.col) for f in found) == [
        ("COULD_OF", 8, 22),
        ("EN_A_VS_AN", 6, 3),  # the heading
        ("EN_A_VS_AN", 8, 56),  # across the line break: "a\nunusual"
        ("EN_A_VS_AN", 11, 19),  # a list item
        ("EN_A_VS_AN", 15, 14),  # a table cell; "`a example`" in code is not sent
    ]
    could = next(f for f in found if f.rule == "COULD_OF")
    assert could.message == "Did you mean 'could have'?"
    assert could.hint == "try 'could have' or 'could've'"
    assert could.severity == "warning"


def test_the_request_is_british_english_prose_without_code(server: tuple[str, list]) -> None:
    _, seen = server
    grammar.run(load(FIXTURE), context())
    [form] = seen
    assert form["language"] == ["en-GB"]
    assert "MORFOLOGIK_RULE_EN_GB" in form["disabledRules"][0].split(",")
    assert "a example" not in form["text"][0]
    assert form["text"][0].startswith("A overview\n\nVictims told us")


def limited(max_chars: int) -> Context:
    """The project's policy with grammar.max_chars set (as checks/language.yml would)."""
    policy = load_policy(ROOT)
    policy.files["language"] = {**policy.files["language"],
                                "grammar": {**policy.files["language"]["grammar"], "max_chars": max_chars}}
    return Context(policy)


def test_a_long_report_goes_in_parts_and_still_maps_back(server: tuple[str, list]) -> None:
    _, seen = server
    found = grammar.run(load(FIXTURE), limited(60))
    assert len(seen) > 1
    assert sorted((f.line, f.col) for f in found) == [(6, 3), (8, 22), (8, 56), (11, 19), (15, 14)]


def test_the_example_report_is_sent_and_passes(server: tuple[str, list]) -> None:
    assert grammar.run(load(EXAMPLE), context()) == []


def test_without_a_server_grammar_is_skipped_and_the_run_says_so_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(grammar.ENV, raising=False)
    assert grammar.run(load(FIXTURE), context()) == []
    for name in ("checks", "schemas", "templates"):
        shutil.copytree(ROOT / name, tmp_path / name)
    for copy in ("one", "two"):
        shutil.copytree(FIXTURE, tmp_path / "reports" / copy)
    result = CliRunner().invoke(cli, ["check", "--no-cache", "-j", "1", "--root", str(tmp_path),
                                      str(tmp_path / "reports")])
    assert result.stderr.count("grammar was not checked") == 1, result.stderr
    assert "CJJI_LANGUAGETOOL_URL" in result.stderr
    assert "docker run -d --rm -p 8010:8010 erikvl87/languagetool" in result.stderr  # how to start one


def test_a_server_that_does_not_answer_is_one_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(grammar.ENV, "http://127.0.0.1:9")  # the discard port: nothing listens
    asked: list[str] = []
    with run.scope():  # one run (a `cjji check`)
        [f] = grammar.run(load(FIXTURE), context())
        assert (f.rule, f.severity, f.line) == ("unavailable", "warning", 0)
        assert f.message.startswith("grammar was not checked: the LanguageTool server at http://127.0.0.1:9")
        monkeypatch.setattr(grammar, "check_text", lambda url, *_: asked.append(url) or [])
        assert grammar.run(load(EXAMPLE), context())[0].message == f.message
        assert asked == []  # not asked again this run
    assert grammar.run(load(EXAMPLE), context()) == [] and asked  # the next run asks again


def test_the_url_can_come_from_checks(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(grammar.ENV, raising=False)
    language = project / "checks" / "language.yml"
    language.write_text(language.read_text(encoding="utf-8").replace(
        'url: ""', 'url: "http://127.0.0.1:8081"'), encoding="utf-8")
    assert grammar.server_url(load_policy(project)) == "http://127.0.0.1:8081"
    assert grammar.note(context(project)) is None


def test_a_busy_server_is_asked_again_after_it_says_when(
        server: tuple[str, list], monkeypatch: pytest.MonkeyPatch) -> None:
    _, seen = server
    waits: list[float] = []
    monkeypatch.setattr(grammar, "_sleep", waits.append)
    BUSY[:] = [2]  # two 429 answers with Retry-After: 1, then the real one
    found = grammar.run(load(FIXTURE), context())
    assert len(seen) == 3 and waits == [1.0, 1.0]
    assert sorted((f.line, f.col) for f in found) == [(6, 3), (8, 22), (8, 56), (11, 19), (15, 14)]


def test_a_server_that_stays_busy_is_one_unavailable_warning(
        server: tuple[str, list], monkeypatch: pytest.MonkeyPatch) -> None:
    waits: list[float] = []
    monkeypatch.setattr(grammar, "_sleep", waits.append)
    BUSY[:] = [99]
    [f] = grammar.run(load(FIXTURE), context())
    assert f.rule == "unavailable" and "HTTP 429" in f.message
    assert len(waits) == grammar.RETRIES


def test_one_block_longer_than_the_limit_is_cut_between_sentences(
        server: tuple[str, list], tmp_path: Path) -> None:
    _, seen = server
    sentence = "Victims were told about the decision on time in most cases we examined. "
    body = sentence * 40 + "They could of been told sooner."
    folder = tmp_path / "long"
    folder.mkdir()
    (folder / "report.md").write_text(f"---\nid: long\ntitle: Long\n---\n\n{body}\n", encoding="utf-8")
    [f] = grammar.run(load(folder), limited(1000))
    assert len(seen) >= 3 and all(len(form["text"][0]) <= 1000 for form in seen)
    assert " ".join(form["text"][0] for form in seen) == body  # cut between sentences, nothing lost
    assert all(form["text"][0].startswith("Victims") or form["text"][0].startswith("They") for form in seen)
    assert (f.rule, f.line, f.col) == ("COULD_OF", 6, len(sentence) * 40 + len("They ") + 1)


def test_matches_on_vocabulary_words_and_names_are_dropped(server: tuple[str, list], tmp_path: Path) -> None:
    RULES.append((re.compile(r"\b(?:HMICFRS|Soteria|neurodivergent|Zorblax)\b"), "UNKNOWN_TERM",
                  "Possible typo.", []))
    try:
        folder = tmp_path / "terms"
        folder.mkdir()
        body = "HMICFRS and Operation Soteria helped neurodivergent people. The Zorblax team could of helped."
        (folder / "report.md").write_text(f"---\nid: terms\ntitle: Terms\n---\n\n{body}\n", encoding="utf-8")
        found = grammar.run(load(folder), context())
    finally:
        RULES.pop()
    assert sorted((f.rule, f.col) for f in found) == [  # Zorblax is not in the vocabulary
        ("COULD_OF", body.index("could") + 1), ("UNKNOWN_TERM", body.index("Zorblax") + 1)]


def test_a_suppression_comment_turns_a_grammar_finding_off(server: tuple[str, list], tmp_path: Path) -> None:
    from cjji import checking

    folder = tmp_path / "quiet"
    folder.mkdir()
    (folder / "report.md").write_text(
        "---\nid: quiet\ntitle: Quiet\n---\n\n<!-- cjji-disable-next-line grammar.COULD_OF -->\n"
        "They could of known.\n\nThey could of known.\n", encoding="utf-8")
    found = [f for f in checking.report_findings(load(folder), context()) if f.gate in ("grammar", "suppress")]
    assert [(f.gate, f.rule, f.line) for f in found] == [("grammar", "COULD_OF", 9)]


def test_pull_requests_check_grammar_against_a_languagetool_service() -> None:
    from cjji.yamlload import load_yaml

    flow, _ = load_yaml((ROOT / ".github" / "workflows" / "checks.yml").read_text(encoding="utf-8"))
    job = flow["jobs"]["check"]
    service = job["services"]["languagetool"]
    assert service["image"].startswith("erikvl87/languagetool:") and service["image"] != "erikvl87/languagetool:latest"
    assert service["ports"] == ["8010:8010"]
    assert job["env"][grammar.ENV] == "http://localhost:8010"
    steps = [step.get("run", "") for step in job["steps"]]
    wait = next(i for i, run in enumerate(steps) if "/v2/languages" in run)
    check = next(i for i, run in enumerate(steps) if "make check" in run)
    assert wait < check and "exit 1" in steps[wait]  # no silent 'grammar was not checked' in CI
