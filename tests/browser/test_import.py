"""Import for review in Chromium: a recording plus an SRT from another tool opens in the desk, with a
credit glued to real speech shown as a flagged part of its line."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Desk, open_desk

pytestmark = pytest.mark.browser

SRT = (
    "0\n00:00:00,300 --> 00:00:02,000\nHello, and thank you for agreeing\n\n"
    "1\n00:00:02,100 --> 00:00:04,500\nto talk with us today. Subtitles by the Amara.org community\n\n"
    "2\n00:00:05,000 --> 00:00:05,400\n\n"
)


def test_import_a_transcript_for_review(page: Page, desk: Desk, interview_wav: Path, tmp_path: Path) -> None:
    srt = tmp_path / "from another tool.srt"
    srt.write_text(SRT, encoding="utf-8")
    open_desk(page, desk.url)
    page.get_by_text("Import an existing transcript").click()
    page.get_by_label("Recording to import").set_input_files(str(interview_wav))
    page.get_by_label("Transcript to import").set_input_files(str(srt))
    page.get_by_role("button", name="Import for review").click()
    expect(page.locator(".import-status")).to_have_text("Imported “from another tool.srt”.", timeout=90_000)
    expect(page.locator(".turn").first).to_contain_text("Hello, and thank you for agreeing")
    note = page.locator(".span-note")
    expect(note).to_contain_text("Subtitles by the Amara.org community")
    expect(note).to_contain_text("Subtitle credit line")
    assert desk.fake.submissions == []  # nothing was sent to a paid engine
