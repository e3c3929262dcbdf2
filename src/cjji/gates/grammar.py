"""[grammar] Grammar through a LanguageTool server, when one is configured.

The server's address comes from the environment variable CJJI_LANGUAGETOOL_URL or from
`grammar.url` in checks/language.yml. In CI the checks workflow starts LanguageTool as a service
container and sets the variable, so grammar runs on every pull request; locally, without a
server, the gate finds nothing and `note()` says so once per run, with how to start one.

The adapter speaks LanguageTool's HTTP API (POST /v2/check) itself, with the standard library:
- the report's prose goes in parts of at most `grammar.max_chars` characters (LanguageTool's
  public limit is 20,000; a self-hosted server's `maxTextLength` may be lower), cut between
  blocks, or between sentences of a block longer than that;
- a 429 (too many requests) or 503 answer is retried after the server's Retry-After, or after
  1, 2, 4 and 8 seconds, before the server is called unavailable;
- each match's offset is mapped back to its block, then to the line and column in report.md;
- a match on a word or name the vocabulary knows (checks/vocabulary.yml, checks/bodies.yml,
  checks/wordlist.txt, the report's `words`) is dropped: "HMICFRS" is not a typo. Suppression
  comments apply to grammar findings like any other (cjji.suppress).
"""

from __future__ import annotations

import json
import os
import re
import time
from bisect import bisect_right
from dataclasses import dataclass
from typing import Any

from cjji import prose
from cjji.findings import Finding
from cjji.gates import limits
from cjji.gates._language import english_rules_off
from cjji.gates.base import Context, Gate
from cjji.policy import Policy
from cjji.report import Report
from cjji.run import memo as run_memo
from cjji.style import settings, vocabulary
from cjji.style.text import sentences

ID = "grammar"
ENV = "CJJI_LANGUAGETOOL_URL"
MAX_CHARS = 20_000  # LanguageTool's public limit per request; checks/language.yml grammar.max_chars
SEPARATOR = "\n\n"
RETRIES = 4  # after a 429 or 503: wait 1, 2, 4, 8 seconds (or what Retry-After says, at most 30)
START_HINT = ("start one with `docker run -d --rm -p 8010:8010 erikvl87/languagetool` and "
              f"`export {ENV}=http://localhost:8010`")
# the run memo (cjji.run) of servers that failed, url -> why: one is not asked again this run
UNAVAILABLE = "grammar.unavailable"


def server_url(policy: Policy) -> str:
    return (os.environ.get(ENV) or str(settings.section(policy, "grammar").get("url") or "")).strip()


def note(context: Context) -> str | None:
    """Said once per run (not per report) when grammar is not checked."""
    if server_url(context.policy):
        return None
    return (f"grammar was not checked: no LanguageTool server is configured (set {ENV}, or "
            f"grammar.url in checks/language.yml); {START_HINT}")


@dataclass(frozen=True)
class Match:
    offset: int
    length: int
    rule: str
    message: str
    replacements: tuple[str, ...]


class Unavailable(Exception):
    """The server did not answer usefully (down, refusing, rate limiting too long, nonsense)."""


def _sleep(seconds: float) -> None:  # a seam for tests
    time.sleep(seconds)


