"""metric: a formula over a report's counts, such as average sentence length
(`words / sentences`), compared with a limit. Fields: formula, condition ("> 20"), per
(document | block). Variables: words, sentences, characters, syllables, complex_words,
long_words, paragraphs, headings. Placeholders: {value}."""

from __future__ import annotations

import ast
import operator
from collections.abc import Iterator

from cjji.style.readability import counts
from cjji.style.rule import Doc, Hit, Rule

_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}
_COMPARE = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le,
            "==": operator.eq, "!=": operator.ne}


def evaluate(formula: str, variables: dict[str, float]) -> float:
    """Arithmetic (+ - * / and brackets) over numbers and the named counts; nothing else."""
    def value(node: ast.AST) -> float:
        if isinstance(node, ast.Expression):
            return value(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
            return float(node.value)
        if isinstance(node, ast.Name) and node.id in variables:
            return float(variables[node.id])
        if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
            right = value(node.right)
            if isinstance(node.op, ast.Div) and right == 0:
                return 0.0
            return float(_OPS[type(node.op)](value(node.left), right))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -value(node.operand)
        raise ValueError(f"cannot use {ast.unparse(node)!r} in a formula")
    return value(ast.parse(formula, mode="eval"))


def parse_condition(condition: str) -> tuple[str, float]:
    op, _, number = condition.strip().partition(" ")
    return op, float(number)


def check(rule: Rule, doc: Doc) -> Iterator[Hit]:
    blocks = doc.blocks_for(rule)
    groups = [blocks] if rule.get("per", "document") == "document" else [[b] for b in blocks]
    op, limit = parse_condition(rule.get("condition"))
    for group in groups:
        if not group:
            continue
        result = evaluate(rule.get("formula"), counts(group))
        if _COMPARE[op](result, limit):
            values = {"value": f"{result:.1f}", "limit": f"{limit:g}"}
            yield Hit(group[0], 0, rule.say(rule.message, **values), rule.say(rule.hint, **values))
