"""`ragft-lint test-policies`: run every policy's embedded examples, like a test runner.

Each policy file carries manifests under `examples.fail` (each must produce the policy's
rule) and `examples.pass` (none may). Every example must itself be a valid manifest, or it
proves nothing. Examples are judged with the policy's own default parameters: they document
the policy as written, whatever a configuration later sets.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TextIO

from ragft_lint.core.manifest import Manifest
from ragft_lint.core.policy import (
    Policy,
    PolicyPack,
    load_builtin_policies,
    load_policy,
    load_policy_dir,
)
from ragft_lint.core.result import EXIT_CLEAN, EXIT_FINDINGS


@dataclass(frozen=True)
class ExampleOutcome:
    """The result of one embedded example."""

    policy: Policy
    kind: str  # "fail" or "pass"
    index: int
    line: int | None
    problem: str | None  # None: the example behaves as its kind says

    @property
    def passed(self) -> bool:
        return self.problem is None

    @property
    def name(self) -> str:
        return f"{self.policy.id} examples.{self.kind}[{self.index}]"

    @property
    def location(self) -> str:
        source = display_path(self.policy.source)
        return f"{source}:{self.line}" if self.line else source


def collect_policies(paths: Sequence[str] = ()) -> list[Policy]:
    """Policies from folders or files; the built-in pack when `paths` is empty.

    Raises PolicyError (exit 2) for a malformed policy or an id defined twice.
    """
    if not paths:
        policies = load_builtin_policies()
    else:
        policies = []
        for path in paths:
            if os.path.isfile(path):
                policies.append(load_policy(path))
            else:
                policies.extend(load_policy_dir(path))
    PolicyPack(policies)  # the same clash checks a run makes
    return policies


def iter_outcomes(policy: Policy) -> Iterator[ExampleOutcome]:
    """One outcome per example of `policy`, fail examples first."""
    from ragft_lint.core.schema import describe, manifest_validator

    pack = PolicyPack([policy])
    spans = _example_spans(policy)
    for kind, examples in (("fail", policy.examples_fail), ("pass", policy.examples_pass)):
        for index, example in enumerate(examples):
            pointer = f"/examples/{kind}/{index}"
            line = spans.span(pointer).line if spans is not None else None
            problem: str | None = None
            errors = sorted(manifest_validator().iter_errors(example), key=lambda e: e.path)
            if errors:
                problem = f"the example is not a valid manifest: {describe(errors[0])[0][1]}"
            else:
                manifest = Manifest(policy.source, example)
                fired = any(f.rule == policy.id for f in pack.evaluate(manifest))
                if kind == "fail" and not fired:
                    problem = f"expected {policy.id} to fire on this fail example; it did not"
                elif kind == "pass" and fired:
                    message = policy.format_message(manifest, pack.params)
                    problem = (f"expected {policy.id} not to fire on this pass example; it "
                               f"did: {message}")
            yield ExampleOutcome(policy, kind, index, line, problem)


def run_policy_tests(paths: Sequence[str], stream: TextIO, *, verbose: bool = False) -> int:
    """Test every policy under `paths`; report like a test runner; the exit code."""
    policies = collect_policies(paths)
    failures: list[ExampleOutcome] = []
    passed = 0
    by_source: dict[str, list[Policy]] = {}
    for policy in policies:
        by_source.setdefault(policy.source, []).append(policy)
    for source in sorted(by_source):
        outcomes = [o for p in by_source[source] for o in iter_outcomes(p)]
        passed += sum(o.passed for o in outcomes)
        failures.extend(o for o in outcomes if not o.passed)
        if verbose:
            for outcome in outcomes:
                status = "PASSED" if outcome.passed else "FAILED"
                stream.write(f"{outcome.location}: {outcome.name} {status}\n")
        else:
            marks = "".join("." if o.passed else "F" for o in outcomes)
            stream.write(f"{display_path(source)} {marks}\n")
    if failures:
        stream.write("\nFailures:\n")
        for outcome in failures:
            stream.write(f"FAILED {outcome.location}: {outcome.name}: {outcome.problem}\n")
    stream.write(f"\n{passed} passed, {len(failures)} failed\n")
    return EXIT_FINDINGS if failures else EXIT_CLEAN


def display_path(path: str) -> str:
    """`path` relative to the working directory when it is under it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return path
    return path if relative.startswith("..") else relative.replace(os.sep, "/")


def _example_spans(policy: Policy) -> Manifest | None:
    """The policy file re-read for positions (Policy keeps only data); None if unreadable."""
    from ragft_lint.core.errors import ManifestError
    from ragft_lint.core.manifest import read_manifest

    try:
        return read_manifest(policy.source)
    except ManifestError:  # e.g. a pack inside a zip: no line numbers, still tested
        return None
