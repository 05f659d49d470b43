"""Review tools in Chromium: keyboard shortcuts, flagged segments, text edits with undo, find,
reassign / merge / split speakers, download options."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Desk, open_desk, wait_js

pytestmark = pytest.mark.browser


@pytest.fixture
def job(page: Page, desk: Desk, interview_wav: Path) -> Iterator[str]:
    """A finished job open in the desk; yields its id."""
    open_desk(page, desk.url)
    page.get_by_label("Audio file").set_input_files(str(interview_wav))
    start = page.get_by_role("button", name="Start transcription")
    expect(start).to_be_enabled()
    start.click()
    expect(page.get_by_role("status").filter(has_text="Done ✓")).to_be_visible()
    expect(page.locator(".turn").first).to_be_visible()
    yield re.search(r"#job=([a-z0-9]{12})$", page.url).group(1)  # type: ignore[union-attr]


def result(desk: Desk, job_id: str) -> dict:
    return desk.panel.client.get(f"/api/results/{job_id}").json()


def download(page: Page, button: str) -> Path:
    """Open the review bar's Download panel and take the file from one of its buttons."""
    if page.locator("#download-panel").is_hidden():
        page.get_by_role("button", name="Download…").click()
    with page.expect_download() as info:
        page.get_by_role("button", name=button).click()
    return Path(info.value.path())


def audio(page: Page, prop: str) -> float:
    return float(page.evaluate(f"document.getElementById('audio').{prop}"))


def test_keyboard_shortcuts_drive_the_player(page: Page, job: str) -> None:
    page.locator("body").click(position={"x": 5, "y": 300})
    page.keyboard.press("Escape")
    wait_js(page, "!document.getElementById('audio').paused")
    page.keyboard.press("Escape")
    wait_js(page, "document.getElementById('audio').paused")
    before = audio(page, "currentTime")
    page.keyboard.press("Control+ArrowRight")
    assert audio(page, "currentTime") == pytest.approx(before + 5, abs=0.3)
    page.keyboard.press("Control+ArrowLeft")
    assert audio(page, "currentTime") == pytest.approx(before, abs=0.3)
    page.keyboard.press("Control+ArrowUp")
    assert audio(page, "playbackRate") == 1.25
    expect(page.locator("#rate-value")).to_have_text("1.25×")
    for _ in range(6):
        page.keyboard.press("Control+ArrowDown")
    assert audio(page, "playbackRate") == 0.5
    expect(page.locator("#rate-value")).to_have_text("0.5×")

    # While typing, Ctrl+arrows belong to the field; Esc still plays.
    page.keyboard.press("Control+f")
    find = page.get_by_role("searchbox", name="Find in transcript")
    expect(find).to_be_focused()
    find.fill("some text")
    at = audio(page, "currentTime")
    page.keyboard.press("Control+ArrowRight")
    assert audio(page, "currentTime") == pytest.approx(at, abs=0.01)
    # Esc in Find closes Find (it does not start playback) and gives focus back to the Find button.
    page.keyboard.press("Escape")
    expect(find).to_be_hidden()
    expect(page.get_by_role("button", name="Find", exact=True)).to_be_focused()
    assert page.evaluate("document.getElementById('audio').paused") is True
    # In other text fields Esc still plays (oTranscribe's habit).
    goto = page.get_by_label("Go to", exact=True)
    goto.fill("0:0")
    page.keyboard.press("Escape")
    wait_js(page, "!document.getElementById('audio').paused")
    page.keyboard.press("Escape")

    page.locator("body").click(position={"x": 5, "y": 300})
    page.keyboard.press("?")
    expect(page.get_by_role("dialog", name="Keyboard shortcuts")).to_be_visible()
    expect(page.get_by_role("dialog", name="Keyboard shortcuts")).to_contain_text("Back 5 seconds")


def test_flagged_segment_restore_hide_and_undo(page: Page, desk: Desk, job: str) -> None:
    expect(page.get_by_role("button", name="Needs review (1)")).to_be_visible()
    flagged = page.locator(".seg.is-flagged")
    expect(flagged).to_have_class(re.compile("is-hidden"))
    expect(flagged).to_contain_text("Subtitle credit line")
    page.get_by_role("button", name="Needs review (1)").click()
    expect(flagged).to_be_focused()

    flagged.get_by_role("button", name=re.compile("^Restore")).click()
    expect(flagged).not_to_have_class(re.compile("is-hidden"))
    credit = next(s for s in result(desk, job)["segments"] if s["flags"])
    assert credit["hidden"] is False
    assert "Amara" in download(page, "Download Markdown").read_text(encoding="utf-8")

    page.get_by_role("button", name="Undo").click()
    expect(flagged).to_have_class(re.compile("is-hidden"))
    assert next(s for s in result(desk, job)["segments"] if s["flags"])["hidden"] is True


