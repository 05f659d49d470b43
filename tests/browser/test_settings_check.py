"""The desk's "Check settings" and the first-run model download: progress, cancel, continue, size, place."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import huggingface_hub.constants
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.support.model_hub import Hub, run_hub
from tests.support.panel import Panel, run_panel

pytestmark = pytest.mark.browser


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Hub]:
    # An empty Hugging Face cache: a tiny.en fetched earlier on this machine must not count as here.
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path / "hf-cache"))
    with run_hub() as state:
        yield state


@pytest.fixture
def local_panel(tmp_path: Path, hub: Hub) -> Iterator[Panel]:
    with run_panel(
        tmp_path / "panel", local_model="tiny.en", models_dir=tmp_path / "models", model_hub_url=hub.url
    ) as panel:
        yield panel


@pytest.fixture
def page(browser: Browser, local_panel: Panel) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1360, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(local_panel.url)
    yield page
    context.close()
    assert errors == [], errors


def test_download_shows_progress_cancels_and_continues(page: Page, hub: Hub, tmp_path: Path) -> None:
    line = page.locator("#model-line")
    expect(line).to_contain_text("Local model tiny.en is not downloaded yet (about 75 MB")
    expect(line).to_contain_text(str(tmp_path / "models" / "tiny.en"))
    hub.gate = threading.Event()  # the hub sends one chunk per file, then waits
    page.click("#model-download")
    expect(page.locator("#model-progress")).to_be_visible()
    expect(line).to_contain_text("Downloading local model tiny.en: 0% of 78 MB")
    page.click("#model-cancel")
    hub.gate.set()
    expect(line).to_contain_text("already here, Download continues")
    expect(page.locator("#model-progress")).to_be_hidden()
    hub.gate = None
    page.click("#model-download")
    expect(line).to_contain_text("Local model tiny.en: 78 MB in ", timeout=60_000)
    expect(page.locator("#model-download")).to_be_hidden()
    assert any(r and r != "bytes=0-" for r in hub.ranges), "the second start continued the partial file"


def test_check_settings_lists_each_check_in_its_own_sentence(page: Page) -> None:
    page.click("#check-settings")
    items = page.locator("#settings-checks li")
    expect(items.first).not_to_have_text("Checking…")
    expect(page.locator("#settings-checks")).to_contain_text("RunPod API key: RUNPOD_API_KEY is not set")
    expect(page.locator("#settings-checks")).to_contain_text(
        "local model: Local model 'tiny.en' is not downloaded"
    )
