"""Every setting is documented in .env.template and README.md (datasette's habit)."""

from __future__ import annotations

from pathlib import Path

import pytest

from scribedesk.config import Settings

ROOT = Path(__file__).resolve().parents[2]
FIELDS = sorted(Settings.model_fields)


@pytest.mark.parametrize("name", FIELDS)
def test_setting_is_in_env_template(name: str) -> None:
    lines = (ROOT / ".env.template").read_text().splitlines()
    assert any(line.startswith(f"{name.upper()}=") for line in lines)


@pytest.mark.parametrize("name", FIELDS)
def test_setting_is_in_readme(name: str) -> None:
    assert f"`{name.upper()}`" in (ROOT / "README.md").read_text()


@pytest.mark.parametrize("name", FIELDS)
def test_setting_has_a_description(name: str) -> None:
    assert Settings.model_fields[name].description


def test_template_has_no_unknown_settings() -> None:
    names = {
        line.split("=", 1)[0].lower()
        for line in (ROOT / ".env.template").read_text().splitlines()
        if line and not line.startswith("#")
    }
    assert names <= set(FIELDS)


def test_template_values_load(tmp_path: Path) -> None:
    s = Settings(_env_file=ROOT / ".env.template")  # type: ignore[call-arg]
    assert s.active_engine == "local" and s.gpu_price_per_hour is None
