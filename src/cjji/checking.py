"""Check reports: load each once, run every gate, collect findings. Never raises for bad input."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from cjji import gates
from cjji.findings import Finding
from cjji.gates.base import Context
from cjji.report import LoadError, display_path, load


@dataclass
class ReportResult:
    dir: Path
    display: str
    findings: list[Finding] = field(default_factory=list)


def check_report(report_dir: Path, context: Context) -> ReportResult:
    result = ReportResult(report_dir, display_path(report_dir / "report.md"))
    try:
        report = load(report_dir)
    except LoadError as exc:
        result.findings = [exc.finding]
        return result
    result.findings = sorted(gates.run_all(report, context), key=_order)
    return result


def _order(f: Finding) -> tuple[str, int, int, str, str]:
    return (f.file, f.line, f.col, f.gate, f.rule)
