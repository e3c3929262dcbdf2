"""Whatever a proposal says (schema-valid or not), the gates and the generated chapters give findings
or text, never a crash; and what an author writes never becomes raw HTML in the plan."""

from __future__ import annotations

import copy

from hypothesis import given, settings
from hypothesis import strategies as st
from programme_support import shared_policy
from support import ROOT, examples

from cjji import markdown
from cjji.programme import consultation, qualifying, ranking
from cjji.programme.document import generated_markdown
from cjji.programme.model import load_programme

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
SCALAR = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), TEXT)
VALUE = st.recursive(SCALAR, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                      st.dictionaries(TEXT, inner, max_size=3)), max_leaves=8)
KEYS = ["id", "title", "lead", "inspectorates", "business_process", "scope", "purpose", "principles",
        "risk_sources", "excluded", "assessment", "withdrawn"]
FACTORS = ["commitment", "government-priorities", "impact-resource", "coverage", "high-profile"]
PROPOSAL = st.fixed_dictionaries({}, optional={
    **{k: VALUE for k in KEYS},
    "inspectorates": st.lists(st.sampled_from(["HMCPSI", "HMICFRS", "CQC", "HMIP", "<b>x</b>"]), max_size=4),
    "assessment": st.dictionaries(st.sampled_from(FACTORS), st.fixed_dictionaries(
        {"rating": st.sampled_from(["yes", "no", "high", "none", "<i>", ""]), "rationale": TEXT}), max_size=5),
})


_LOADED: list = []


def _loaded():
    """The repository's example, loaded once per process (a fixture would be in every failure's repr)."""
    if not _LOADED:
        _LOADED.append((load_programme(ROOT, "2027"), shared_policy()))
    return _LOADED[0]


@settings(max_examples=examples(40), deadline=None)
@given(PROPOSAL, st.sampled_from(["youth-remand", "fraud-victims", "prison-release-housing"]))
def test_any_proposal_gives_findings_or_text_never_a_crash(data, ident):
    programme, policy = _loaded()
    programme = copy.copy(programme)
    programme.proposals = dict(programme.proposals)
    source = copy.copy(programme.proposals[ident])
    source.data = data
    programme.proposals[ident] = source
    for finding in qualifying.run(programme, policy) + ranking.run(programme, policy) + \
            consultation.run(programme, policy, for_publication=True):
        assert finding.message and finding.line >= 0
    generated = generated_markdown(programme, policy)
    tokens = markdown.parse(generated)
    raw = [t for t in tokens if t.type in ("html_block", "html_inline")]
    raw += [c for t in tokens for c in (t.children or []) if c.type == "html_inline"]
    assert raw == []
