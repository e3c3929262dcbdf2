"""[grammar] Grammar through a LanguageTool server, when one is configured.

The server's address comes from the environment variable CJJI_LANGUAGETOOL_URL or from
`grammar.url` in checks/language.yml. language-tool-python talks to it in remote-server mode
only, so nothing is ever downloaded or started here. Without a server the gate finds nothing
and `note()` says so once per run.
"""

from __future__ import annotations

import os
from bisect import bisect_right
from functools import cache
from typing import Any

from cjji import prose
from cjji.findings import Finding
from cjji.gates.base import Context, Gate
from cjji.policy import Policy
from cjji.report import Report
from cjji.style import settings

ID = "grammar"
ENV = "CJJI_LANGUAGETOOL_URL"
MAX_CHARS = 20_000  # LanguageTool servers refuse very long texts; send the report in parts
SEPARATOR = "\n\n"
_UNAVAILABLE: dict[str, str] = {}  # url -> why: a server that failed once is not asked again this run


def server_url(policy: Policy) -> str:
    return (os.environ.get(ENV) or str(settings.section(policy, "grammar").get("url") or "")).strip()


def note(context: Context) -> str | None:
    """Said once per run (not per report) when grammar is not checked."""
    if server_url(context.policy):
        return None
    return (f"grammar was not checked: no LanguageTool server is configured (set {ENV}, or "
            "grammar.url in checks/language.yml, to a server such as http://localhost:8081)")


@cache
def _tool(url: str, language: str, timeout: float, disabled: tuple[str, ...]) -> Any:
    import language_tool_python

    tool = language_tool_python.LanguageTool(language, remote_server=url)  # never downloads
    tool._TIMEOUT = timeout
    tool.disabled_rules.update(disabled)
    tool.disable_spellchecking()  # the spelling gate's job
    return tool


def chunks(blocks: list[prose.Block]) -> list[tuple[str, list[int], list[prose.Block]]]:
    """The blocks joined into texts of at most MAX_CHARS (a longer block goes alone), each with
    where every block starts in it."""
    out: list[tuple[str, list[int], list[prose.Block]]] = []
    text, starts, members = "", [], []
    for block in blocks:
        if members and len(text) + len(SEPARATOR) + len(block.text) > MAX_CHARS:
            out.append((text, starts, members))
            text, starts, members = "", [], []
        if members:
            text += SEPARATOR
        starts.append(len(text))
        members.append(block)
        text += block.text
    if members:
        out.append((text, starts, members))
    return out


def run(report: Report, context: Context) -> list[Finding]:
    url = server_url(context.policy)
    config = settings.section(context.policy, "grammar")
    severity = settings.severity(context.policy, ID, "grammar", config.get("severity", "warning"))
    if not url or severity is None:
        return []
    language = str(settings.language(context.policy).get("language", "en-GB"))
    if url in _UNAVAILABLE:
        return [_unavailable(report, url, _UNAVAILABLE[url])]
    try:
        tool = _tool(url, language, float(config.get("timeout_seconds", 20)),
                     tuple(config.get("disabled_rules") or ()))
        found = []
        for text, starts, members in chunks(prose.extract(report).blocks):
            for match in tool.check(text):
                i = max(bisect_right(starts, match.offset) - 1, 0)
                found.append((members[i], match.offset - starts[i], match))
    except Exception as exc:  # the server is down, refuses, or answers nonsense
        _tool.cache_clear()
        _UNAVAILABLE[url] = str(exc)
        return [_unavailable(report, url, str(exc))]
    findings = []
    for block, offset, match in found:
        rule = str(getattr(match, "rule_id", "grammar"))
        rule_severity = settings.severity(context.policy, ID, rule, severity)
        if rule_severity is None:
            continue
        line, col = block.position(offset)
        options = [r for r in (getattr(match, "replacements", None) or [])[:3] if r]
        hint = ("try " + " or ".join(f"'{r}'" for r in options)) if options else ""
        findings.append(settings.finding(report.display, ID, rule, rule_severity, line, col,
                                         str(match.message), hint))
    return findings


def _unavailable(report: Report, url: str, why: str) -> Finding:
    return settings.finding(
        report.display, ID, "unavailable", "warning", 0, 0,
        f"grammar was not checked: the LanguageTool server at {url} did not answer ({why})",
        f"start the server, or unset {ENV} to check without grammar")


GATE = Gate(ID, "Grammar, through a LanguageTool server when one is configured (CJJI_LANGUAGETOOL_URL)", run)
