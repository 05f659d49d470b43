"""The desk at interview length (issue 15): a generated 2-hour transcript (~720 turns, ~10,000
words) in Chromium, by mouse and by keyboard: the review bar in view, one tab stop for the
transcript, word-level editing, Find without moving the playhead, go to time, the segment menu
from the keyboard, the timeline's ticks, the job list read as "name, status, duration"."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Desk, open_desk, screenshot, wait_js
from tests.support.fake_runpod import run_fake_runpod
from tests.support.long_interview import FIND_AT, LENGTH, long_interview_output, long_silence_opus
from tests.support.panel import run_panel
from tests.support.s3 import moto_s3

pytestmark = pytest.mark.browser
EDIT_WAIT = 30_000  # ms: an edit of a 10,000-word transcript on a loaded two-core CI machine


@pytest.fixture(scope="session")
def long_audio(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return long_silence_opus(tmp_path_factory.mktemp("long") / "Two hours.ogg")


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desk]:
    """One panel for the module, on the fake RunPod answering with the two-hour transcript."""
    root = tmp_path_factory.mktemp("long-desk")
    with (
        moto_s3() as s3,
        run_fake_runpod(queued_polls=2, running_polls=3, default_output=long_interview_output()) as fake,
    ):
        overrides = {**s3.settings_overrides(), **fake.settings_overrides(), "gpu_price_per_hour": 0.69}
        with run_panel(root / "panel", engine="runpod", **overrides) as panel:
            yield Desk(panel=panel, fake=fake)


@pytest.fixture(scope="module")
def long_job_id(desk: Desk, long_audio: Path) -> str:
    """The two-hour job, transcribed once for the module through the API (the journey through the
    page is tested elsewhere); the tests' edits build on each other's, as a user's would."""
    job = desk.panel.upload(long_audio).json()
    desk.panel.wait_for(job["job_id"], {"uploaded"})
    assert desk.panel.client.post(f"/api/transcribe/{job['job_id']}", json={}).status_code == 202
    desk.panel.wait_for(job["job_id"], {"completed"})
    return str(job["job_id"])


@pytest.fixture
def long_job(page: Page, desk: Desk, long_job_id: str) -> str:
    """The two-hour job open in a fresh page."""
    open_desk(page, f"{desk.url}/#job={long_job_id}")
    expect(page.locator(".turn").first).to_be_visible()
    return long_job_id


def audio_time(page: Page) -> float:
    return float(page.evaluate("document.getElementById('audio').currentTime"))


def in_view(page: Page, selector: str) -> bool:
    """True when the element is inside the visible part of the window."""
    return bool(
        page.evaluate(
            """(sel) => { const b = document.querySelector(sel).getBoundingClientRect();
            return b.height > 0 && b.top >= 0 && b.bottom <= innerHeight; }""",
            selector,
        )
    )


def focus_clear_of_deck(page: Page) -> bool:
    """The focused element is not under the sticky player / review bar."""
    return bool(
        page.evaluate(
            """() => { const deck = document.getElementById('deck');
            const box = document.activeElement.getBoundingClientRect();
            const under = deck.getBoundingClientRect().bottom - 1;
            return deck.contains(document.activeElement) || box.top >= under; }"""
        )
    )


def test_review_bar_stays_in_view_and_the_transcript_is_one_tab_stop(page: Page, long_job: str) -> None:
    stops = page.evaluate(
        "[...document.querySelectorAll('#transcript *')].filter(n => n.tabIndex >= 0).length"
    )
    assert stops == 1
    # Deep in the transcript, Download and the tools are still on screen.
    page.locator(".seg").first.focus()
    page.keyboard.press("End")
    wait_js(page, "document.activeElement.dataset.seg > 900")
    assert in_view(page, "#download-toggle") and in_view(page, "#find-button")
    assert focus_clear_of_deck(page)
    screenshot(page, "long-transcript.png")
    # From Play to Download is a few Tabs, not ~1,450.
    page.get_by_role("button", name="Play").focus()
    presses = 0
    while page.evaluate("document.activeElement.id") != "download-toggle" and presses < 15:
        page.keyboard.press("Tab")
        presses += 1
    assert presses <= 8, presses
    page.keyboard.press("Enter")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download Markdown").click()
    assert "zebra crossing" in Path(info.value.path()).read_text(encoding="utf-8")


def test_arrow_keys_move_between_segments_and_focus_never_hides_under_the_player(
    page: Page, long_job: str
) -> None:
    first = page.locator(".seg").first
    first.focus()
    for _ in range(40):
        page.keyboard.press("ArrowDown")
    expect(page.locator(".seg").nth(40)).to_be_focused()
    for _ in range(20):
        page.keyboard.press("ArrowUp")
        assert focus_clear_of_deck(page)
    expect(page.locator(".seg").nth(20)).to_be_focused()
    # Tabbing backwards out of the transcript lands in the review bar, never under it.
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.getElementById('deck').contains(document.activeElement)")


