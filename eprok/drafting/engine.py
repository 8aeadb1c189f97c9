"""The restricted template engine that renders the bodies of document templates.

A template body is written by template administrators, so it is treated as untrusted code:

- the engine has no loaders and no libraries: `{% load %}`, `{% include %}`, `{% extends %}`, `{% url %}`,
  `{% debug %}`, `{% now %}` and the rest of Django's tags are not there, so a body using them does not
  compile; only the tags and filters listed in eprok.drafting.restricted exist (no `safe`, no
  `autoescape off`);
- autoescaping is on;
- the context holds only plain dicts, lists and strings built by eprok.drafting.context, never model
  instances, so a body cannot reach an object's attributes or call its methods;
- every variable a body names is checked, when a version is saved, against the fields the context
  provides (`check_body`): an unknown field is an error for the administrator, not a silent blank;
- Django inserts string literals (`{{ "..." }}`, `{% firstof ... "..." %}`, filter arguments) without
  escaping, so a quoted text holding `<` or `>` is refused when a version is saved (`markup_literals`);
  the rendered body is sanitised besides (eprok.drafting.render.sanitize_markup), which also covers versions
  stored before this check existed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar, cast

from django.template import Context, Engine, TemplateSyntaxError
from django.template.base import FilterExpression, Node, NodeList, Variable, VariableNode
from django.template.defaulttags import CycleNode, FirstOfNode, ForNode, IfNode, WithNode
from django.template.smartif import Literal, TokenBase
from django.utils.translation import gettext as _

from eprok.core.errors import ValidationFailed


class RestrictedEngine(Engine):
    """Django's engine without its default built-in tag and filter libraries."""

    default_builtins: ClassVar[list[str]] = []  # none of Django's built-in libraries


_ENGINE: RestrictedEngine | None = None


def engine() -> RestrictedEngine:
    global _ENGINE
    if _ENGINE is None:
        _ENGINE = RestrictedEngine(
            dirs=[],
            app_dirs=False,
            loaders=[],
            libraries={},
            builtins=["eprok.drafting.restricted"],
            autoescape=True,
            debug=False,
        )
    return _ENGINE


class TemplateBodyError(ValidationFailed):
    code = "template_error"

    def __init__(self, message: Any, *, field: str = "body") -> None:
        super().__init__(message, details={field: str(message)})


def compile_body(body: str) -> Any:
    """The compiled template; TemplateBodyError with the engine's message when it does not compile."""
    try:
        return engine().from_string(body)
    except TemplateSyntaxError as exc:
        raise TemplateBodyError(_("The template has a syntax error: %(error)s") % {"error": exc}) from exc


def render_body(body: str, context: dict[str, Any]) -> str:
    """The body rendered with `context` (plain data only), HTML-escaped."""
    return compile_body(body).render(Context(context, autoescape=True))


# --- checking the fields a body names ------------------------------------------------------------------

_MISSING = object()


def _lookup(env: dict[str, Any], variable: Variable) -> Any:
    lookups = variable.lookups
    if lookups is None:  # a literal
        return variable.literal
    value: Any = env
    for part in lookups:
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit():
            index = int(part)
            value = value[index] if index < len(value) else (value[0] if value else "")
        else:
            return _MISSING
    return value


def _check_expression(expr: Any, env: dict[str, Any], unknown: list[str]) -> Any:
    if not isinstance(expr, FilterExpression):
        return None
    value: Any = None
    if isinstance(expr.var, Variable):
        value = _lookup(env, expr.var)
        if value is _MISSING:
            unknown.append(str(expr.var.var))
            value = None
    for _func, args in expr.filters:
        for is_variable, arg in args:
            if is_variable and isinstance(arg, Variable) and _lookup(env, arg) is _MISSING:
                unknown.append(str(arg.var))
    return value


def _check_condition(condition: Any, env: dict[str, Any], unknown: list[str]) -> None:
    if isinstance(condition, Literal):
        _check_expression(condition.value, env, unknown)
    elif isinstance(condition, TokenBase):
        for side in ("first", "second"):
            part = getattr(condition, side, None)
            if part is not None:
                _check_condition(part, env, unknown)


def _check_nodes(nodelist: NodeList, env: dict[str, Any], unknown: list[str]) -> None:
    for node in nodelist:
        _check_node(node, env, unknown)


