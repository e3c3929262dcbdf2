from __future__ import annotations

import shutil
from pathlib import Path

from framework_support import GOOD, brief, line_of, run, variant

from cjji.gates import follow_up
from cjji.report import load

EARLIER_ITEMS = """follows_up:
  title: Custody health care (2024)
  report: 2024-custody
  items:
    - {id: R1, kind: recommendation, status: achieved, evidence: "Every suite now has a nurse at night."}
    - {id: R2, kind: recommendation, status: partially-achieved, evidence: "One force of two has done so."}
"""


def _pair(tmp_path: Path, items: str = EARLIER_ITEMS) -> Path:
    """A report following up an earlier one in the same reports/ folder (the earlier is GOOD)."""
    later = variant(tmp_path, ("evidence: {custody_records: 80, interviews: 30}\n",
                               "evidence: {custody_records: 80, interviews: 30}\n" + items))
    earlier = tmp_path / "2024-custody"
    shutil.copytree(GOOD, earlier)
    md = earlier / "report.md"
    md.write_text(md.read_text().replace("id: 2027-good", "id: 2024-custody"))
    return later


def test_every_earlier_item_accounted_for_passes(tmp_path: Path) -> None:
    folder = _pair(tmp_path)
    assert run(follow_up.GATE, folder) == []
    assert follow_up.summary(load(folder)) == [
        "Of the 2 recommendations in Custody health care (2024), 1 had been achieved and 1 had been "
        "partially achieved."]


def test_an_earlier_item_left_out_is_an_error_at_the_report_id(tmp_path: Path) -> None:
    folder = _pair(tmp_path, EARLIER_ITEMS.rsplit("    - {id: R2", 1)[0])
    assert brief(run(follow_up.GATE, folder)) == [
        (line_of(folder, "report: 2024-custody"), "not-accounted",
         "the recommendation R2 of 2024-custody is not accounted for")]


def test_an_invented_item_is_an_error_at_its_id(tmp_path: Path) -> None:
    folder = _pair(tmp_path, EARLIER_ITEMS + '    - {id: R9, kind: recommendation, status: achieved, '
                                             'evidence: "Done."}\n')
    assert brief(run(follow_up.GATE, folder)) == [
        (line_of(folder, "id: R9"), "not-in-earlier", "2024-custody made no recommendation with the id R9")]


def test_a_follow_up_without_the_earlier_report_in_the_repository_counts_what_it_lists(tmp_path: Path) -> None:
    items = EARLIER_ITEMS.replace("  report: 2024-custody\n", "") + (
        '    - {id: CC1, kind: cause-of-concern, status: no-longer-relevant, evidence: "The unit closed."}\n'
        '    - {id: R3, kind: recommendation, status: not-achieved, evidence: "Nothing has changed. TODO"}\n')
    folder = variant(tmp_path, ("evidence: {custody_records: 80, interviews: 30}\n",
                                "evidence: {custody_records: 80, interviews: 30}\n" + items))
    assert brief(run(follow_up.GATE, folder)) == [
        (line_of(folder, "id: R3"), "placeholder", "TODO: write the evidence for R3: it still says 'TODO'")]
    assert follow_up.summary(load(folder)) == [
        "Of the 3 recommendations in Custody health care (2024), 1 had been achieved, 1 had been "
        "partially achieved and 1 had not been achieved.",
        "The one cause of concern in Custody health care (2024) was no longer relevant."]
