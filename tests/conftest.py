"""Shared fixtures: the real project root, and throwaway projects with real policy files."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import speed_support
from support import EXAMPLE, ROOT

# Speed only (see tests/speed_support.py): parse each policy text once per process, start pool
# workers warm, and let Python keep compiled bytecode (some environments set
# PYTHONDONTWRITEBYTECODE, which makes every `cjji` subprocess compile all of cjji again).
speed_support.install()
speed_support.forkserver_preload()
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
sys.dont_write_bytecode = False


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project's policy, schemas and templates with an empty reports/ folder."""
    for name in ("checks", "schemas", "templates"):
        shutil.copytree(ROOT / name, tmp_path / name, symlinks=True)
    (tmp_path / "reports").mkdir()
    return tmp_path


@pytest.fixture
def example_copy(project: Path) -> Path:
    """The example report copied into a throwaway project; returns its folder."""
    dest = project / "reports" / EXAMPLE.name
    shutil.copytree(EXAMPLE, dest, symlinks=True)
    return dest


@pytest.fixture(scope="session")
def chromium_browser() -> Iterator[Any]:
    """Headless Debian Chromium (a Playwright BrowserContext) shared by a session's browser
    tests; skips when /usr/bin/chromium is absent. Helpers: tests/browser.py."""
    import browser

    with browser.chromium() as context:
        yield context


