"""Policy conditions match regular expressions in linear time (google-re2).

A policy's `pattern` / `patternProperties` may come from a pull request (a policy folder
named by the repository's configuration, or a string parameter set in its `[params]`), and
Python's backtracking `re` takes exponential time on patterns such as `^(a+)+$`: one
manifest string could hang the CI job for hours. RE2 (Google's engine, the one
`google-re2` wraps) guarantees time linear in the input and refuses the constructs that
need backtracking (back-references, look-around); such a pattern is a clear error when the
policy is loaded, naming the policy file and line.

jsonschema calls `re.search` in four places (the `pattern` and `patternProperties`
keywords, and the two helpers behind `additionalProperties` and `unevaluatedProperties`);
the validator for conditions replaces the first three with RE2 versions, and a condition
may not use `unevaluatedProperties` next to `patternProperties` (`check_patterns`).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jsonschema.protocols import Validator

#: Refused in a condition that also has patternProperties: jsonschema would match the
#: patterns with Python's `re` there.
_UNGUARDED = "unevaluatedProperties"


@lru_cache(maxsize=512)
def _compiled(pattern: str) -> Any:
    import re2  # type: ignore[import-untyped, unused-ignore]

    options = re2.Options()
    # RE2 would log a refused pattern to stderr itself, raw: the pattern may come from a
    # pull request, and stderr is parsed for workflow commands. The error is ours to show.
    options.log_errors = False
    return re2.compile(pattern, options)


def pattern_problem(pattern: str) -> str | None:
    """Why RE2 cannot run `pattern` (a back-reference, a look-around...), or None."""
    from ragft_lint.core.text import show_value

    try:
        _compiled(pattern)
    except ImportError:  # no wheel for this platform: refuse rather than risk a hang
        return (f"pattern {show_value(pattern)} needs the linear-time engine google-re2, "
                "which is not installed here (pip install google-re2)")
    except Exception as exc:  # re2.error; its text (bytes) names the construct
        detail = exc.args[0] if exc.args else ""
        if isinstance(detail, bytes):
            detail = detail.decode("utf-8", "replace")
        reason = " ".join(str(detail).split()) or type(exc).__name__
        return (f"pattern {show_value(pattern)} cannot be matched in linear time by RE2 "
                f"({show_value(reason, quote=False)}); policies may not use back-references "
                "or look-around")
    return None


def check_patterns(node: Any, pointer: str = "") -> Iterator[tuple[str, str]]:
    """(pointer, problem) for every pattern in the condition `node` that RE2 refuses."""
    stack = [(node, pointer)]
    while stack:
        node, pointer = stack.pop()
        if isinstance(node, list):
            stack.extend((value, f"{pointer}/{index}") for index, value in enumerate(node))
            continue
        if not isinstance(node, dict):
            continue
        value = node.get("pattern")
        if isinstance(value, str) and (problem := pattern_problem(value)):
            yield f"{pointer}/pattern", problem
        patterns = node.get("patternProperties")
        if isinstance(patterns, dict):
            for name in patterns:
                if problem := pattern_problem(name):
                    yield f"{pointer}/patternProperties", problem
            if _UNGUARDED in node:
                yield (f"{pointer}/{_UNGUARDED}", f"{_UNGUARDED} next to patternProperties is "
                       "not supported in a policy condition (it would match the patterns "
                       "outside the linear-time engine); list the keys instead")
        for key, value in node.items():
            if key not in ("const", "enum", "default", "examples"):
                stack.append((value, f"{pointer}/{key}"))


def _pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[Any]:
    from jsonschema.exceptions import ValidationError

    if validator.is_type(instance, "string") and not _compiled(pattern).search(instance):
        yield ValidationError(f"does not match the pattern {pattern!r}")


def _pattern_properties(validator: Any, patterns: dict[str, Any], instance: Any,
                        schema: Any) -> Iterator[Any]:
    if not validator.is_type(instance, "object"):
        return
    for pattern, subschema in patterns.items():
        compiled = _compiled(pattern)
        for key, value in instance.items():
            if compiled.search(key):
                yield from validator.descend(value, subschema, path=key, schema_path=pattern)


def _additional_properties(validator: Any, additional: Any, instance: Any,
                           schema: Any) -> Iterator[Any]:
    from jsonschema.exceptions import ValidationError

    if not validator.is_type(instance, "object"):
        return
    properties = schema.get("properties", {})
    compiled = [_compiled(p) for p in schema.get("patternProperties", {})]
    extras = [key for key in instance
              if key not in properties and not any(p.search(key) for p in compiled)]
    if validator.is_type(additional, "object"):
        for extra in extras:
            yield from validator.descend(instance[extra], additional, path=extra)
    elif not additional and extras:
        yield ValidationError(f"additional properties are not allowed: {sorted(extras)!r}")


@lru_cache(maxsize=1)
def _condition_validator_class() -> Any:
    from jsonschema import Draft202012Validator
    from jsonschema.validators import extend

    return extend(Draft202012Validator, {  # type: ignore[no-untyped-call]
        "pattern": _pattern, "patternProperties": _pattern_properties,
        "additionalProperties": _additional_properties,
    })


def condition_validator(condition: dict[str, Any]) -> Validator:
    """A validator for a policy condition whose patterns run on RE2 (dates checked too)."""
    from jsonschema import FormatChecker

    cls = _condition_validator_class()
    validator: Validator = cls(condition, format_checker=FormatChecker(formats=("date",)))
    return validator