def _check_node(node: Node, env: dict[str, Any], unknown: list[str]) -> None:
    if isinstance(node, VariableNode):
        _check_expression(node.filter_expression, env, unknown)
    elif isinstance(node, IfNode):
        for condition, nodelist in node.conditions_nodelists:
            if condition is not None:
                _check_condition(condition, env, unknown)
            _check_nodes(nodelist, env, unknown)
    elif isinstance(node, ForNode):
        sequence = _check_expression(node.sequence, env, unknown)
        item = sequence[0] if isinstance(sequence, list) and sequence else {}
        inner = dict(env)
        if len(node.loopvars) == 1:
            inner[node.loopvars[0]] = item
        else:
            for index, name in enumerate(node.loopvars):
                inner[name] = item[index] if isinstance(item, list | tuple) and index < len(item) else ""
        inner["forloop"] = {"counter": 1, "counter0": 0, "first": True, "last": True, "revcounter": 1}
        _check_nodes(cast(NodeList, node.nodelist_loop), inner, unknown)
        _check_nodes(cast(NodeList, node.nodelist_empty), env, unknown)
    elif isinstance(node, WithNode):
        inner = dict(env)
        for name, expr in node.extra_context.items():
            inner[name] = _check_expression(expr, env, unknown)
        _check_nodes(node.nodelist, inner, unknown)
    else:
        if isinstance(node, FirstOfNode | CycleNode):
            for expr in getattr(node, "vars", None) or getattr(node, "cyclevars", None) or []:
                _check_expression(expr, env, unknown)
        for attr in node.child_nodelists:
            child = getattr(node, attr, None)
            if child:
                _check_nodes(child, env, unknown)


def unknown_fields(body: str, specimen: dict[str, Any]) -> list[str]:
    """The dotted names a body uses that the context does not provide (compiles the body first)."""
    template = compile_body(body)
    unknown: list[str] = []
    _check_nodes(template.nodelist, specimen, unknown)
    return sorted(set(unknown))


# --- string literals: inserted without escaping --------------------------------------------------------

MARKUP_CHARACTERS = ("<", ">")


def _condition_expressions(condition: Any) -> Iterator[Any]:
    if isinstance(condition, Literal):
        yield condition.value
    elif isinstance(condition, TokenBase):
        for side in ("first", "second"):
            part = getattr(condition, side, None)
            if part is not None:
                yield from _condition_expressions(part)


def _expressions(node: Node) -> Iterator[Any]:
    """The filter expressions a node of the restricted library evaluates."""
    if isinstance(node, VariableNode):
        yield node.filter_expression
    elif isinstance(node, IfNode):
        for condition, _nodelist in node.conditions_nodelists:
            if condition is not None:
                yield from _condition_expressions(condition)
    elif isinstance(node, ForNode):
        yield node.sequence
    elif isinstance(node, WithNode):
        yield from node.extra_context.values()
    elif isinstance(node, FirstOfNode):
        yield from node.vars
    elif isinstance(node, CycleNode):
        yield from node.cyclevars


def _literals(expr: Any) -> Iterator[str]:
    """The quoted texts of an expression: its value when it is not a variable, and constant arguments."""
    if not isinstance(expr, FilterExpression):
        return
    if not isinstance(expr.var, Variable):  # "text" or _("text"), already resolved by the parser
        yield str(expr.var)
    for _func, args in expr.filters:
        for is_variable, arg in args:
            if not is_variable:
                yield str(arg)


def markup_literals(body: str) -> list[str]:
    """The quoted texts of a body that hold `<` or `>` (compiles the body first)."""
    template = compile_body(body)
    found: list[str] = []
    for node in template.nodelist.get_nodes_by_type(Node):
        for expr in _expressions(node):
            for text in _literals(expr):
                if any(char in text for char in MARKUP_CHARACTERS) and text not in found:
                    found.append(text)
    return found


def check_body(body: str, specimen: dict[str, Any]) -> None:
    """Raise TemplateBodyError when the body does not compile, names an unknown field, holds HTML in a quoted
    text or fails to render."""
    if not body.strip():
        raise TemplateBodyError(_("The template body is empty."))
    unknown = unknown_fields(body, specimen)
    if unknown:
        raise TemplateBodyError(
            _("The template uses fields that do not exist: %(fields)s.") % {"fields": ", ".join(unknown)}
        )
    literals = markup_literals(body)
    if literals:
        raise TemplateBodyError(
            _("Quoted texts in the template may not contain HTML (< or >): %(texts)s.")
            % {"texts": ", ".join(f'"{text[:40]}"' for text in literals[:5])}
        )
    try:
        render_body(body, specimen)
    except TemplateBodyError:
        raise
    except Exception as exc:  # a filter given bad arguments, and the like
        raise TemplateBodyError(_("The template cannot be rendered: %(error)s") % {"error": exc}) from exc
