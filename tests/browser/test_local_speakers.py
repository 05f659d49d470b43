"""The journey with the local engine: speakers found on this computer show as pills and on the
timeline; a named voice is suggested in the next job and accepted with one click."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Desk, open_desk, screenshot
from tests.support.models import TINY_EN
from tests.support.panel import run_panel
from tests.support.voices import EASY_EN, LINES_EN, conversation

pytestmark = pytest.mark.browser

LONG = 600_000  # ms: local transcription and speaker search on a busy 2-core machine (a hang guard)


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[Desk]:
    """The real panel on the local engine (tiny.en) with its speaker step; no cloud at all."""
    with run_panel(tmp_path / "panel", local_model=str(TINY_EN), local_device="cpu") as panel:
        yield Desk(panel=panel, fake=None)  # type: ignore[arg-type]


def transcribe(page: Page, wav: Path) -> None:
    page.get_by_label("Audio file").set_input_files(str(wav))
    page.get_by_label("Language").select_option(label="English")
    start = page.get_by_role("button", name="Start transcription")
    expect(start).to_be_enabled()
    start.click()
    expect(page.get_by_role("status").filter(has_text="Done ✓")).to_be_visible(timeout=LONG)


def test_local_speakers_show_and_a_named_voice_is_suggested_next_time(
    page: Page, desk: Desk, tmp_path: Path
) -> None:
    first = conversation(tmp_path / "first.wav", EASY_EN, LINES_EN)
    conversation(tmp_path / "second.wav", EASY_EN, LINES_EN[1:7], order=[1, 0, 1, 0, 1, 0])
    assert first[0].speaker == 0
    open_desk(page, desk.url)
    expect(page.get_by_label("Detect speakers")).to_be_enabled()
    transcribe(page, tmp_path / "first.wav")

    expect(page.get_by_text("Speakers estimated on this computer.")).to_be_visible()
    expect(page.get_by_role("button", name="Rename SPEAKER_00")).to_have_count(4)  # four turns each
    expect(page.get_by_role("button", name="Rename SPEAKER_01")).to_have_count(4)
    timeline = page.get_by_role("slider", name="Speaker timeline")
    expect(timeline.locator(".timeline-span")).to_have_count(8)
    screenshot(page, "local-speakers.png")

    page.get_by_role("button", name="Rename SPEAKER_00").first.click()
    page.get_by_role("textbox", name="Speaker name").fill("Interviewer")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("button", name="Rename Interviewer")).to_have_count(4)

    transcribe(page, tmp_path / "second.wav")  # opens with the other voice: labels swap
    expect(page.get_by_text("SPEAKER_01 sounds like Interviewer.")).to_be_visible()
    page.get_by_role("button", name="Name them Interviewer").click()
    expect(page.get_by_role("button", name="Rename Interviewer")).to_have_count(3)
    expect(page.get_by_role("button", name="Rename SPEAKER_00")).to_have_count(3)
    expect(page.get_by_text("sounds like Interviewer")).to_have_count(0)
    screenshot(page, "local-voice-suggestion.png")
