"""Who a recommendation is addressed to: the bodies and office-holders in checks/bodies.yml.

A recommendation names its addressees with `to="..."`, several separated by semicolons, each
written as the body's name, one of its aliases, its short form or its id
(`to="Cleveland Police; Crown Prosecution Service"`). The older `owner="CODE ..."` form takes codes
from checks/agencies.yml. Either way the addressees are resolved here, once, for the gate, the
register and the writers.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cjji.policy import Policy

SEPARATOR = ";"


def _entries(policy: Policy | None, name: str) -> list[dict[str, Any]]:
    return policy.entries(name) if policy is not None else []


@dataclass(frozen=True)
class Addressee:
    written: str  # as the author wrote it (a name, alias, short form, id or agency code)
    name: str  # the body's name, or what was written when the body is not known
    body: str | None  # the id in checks/bodies.yml, or None
    code: str | None = None  # the agency code (checks/agencies.yml), when there is one
    names: tuple[tuple[str, str], ...] = ()  # (language, its name there): ("cy", "Heddlu Dyfed-Powys")

    def name_in(self, language: str) -> str:
        """Its name in a report written in `language` (a Welsh edition names Heddlu Dyfed-Powys)."""
        return dict(self.names).get(language, self.name)


def _key(text: str) -> str:
    words = text.casefold().replace("’", "'").split()
    return " ".join(words[1:] if words[:1] == ["the"] else words)


def _index(policy: Policy | None) -> dict[str, dict[str, Any]]:
    """Every way of writing a body -> its entry (first entry wins when two share a name)."""
    found: dict[str, dict[str, Any]] = {}
    for body in _entries(policy, "bodies"):
        own = list((body.get("names") or {}).values())
        for written in [body.get("id"), body.get("name"), body.get("short"), *body.get("aliases", []), *own]:
            if isinstance(written, str) and written.strip():
                found.setdefault(_key(written), body)
    return found


def _agency_body(policy: Policy | None, code: str) -> dict[str, Any] | None:
    return next((b for b in _entries(policy, "bodies") if b.get("agency") == code), None)


def resolve(policy: Policy | None, written: str) -> Addressee:
    body = _index(policy).get(_key(written))
    if body is None:
        return Addressee(written, written.strip(), None)
    names = tuple((str(k), str(v)) for k, v in (body.get("names") or {}).items())
    return Addressee(written, str(body.get("name")), str(body.get("id")), body.get("agency"), names)


def suggestion(policy: Policy, written: str) -> str | None:
    """The closest known name, for a 'did you mean'."""
    names = {_key(str(b.get("name"))): str(b.get("name")) for b in _entries(policy, "bodies")}
    close = difflib.get_close_matches(_key(written), list(names), n=1, cutoff=0.6)
    return names[close[0]] if close else None


def split_to(value: str) -> list[str]:
    return [part.strip() for part in value.split(SEPARATOR) if part.strip()]


def addressees(attrs: Mapping[str, Any], policy: Policy | None) -> list[Addressee]:
    """A finding's addressees (its attributes) in the order written: `to=` entries, then `owner=` codes."""
    found = [resolve(policy, part) for part in split_to(str(attrs.get("to") or ""))]
    known = {str(a.get("code")): a for a in _entries(policy, "agencies")}
    for code in str(attrs.get("owner") or "").split():
        body = _agency_body(policy, code)
        name = known.get(code, {}).get("name") or (body or {}).get("name") or code
        found.append(Addressee(code, str(name), str(body["id"]) if body else None,
                               code if code in known else None))
    return found