def test_double_click_edits_at_the_word_without_playing(page: Page, desk: Desk, long_job: str) -> None:
    segment = page.locator(".seg").nth(5)
    words = segment.locator(".w")
    target = words.nth(4)
    word = target.inner_text()
    target.dblclick()
    editor = page.get_by_role("textbox", name="Segment text")
    expect(editor).to_be_focused()
    caret = editor.evaluate("e => [e.selectionStart, e.selectionEnd, e.value]")
    assert caret[0] == caret[1], "nothing is selected"
    assert caret[2][caret[0] :].startswith(word)
    page.wait_for_timeout(500)
    assert page.evaluate("document.getElementById('audio').paused") is True
    page.keyboard.type("really ")
    page.keyboard.press("Enter")
    expect(page.locator("#transcript")).to_contain_text(f"really {word}", timeout=EDIT_WAIT)
    # Focus comes back to the segment that was edited, not to the page.
    expect(page.locator(".seg").nth(5)).to_be_focused()
    result = desk.panel.client.get(f"/api/results/{long_job}").json()
    assert f"really {word}" in result["segments"][5]["text"]


def test_tab_in_the_editor_goes_to_the_next_word_needing_review(page: Page, long_job: str) -> None:
    page.get_by_label("Low-confidence words").check()
    low = page.locator(".seg-text .w ~ .w.is-low").first  # a weak word that is not its segment's first
    seg = low.locator("xpath=ancestor::span[contains(@class,'seg')]")
    seg.locator(".w").first.dblclick()
    editor = page.get_by_role("textbox", name="Segment text")
    page.keyboard.press("Tab")
    expect(editor).to_be_focused()
    at = editor.evaluate("e => e.value.slice(e.selectionStart)")
    assert at.startswith(low.inner_text().strip(".")), at


def test_find_highlights_without_moving_the_playhead_and_esc_closes_it(page: Page, long_job: str) -> None:
    goto = page.get_by_label("Go to", exact=True)
    goto.fill("1:30:00")
    goto.press("Enter")
    wait_js(page, "Math.abs(document.getElementById('audio').currentTime - 5400) < 1")
    page.keyboard.press("Control+f")
    find = page.get_by_role("searchbox", name="Find in transcript")
    find.fill("village")
    find.press("Enter")
    find.press("Enter")
    expect(page.locator("#find-count")).to_have_text(re.compile(r"^2 of \d+$"))
    assert audio_time(page) == pytest.approx(5400, abs=1)
    find.press("Escape")
    expect(find).to_be_hidden()
    assert page.evaluate("document.getElementById('audio').paused") is True
    # "Play from here" is its own action.
    page.keyboard.press("Control+f")
    find.fill(FIND_PHRASE_QUERY)
    find.press("Enter")
    page.get_by_role("button", name="Play from here").click()
    wait_js(page, f"Math.abs(document.getElementById('audio').currentTime - {FIND_AT}) < 3")


FIND_PHRASE_QUERY = "zebra crossing"


def test_split_a_turn_from_the_keyboard(page: Page, desk: Desk, long_job: str) -> None:
    page.locator(".seg").nth(3).focus()
    page.keyboard.press("Shift+F10")
    menu = page.get_by_role("menu", name="Segment")
    expect(menu).to_be_visible()
    expect(page.get_by_role("menuitem", name="Split here → new speaker")).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(page.get_by_role("menuitem", name="Play from here")).to_be_focused()
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Rename SPEAKER_03")).to_have_count(1, timeout=EDIT_WAIT)
    assert any(
        s["speaker"] == "SPEAKER_03"
        for s in desk.panel.client.get(f"/api/results/{long_job}").json()["segments"]
    )
    # Esc closes the menu and gives focus back.
    page.locator(".seg").nth(8).focus()
    page.keyboard.press("ContextMenu")
    expect(menu).to_be_visible()
    page.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    expect(page.locator(".seg").nth(8)).to_be_focused()


def test_timeline_has_time_ticks_and_a_hover_time(page: Page, long_job: str) -> None:
    ticks = page.locator("#timeline-ticks .tick")
    expect(ticks.first).to_be_visible()
    labels = ticks.all_inner_texts()
    assert 4 <= len(labels) <= 12 and "1:00:00" in labels, labels
    bar = page.get_by_role("slider", name="Speaker timeline")
    box = bar.bounding_box()
    assert box
    page.mouse.move(box["x"] + box["width"] * 0.75, box["y"] + box["height"] / 2)
    expect(page.locator("#timeline-hover")).to_have_text(re.compile(r"^1:(29|30):\d\d$"))
    assert float(bar.get_attribute("aria-valuemax") or 0) == pytest.approx(LENGTH, abs=2)


def test_job_list_reads_name_status_duration(page: Page, long_job: str) -> None:
    item = page.locator("#job-list .job-item").first
    assert item.get_attribute("aria-label") == "Two hours.ogg, Done, 2 h 00 min"
    expect(page.get_by_role("button", name="Two hours.ogg, Done, 2 h 00 min")).to_be_visible()
    assert "Done" in page.title() and "Two hours.ogg" in page.title()