def test_edit_text_in_place_then_undo_with_ctrl_z(page: Page, desk: Desk, job: str) -> None:
    segment = page.locator(".seg").filter(has_text="Of course, happy to help.")
    segment.dblclick()
    editor = page.get_by_role("textbox", name="Segment text")
    editor.fill("Of course, glad to help.")
    editor.press("Enter")
    expect(page.locator("#transcript")).to_contain_text("Of course, glad to help.")
    assert any(s["text"].strip() == "Of course, glad to help." for s in result(desk, job)["segments"])

    # Esc cancels an edit without saving (and without toggling playback).
    page.evaluate("document.getElementById('audio').pause()")
    page.locator(".seg").filter(has_text="glad to help").focus()
    page.keyboard.press("Enter")
    page.get_by_role("textbox", name="Segment text").fill("Something else")
    page.keyboard.press("Escape")
    expect(page.get_by_role("textbox", name="Segment text")).to_have_count(0)
    expect(page.locator("#transcript")).to_contain_text("Of course, glad to help.")
    assert page.evaluate("document.getElementById('audio').paused") is True

    page.keyboard.press("Control+z")
    expect(page.locator("#transcript")).to_contain_text("Of course, happy to help.")


def test_find_highlights_and_steps_through_matches(page: Page, job: str) -> None:
    page.get_by_role("button", name="Find").click()
    find = page.get_by_role("searchbox", name="Find in transcript")
    find.fill("help")
    expect(page.locator(".w.is-match")).to_have_count(1)
    find.press("Enter")
    expect(page.locator("#find-count")).to_have_text("1 of 1")
    assert audio(page, "currentTime") == 0  # Find only highlights and scrolls
    page.get_by_role("button", name="Play from here").click()
    wait_js(page, "document.getElementById('audio').currentTime > 4")
    page.get_by_role("button", name="Pause").click()
    find.fill("the")
    count = page.locator(".w.is-match").count()
    assert count >= 2
    find.press("Enter")
    find.press("Enter")
    expect(page.locator("#find-count")).to_have_text(f"2 of {count}")
    find.press("Shift+Enter")
    expect(page.locator("#find-count")).to_have_text(f"1 of {count}")


def test_reassign_a_turn_then_merge_everywhere(page: Page, desk: Desk, job: str) -> None:
    turns_before = page.locator(".turn").count()
    page.get_by_role("button", name="Rename SPEAKER_01").first.click()
    page.get_by_label("This turn is spoken by").select_option("SPEAKER_00")
    page.get_by_role("button", name="Reassign this turn").click()
    expect(page.locator(".turn")).to_have_count(turns_before - 2)  # it joins its neighbours

    page.get_by_role("button", name="Rename SPEAKER_01").first.click()
    page.get_by_label("Everywhere: merge this speaker into").select_option("SPEAKER_00")
    page.get_by_role("button", name="Merge everywhere").click()
    expect(page.get_by_role("button", name="Rename SPEAKER_01")).to_have_count(0)
    assert {s["speaker"] for s in result(desk, job)["segments"] if s["speaker"]} == {"SPEAKER_00"}


def test_split_a_turn_at_a_word(page: Page, desk: Desk, job: str) -> None:
    page.get_by_text("university.", exact=True).click(button="right")
    page.get_by_role("menuitem", name="Split here → new speaker").click()
    expect(page.get_by_role("button", name="Rename SPEAKER_02")).to_have_count(1)
    speakers = {s["speaker"] for s in result(desk, job)["segments"]}
    assert "SPEAKER_02" in speakers


def test_low_confidence_toggle_underlines_weak_words(page: Page, job: str) -> None:
    low = page.locator("#transcript.lowconf .w.is-low")
    expect(low).to_have_count(0)
    page.get_by_label("Low-confidence words").check()
    assert low.count() > 0


def test_download_options_reach_the_export(page: Page, job: str) -> None:
    page.get_by_role("button", name="Download…").click()
    page.get_by_label("Include timestamps").uncheck()
    page.get_by_label("Include speaker names").uncheck()
    page.get_by_label("Include flagged segments").check()
    with page.expect_download() as info:
        page.get_by_role("button", name="Download Markdown").click()
    url = info.value.url
    assert "timestamps=0" in url
    assert "speakers=0" in url
    assert "include_flagged=1" in url
    text = Path(info.value.path()).read_text(encoding="utf-8")
    assert "Amara" in text
    assert "SPEAKER_00" not in text
