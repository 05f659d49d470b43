"""Browser fixtures: Debian's Chromium driven by Playwright (never a downloaded browser), and a
running desk (moto S3 + the fake RunPod API + the real panel) to point it at."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Dialog, Page, expect, sync_playwright

from tests.support.audio import concat_wav, silence_wav, speak_wav
from tests.support.chromium import CHROMIUM, CHROMIUM_ARGS
from tests.support.fake_runpod import FakeRunPod, run_fake_runpod
from tests.support.panel import Panel, run_panel
from tests.support.s3 import moto_s3
from tests.support.whisperx_output import whisperx_output

OUTPUT_DIR = Path(__file__).resolve().parents[2] / "test-output"
# A safety net, not a speed assertion: CI machines share two cores between many jobs.
expect.set_options(timeout=15_000)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    # Module scope, not session: Playwright's sync API keeps an event loop running in the main
    # thread while it is open, and every pytest-asyncio test collected after it would then fail
    # with "Runner.run() cannot be called from a running event loop".
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class Desk:
    panel: Panel
    fake: FakeRunPod

    @property
    def url(self) -> str:
        return self.panel.url


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[Desk]:
    """The real panel on RunPod (the fake) with moto storage; English two-speaker output by default."""
    output = whisperx_output("en", credit_line=True, duration=40.0)
    with moto_s3() as s3, run_fake_runpod(queued_polls=3, running_polls=6, default_output=output) as fake:
        overrides = {**s3.settings_overrides(), **fake.settings_overrides()}
        with run_panel(tmp_path / "panel", engine="runpod", **overrides) as panel:
            yield Desk(panel=panel, fake=fake)


@dataclass
class Watch:
    """What a page did that a user would notice: dialogs opened and script errors."""

    dialogs: list[str]
    errors: list[str]


@pytest.fixture
def watch() -> Watch:
    return Watch(dialogs=[], errors=[])


@pytest.fixture
def page(browser: Browser, watch: Watch, desk: Desk) -> Iterator[Page]:
    """A fresh page; it closes before the desk stops, so no event stream is cut mid-response."""
    context = browser.new_context(accept_downloads=True, viewport={"width": 1360, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)

    def on_dialog(dialog: Dialog) -> None:
        watch.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("pageerror", lambda error: watch.errors.append(str(error)))
    yield page
    context.close()
    assert watch.errors == [], f"the page threw: {watch.errors}"


@pytest.fixture(scope="session")
def interview_wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """About 40 s of audio (speech, then silence) so every timestamp of the fake output can be played."""
    root = tmp_path_factory.mktemp("desk-audio")
    speech = speak_wav("Hello, and thank you for agreeing to talk with us today.", root / "speech.wav")
    return concat_wav([speech, silence_wav(root / "silence.wav", 36.0)], root / "Interview 1.wav")


def copy_as(src: Path, dst: Path) -> Path:
    """The same audio under another file name (the name is what some tests are about)."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    dst.write_bytes(src.read_bytes())
    return dst


def open_desk(page: Page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("html[data-ready]")


def screenshot(page: Page, name: str, **options: Any) -> Path:
    OUTPUT_DIR.mkdir(exist_ok=True)
    path = OUTPUT_DIR / name
    page.screenshot(path=str(path), **options)
    return path


def wait_js(page: Page, expression: str, timeout: float = 30.0) -> None:
    """Wait until a JavaScript expression is true. page.wait_for_function polls with eval, which
    the page's Content-Security-Policy refuses; page.evaluate goes through the debugger instead."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout} s: {expression}")
        page.wait_for_timeout(50)