def check_text(url: str, text: str, language: str, disabled: tuple[str, ...], timeout: float) -> list[Match]:
    """LanguageTool's matches for one text, retrying when the server says it is busy."""
    import urllib.error  # only when a grammar server is set: most checks never load the HTTP client
    import urllib.parse
    import urllib.request

    form = {"text": text, "language": language, "enabledOnly": "false"}
    if disabled:
        form["disabledRules"] = ",".join(disabled)
    body = urllib.parse.urlencode(form).encode("utf-8")
    endpoint = url.rstrip("/") + ("" if url.rstrip("/").endswith("/v2") else "/v2") + "/check"
    for attempt in range(RETRIES + 1):
        request = urllib.request.Request(endpoint, data=body, method="POST", headers={
            "Content-Type": "application/x-www-form-urlencoded; charset=utf-8", "Accept": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310 (the configured server)
                data = json.loads(answer.read().decode("utf-8"))
            return _matches(data)
        except urllib.error.HTTPError as exc:
            if exc.code in (429, 503) and attempt < RETRIES:
                _sleep(_retry_after(exc.headers.get("Retry-After"), attempt))
                continue
            detail = exc.read().decode("utf-8", "replace").strip()[:200]
            raise Unavailable(f"HTTP {exc.code}{': ' + detail if detail else ''}") from exc
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise Unavailable(str(getattr(exc, "reason", exc))) from exc
    raise Unavailable("still rate limited after retries")  # pragma: no cover (the loop returns or raises)


def _retry_after(header: str | None, attempt: int) -> float:
    try:
        return min(max(float(header or ""), 0.0), 30.0)
    except ValueError:
        return float(2 ** attempt)


def _matches(data: Any) -> list[Match]:
    if not isinstance(data, dict) or not isinstance(data.get("matches"), list):
        raise ValueError("the answer is not LanguageTool's JSON")
    found = []
    for m in data["matches"]:
        rule = m.get("rule") or {}
        found.append(Match(int(m["offset"]), int(m.get("length", 0)), str(rule.get("id", "grammar")),
                           str(m.get("message", "")),
                           tuple(str(r.get("value", "")) for r in m.get("replacements") or [] if r.get("value"))))
    return found


Chunk = tuple[str, list[int], list[tuple[prose.Block, int]]]  # text, where each piece starts, its block


def chunks(blocks: list[prose.Block], limit: int | None = None) -> list[Chunk]:
    """The blocks joined into texts of at most `limit` characters, each with where every piece
    starts in it and which block (and offset in the block) the piece is. A block longer than the
    limit is cut between sentences (or, for one enormous sentence, between words)."""
    limit = limit or MAX_CHARS
    out: list[Chunk] = []
    text, starts, members = "", list[int](), list[tuple[prose.Block, int]]()
    for block in blocks:
        for offset, piece in _pieces(block.text, limit):
            if members and len(text) + len(SEPARATOR) + len(piece) > limit:
                out.append((text, starts, members))
                text, starts, members = "", [], []
            if members:
                text += SEPARATOR
            starts.append(len(text))
            members.append((block, offset))
            text += piece
    if members:
        out.append((text, starts, members))
    return out


def _pieces(text: str, limit: int) -> list[tuple[int, str]]:
    if len(text) <= limit:
        return [(0, text)]
    pieces: list[tuple[int, str]] = []
    start = end = 0
    for _, sentence_end in sentences(text):
        if sentence_end - start > limit and end > start:
            pieces.append((start, text[start:end]))
            start = end
        end = sentence_end
        while end - start > limit:  # one sentence longer than the limit: cut at a space
            cut = text.rfind(" ", start + 1, start + limit) if " " in text[start + 1:start + limit] else start + limit
            pieces.append((start, text[start:cut]))
            start = cut
    if start < len(text):
        pieces.append((start, text[start:]))
    trimmed = [(o + len(p) - len(p.lstrip()), p.lstrip()) for o, p in pieces]  # no piece starts with a space
    return [(o, p) for o, p in trimmed if p]


def run(report: Report, context: Context) -> list[Finding]:
    url = server_url(context.policy)
    config = settings.section(context.policy, "grammar")
    severity = settings.severity(context.policy, ID, "grammar", config.get("severity", "warning"))
    if not url or severity is None:
        return []
    if english_rules_off(report, ID, "grammar", context) is not None:
        return []  # the server is asked for English only; spelling says once that English rules are off
    language = str(settings.language(context.policy).get("language", "en-GB"))
    unavailable: dict[str, str] = run_memo(UNAVAILABLE)
    if url in unavailable:
        return [_unavailable(report, url, unavailable[url])]
    disabled = tuple(config.get("disabled_rules") or ())
    timeout = float(config.get("timeout_seconds", 20))
    limit = int(config.get("max_chars", MAX_CHARS))
    found: list[tuple[prose.Block, int, Match, str]] = []
    try:
        for text, starts, members in chunks(limits.readable_blocks(report, context), limit):
            for match in check_text(url, text, language, disabled, timeout):
                i = max(bisect_right(starts, match.offset) - 1, 0)
                block, base = members[i]
                found.append((block, base + match.offset - starts[i], match,
                              text[match.offset:match.offset + match.length]))
    except Unavailable as exc:
        unavailable[url] = str(exc)
        return [_unavailable(report, url, str(exc))]
    known = _known_terms(report, context.policy)
    findings = []
    for block, offset, match, matched in found:
        if _is_known(matched, known):
            continue
        rule_severity = settings.severity(context.policy, ID, match.rule, severity)
        if rule_severity is None:
            continue
        line, col = block.position(offset)
        options = [r for r in match.replacements[:3] if r]
        hint = ("try " + " or ".join(f"'{r}'" for r in options)) if options else ""
        findings.append(settings.finding(report.display, ID, match.rule, rule_severity, line, col,
                                         match.message, hint))
    return findings


def _known_terms(report: Report, policy: Policy) -> tuple[frozenset[str], frozenset[str]]:
    """(words, names) the vocabulary, the word list and the report's words make right."""
    from cjji.gates.spelling import report_words

    vocab = vocabulary.load(policy)
    words = {w.lower() for w in (*vocab.terms, *vocab.single_names, *vocab.acronyms, *settings.wordlist(policy),
                                 *report_words(report))}
    names = {n.text.replace("’", "'").lower() for n in vocab.names}
    return frozenset(words), frozenset(names)


def _is_known(matched: str, known: tuple[frozenset[str], frozenset[str]]) -> bool:
    """A match on a known name, or on one to three words that are all known terms, acronyms or
    one-word names ('HMICFRS', 'Soteria', 'neurodivergent'): the vocabulary says they are right."""
    text = matched.strip().replace("’", "'")
    if not text:
        return False
    words, names = known
    if text.lower() in names:
        return True
    tokens = re.findall(r"[^\W\d_]+(?:'[^\W\d_]+)*", text)
    return 0 < len(tokens) <= 3 and all(t.lower().removesuffix("'s") in words for t in tokens)


def _unavailable(report: Report, url: str, why: str) -> Finding:
    return settings.finding(
        report.display, ID, "unavailable", "warning", 0, 0,
        f"grammar was not checked: the LanguageTool server at {url} did not answer ({why})",
        f"start the server, or unset {ENV} to check without grammar")


GATE = Gate(ID, "Grammar, through a LanguageTool server when one is configured (CJJI_LANGUAGETOOL_URL)", run)
