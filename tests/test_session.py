"""Every command judges with the same configured pack as `check`."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_cli

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def configured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".ragft-lint.toml").write_text(
        f'policy-paths = ["{(ROOT / "examples" / "policies").as_posix()}"]\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_explain_and_rules_see_configured_policies(configured: Path) -> None:
    result = run_cli("explain", "ACME001")
    assert result.exit_code == 0, result.output
    assert "ACME001" in result.stdout
    assert "ACME001" in run_cli("rules").stdout


def test_without_configuration_the_custom_rule_is_unknown(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run_cli("explain", "ACME001")
    assert result.exit_code == 2
    assert "ACME001" in result.stderr


def test_broken_configuration_stops_every_command(configured: Path) -> None:
    (configured / ".ragft-lint.toml").write_text("selekt = []\n", encoding="utf-8")
    for args in (["check"], ["rules"], ["explain", "RFT501"]):
        result = run_cli(*args)
        assert result.exit_code == 2, args
        assert ".ragft-lint.toml" in result.stderr and "selekt" in result.stderr


def test_commands_use_the_configuration_of_the_manifest_not_of_the_working_folder(
        configured: Path, tmp_path_factory: pytest.TempPathFactory,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.conftest import make_manifest, to_yaml

    # A customer-facing project with medium interpretability: ACME001 (the configured
    # custom pack) calls rag unfit for it.
    manifest = configured / "llm-project.yaml"
    manifest.write_text(to_yaml(make_manifest(criteria__interpretability="medium",
                                              metadata={"customer_facing": True})))
    monkeypatch.chdir(tmp_path_factory.mktemp("elsewhere"))
    explained = run_cli("explain", "ACME001", str(configured))
    assert explained.exit_code == 0, explained.output
    recommended = run_cli("recommend", str(manifest), "--format", "json")
    assert recommended.exit_code == 0, recommended.output
    assert "ACME001" in recommended.stdout
    assert run_cli("explain", "ACME001").exit_code == 2  # here, no configuration names it