# -- `make test-fast`: the edit loop runs `pytest -m "not slow"` -----------------------------------
# A test is slow when it drives a browser or WordPress (their markers), or when its module builds
# documents, publishes sites or makes huge inputs (below). Mark a single slow test with
# @pytest.mark.slow instead of adding its module here.
SLOW_MODULES = {
    "tests/build/test_docx.py", "tests/build/test_pdf.py", "tests/build/test_reproducible.py",
    "tests/build/test_sandbox.py", "tests/build/test_html.py", "tests/build/test_readback.py",
    "tests/commands/test_build.py", "tests/commands/test_publish.py", "tests/commands/test_verify_site.py",
    "tests/publish/test_local.py", "tests/publish/test_site.py", "tests/publish/test_manifest.py",
    "tests/review/test_export.py", "tests/review/test_loop.py", "tests/review/test_import.py",
    "tests/test_building.py", "tests/test_nothing_lost.py", "tests/test_xss.py", "tests/test_workflows.py",
    "tests/test_hostile_size.py", "tests/test_packaging.py", "tests/test_fuzz.py",
    # git and ssh-keygen for every test: signing, sign-off records, status
    "tests/commands/test_signoff.py", "tests/commands/test_sign.py", "tests/commands/test_status.py",
    "tests/gates/test_signoffs.py", "tests/programme/test_commands.py", "tests/test_signoff.py",
    # a whole report through the language gates (hunspell, a fake LanguageTool server) in every test
    "tests/gates/test_spelling.py", "tests/gates/test_grammar.py", "tests/gates/test_style.py",
    "tests/test_suppress.py",
    # several reports, or a whole programme, through the CLI in every test
    "tests/commands/test_check.py", "tests/commands/test_recommendations.py", "tests/programme/test_end_to_end.py",
    "tests/programme/test_ranking.py", "tests/programme/test_qualifying.py",
    "tests/review/test_apply.py", "tests/review/test_libreoffice.py", "tests/review/test_hostile.py",
    # corpora and fuzzing
    "tests/style/test_language_quality.py", "tests/programme/test_fuzz.py", "tests/wordpress/test_errors.py",
}
# Single tests that take ten times a typical one (measured with -n 2 on the 2-core machine):
# property tests with many examples, linear-time attacks, several reports through the CLI.
SLOW_TESTS = {
    "tests/test_commonmark_corpus.py::test_every_example_goes_through_every_gate",  # 655 full checks
    "tests/gates/test_framework.py::test_any_front_matter_never_crashes_a_gate_and_every_finding_is_in_the_file",
    "tests/gates/test_framework.py::test_any_body_never_crashes_a_gate_and_every_finding_is_in_the_file",
    "tests/gates/test_html.py::test_thousands_of_tags_in_one_paragraph_are_located_in_linear_time",
    "tests/gates/test_limits.py::test_attack_9_a_long_paragraph_of_emphasis_marks_is_refused_by_check",
    "tests/gates/test_structure.py::test_any_body_never_makes_the_gate_fail",
    "tests/gates/test_reviews.py::test_publication_passes_exactly_when_every_item_is_resolved",
    "tests/gates/test_registry.py::test_a_crashing_gate_is_an_error_finding_and_the_others_still_run",
    "tests/gates/test_registry.py::test_a_flood_of_one_rule_is_capped_with_a_count",
    "tests/gates/test_spelling.py::test_the_project_word_list_allows_words_and_acronyms_in_every_report",
    "tests/gates/test_spelling.py::test_the_hunspell_binary_missing_is_the_same_note",
    "tests/gates/test_spelling.py::test_a_missing_dictionary_is_one_note_not_a_crash",
    "tests/gates/test_spelling.py::test_installing_the_dictionary_invalidates_cached_results",
    "tests/gates/test_grammar.py::test_without_a_server_grammar_is_skipped_and_the_run_says_so_once",
    "tests/commands/test_check.py::test_one_bad_report_does_not_stop_the_others",
    "tests/commands/test_check.py::test_human_format_is_path_line_col_grouped_with_summary",
    "tests/commands/test_new.py::test_new_report_passes_the_schema_gate",
    "tests/gates/test_style.py::test_the_example_report_follows_the_house_style",
    "tests/test_checking.py::test_cached_and_parallel_results_equal_a_cold_serial_run",
    "tests/test_checking.py::test_a_policy_change_rechecks_everything",
    "tests/test_checking.py::test_a_schema_change_rechecks_everything",
    "tests/test_cache.py::test_attack_10_a_force_committed_cache_entry_in_a_fresh_clone_is_refused",
    "tests/test_cache.py::test_attack_10_a_same_size_edit_with_the_old_mtime_is_caught_by_a_draft_check",
    "tests/test_digest.py::test_attack_2_check_for_publication_sign_and_publish_refuse_a_forged_nfd_twin",
    "tests/test_digest.py::test_attack_2_check_and_build_refuse_a_folder_with_an_nfd_twin_naming_the_file",
    "tests/test_cli.py::test_findings_exit_1",
    "tests/test_commonmark_corpus.py::test_the_base_report_builds_every_format",
    "tests/test_cache.py::test_attack_10_check_for_publication_never_takes_a_result_from_the_cache",
    "tests/commands/test_new.py::test_a_new_report_has_no_errors_of_its_own_making_only_things_to_do",
    "tests/test_prose.py::test_every_commonmark_spec_example_maps_its_words_back",
    "tests/test_prose.py::test_any_inline_markup_keeps_words_at_their_place",
    "tests/review/test_log.py::test_what_is_written_reads_back_the_same",
    # 0.4 s CPU or more each (measured one by one): a subprocess, a whole report through every gate
    # several times, or a project checked again and again; `make test-fast` stays under 45 s of CPU
    "tests/test_cli.py::test_an_output_that_cannot_be_written_is_named_not_called_a_bug",
    "tests/test_cli.py::test_help_lists_every_registered_command_with_its_short_help",
    "tests/gates/test_limits.py::test_attack_9_a_huge_table_is_refused_at_its_first_line",
    "tests/review/test_status.py::test_status_lists_review_counts_per_body",
    "tests/test_checking.py::test_one_changed_report_is_the_only_one_rechecked",
    "tests/test_checking.py::test_a_warm_command_run_sees_the_earlier_report_change_too",
    "tests/test_checking.py::test_corrupt_or_half_written_entries_are_ignored",
    "tests/test_checking.py::test_a_warm_check_answers_without_loading_the_policy_or_the_gates",
    "tests/gates/test_language_register.py::test_inspectorate_register_raises_no_error_or_warning",
    "tests/gates/test_attributes.py::test_attack_1_a_typst_attribute_is_refused_at_its_line_and_column",
    "tests/gates/test_real_shape.py::test_an_older_report_s_paragraph_numbered_recommendation_can_be_followed_up",
    "tests/gates/test_real_shape.py::test_a_real_shaped_report_passes_strict_with_nothing_above_information",
    "tests/programme/test_consultation.py::test_a_missing_statutory_consultee_warns_while_drafting_and_blocks_publication",
    "tests/programme/test_consultation.py::test_the_list_of_statutory_consultees_has_dates_of_change",
    "tests/test_crossref.py::test_any_text_fills_without_error_and_keeps_its_token_count",
    "tests/style/test_vocabulary.py::test_a_mistake_in_the_vocabulary_is_a_located_policy_error",
    "tests/gates/test_outputs.py::test_the_old_overprinting_pdf_fails_the_gate",
    "tests/publish/test_concurrent.py::test_the_lock_refuses_a_second_holder_unless_it_waits_and_is_reentrant",
}
# Fixtures that build Word, PDF and HTML or publish a site: every test using one is slow.
SLOW_FIXTURES = {"outputs", "published", "published_once"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        module = item.path.relative_to(ROOT).as_posix()
        test = f"{module}::{item.originalname}" if isinstance(item, pytest.Function) else item.nodeid
        if (module in SLOW_MODULES or test in SLOW_TESTS or item.get_closest_marker("browser") is not None
                or item.get_closest_marker("wordpress") is not None
                or SLOW_FIXTURES & set(getattr(item, "fixturenames", ()))):
            item.add_marker(pytest.mark.slow)
