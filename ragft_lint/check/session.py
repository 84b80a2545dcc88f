"""What every command starts from: the effective configuration, the policy pack built from
it, and an `Engine` over that pack. One place, so `check`, `recommend`, `explain`, `rules`
and `init` judge with the same rules, custom packs and parameters included."""

from __future__ import annotations

from dataclasses import dataclass, field

from ragft_lint.check.config import Overrides, Settings, resolve
from ragft_lint.check.packs import PolicySource, build_pack
from ragft_lint.core.engine import Engine
from ragft_lint.core.manifest import Limits
from ragft_lint.core.policy import PolicyPack


@dataclass
class Session:
    """The effective settings of a run and the engine built from them."""

    settings: Settings
    pack: PolicyPack
    sources: list[PolicySource]
    engine: Engine = field(repr=False)


def open_session(config_path: str | None = None, overrides: Overrides | None = None,
                 limits: Limits | None = None) -> Session:
    """Resolve the configuration (file, then `overrides`) and build the pack and engine."""
    settings = resolve(config_path, overrides or Overrides())
    pack, sources = build_pack(settings)
    engine = Engine(pack, limits=limits or Limits(),
                    severity_by_rule=settings.severity_by_rule(pack),
                    disabled=settings.disabled_rules(pack))
    return Session(settings, pack, sources, engine)
