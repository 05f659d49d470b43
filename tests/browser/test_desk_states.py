"""The desk's states for a user who waits and leaves (issue 15): axe (WCAG 2.1 AA) in every
state, the estimate before Start and the time left while waiting, the tab title, uploads that can
be cancelled, warn before leaving and resume after a reload, and connection notices kept apart
from job errors."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, Route, expect

from tests.browser.conftest import Desk, open_desk, screenshot, wait_js
from tests.support.audio import silence_wav

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_problems(page: Page, url: str) -> list[dict[str, Any]]:
    """Serious and critical WCAG 2.1 AA violations axe finds in the page as it is now. axe is
    served from the panel's own origin (a routed URL), since the page's CSP allows only 'self'."""
    assert AXE.exists(), "axe-core is missing: run `npm ci` (the Makefile's test target does)"
    page.route(
        "**/__axe__.js", lambda route: route.fulfill(body=AXE.read_text(), content_type="text/javascript")
    )
    if not page.evaluate("Boolean(window.axe)"):
        page.add_script_tag(url=f"{url}/__axe__.js")
    found = page.evaluate(
        """(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}}).then((r) =>
            r.violations.map((v) => ({id: v.id, impact: v.impact,
              nodes: v.nodes.slice(0, 4).map((n) => `${n.target.join(' ')}: ${n.failureSummary}`)})))""",
        WCAG,
    )
    return [v for v in found if v["impact"] in ("serious", "critical")]


def start_job(page: Page, wav: Path) -> str:
    page.get_by_label("Audio file").set_input_files(str(wav))
    start = page.get_by_role("button", name="Start transcription")
    expect(start).to_be_enabled()
    start.click()
    return re.search(r"#job=([a-z0-9]{12})$", page.url).group(1)  # type: ignore[union-attr]


def test_axe_finds_nothing_serious_in_any_state(page: Page, desk: Desk, interview_wav: Path) -> None:
    open_desk(page, desk.url)
    assert axe_problems(page, desk.url) == [], "empty"
    desk.fake.queued_polls = 10_000
    job = start_job(page, interview_wav)
    expect(page.get_by_role("status").filter(has_text="Queued")).to_be_visible()
    assert axe_problems(page, desk.url) == [], "waiting"
    page.get_by_role("button", name="Cancel", exact=True).click()
    desk.fake.queued_polls = 1
    page.get_by_role("button", name="Retry").click()
    expect(page.get_by_role("status").filter(has_text="Done ✓")).to_be_visible()
    expect(page.locator(".turn").first).to_be_visible()
    assert axe_problems(page, desk.url) == [], "completed"
    page.locator(".seg").nth(1).dblclick()
    expect(page.get_by_role("textbox", name="Segment text")).to_be_focused()
    assert axe_problems(page, desk.url) == [], "editor"
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Rename SPEAKER_01").first.click()
    assert axe_problems(page, desk.url) == [], "dialog"
    page.get_by_role("button", name="Cancel").click()
    page.emulate_media(color_scheme="dark")
    page.wait_for_timeout(300)
    assert axe_problems(page, desk.url) == [], "dark"
    page.set_viewport_size({"width": 420, "height": 860})
    page.wait_for_timeout(300)
    assert axe_problems(page, desk.url) == [], "narrow"
    page.emulate_media(color_scheme="light")
    assert job


def test_small_text_is_at_least_13_px(page: Page, desk: Desk, interview_wav: Path) -> None:
    open_desk(page, desk.url)
    start_job(page, interview_wav)
    expect(page.locator(".turn").first).to_be_visible()
    sizes = page.evaluate(
        """() => [...document.querySelectorAll('.badge, .ts, .flag-note, .job-sub, .tick, kbd')]
            .map((n) => parseFloat(getComputedStyle(n).fontSize))"""
    )
    assert sizes and min(sizes) >= 13, sizes


def test_estimate_before_start_and_time_left_while_waiting(
    page: Page, desk: Desk, interview_wav: Path
) -> None:
    desk.fake.queued_polls = 10_000
    open_desk(page, desk.url)
    page.get_by_label("Audio file").set_input_files(str(interview_wav))
    expect(page.get_by_role("button", name="Start transcription")).to_be_enabled()
    expect(page.locator("#status-expect")).to_contain_text("Expected: ")
    expect(page.locator("#status-expect")).to_contain_text("a typical figure")
    page.get_by_role("button", name="Start transcription").click()
    expect(page.get_by_role("status").filter(has_text="Queued")).to_be_visible()
    expect(page.locator("#elapsed")).to_have_text(re.compile(r"^waiting \d+:\d\d$"))
    expect(page.locator("#status-expect")).to_contain_text("left in all (a GPU usually starts in")
    # Another tab sees the state in the title; the favicon is drawn for it.
    wait_js(page, "document.title.startsWith('Queued · Interview 1.wav')")
    assert page.evaluate("document.getElementById('favicon').href").startswith("data:image/png")
    screenshot(page, "waiting.png")
    # Start moved focus nowhere odd: it is on Cancel, the control that replaced Start.
    expect(page.get_by_role("button", name="Cancel", exact=True)).to_be_focused()


def hold_pieces(page: Page, after: int) -> list[Route]:
    """Let `after` upload pieces through, then hold every later one (an upload in progress)."""
    held: list[Route] = []
    seen = {"n": 0}

    def handle(route: Route) -> None:
        seen["n"] += 1
        if seen["n"] <= after:
            route.continue_()
        else:
            held.append(route)

    page.route(re.compile(r"/api/uploads/[a-z0-9]+\?offset="), handle)
    return held


def test_an_upload_can_be_cancelled_and_warns_before_leaving(page: Page, desk: Desk, tmp_path: Path) -> None:
    big = silence_wav(tmp_path / "Long talk.wav", 200.0)  # 6.4 MB: two pieces
    open_desk(page, desk.url)
    hold_pieces(page, after=1)
    page.get_by_label("Audio file").set_input_files(str(big))
    expect(page.locator("#status-line")).to_contain_text("Uploading file…")
    expect(page.locator("#status-expect")).to_contain_text("MB of 6.1 MB")
    leaving = page.evaluate(
        """() => { const e = new Event('beforeunload', {cancelable: true});
            dispatchEvent(e); return e.defaultPrevented; }"""
    )
    assert leaving is True
    page.get_by_role("button", name="Cancel", exact=True).click()
    expect(page.locator("#job-list li")).to_have_count(0)
    wait_js(
        page,
        "!localStorage.getItem('scribedesk.uploads') || localStorage.getItem('scribedesk.uploads') === '{}'",
    )
    partial = Path(desk.panel.settings.upload_dir) / ".partial"
    for _ in range(100):  # the DELETE goes out just after the row disappears
        if not partial.exists() or not list(partial.iterdir()):
            break
        page.wait_for_timeout(100)
    assert not partial.exists() or list(partial.iterdir()) == []
    assert desk.panel.client.get("/api/jobs").json()["jobs"] == []


def test_an_upload_interrupted_by_a_reload_goes_on_from_the_part_received(
    page: Page, desk: Desk, tmp_path: Path
) -> None:
    big = silence_wav(tmp_path / "Long talk.wav", 200.0)
    open_desk(page, desk.url)
    held = hold_pieces(page, after=1)
    page.get_by_label("Audio file").set_input_files(str(big))
    # The first 4 MB piece is in (62%), the second is on its way when the tab closes.
    wait_js(page, "parseInt(document.getElementById('status-line').textContent.split('… ')[1]) >= 62")
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(100)
    assert held, "the second piece never went out"
    for route in held:
        route.abort()
    # The tab is closed mid-upload (the user said yes to "Leave site?") and the desk opened again.
    again = page.context.new_page()
    page.close(run_before_unload=False)
    page = again
    offsets: list[str] = []
    page.on("request", lambda r: "offset=" in r.url and offsets.append(r.url.rsplit("=", 1)[1]))
    open_desk(page, desk.url)
    row = page.locator("#job-list li").filter(has_text="Long talk.wav")
    expect(row.locator(".badge")).to_have_text("Interrupted")
    row.get_by_role("button").click()
    expect(page.locator("#status-expect")).to_contain_text("Choose “Long talk.wav” again")
    page.get_by_label("Audio file").set_input_files(str(big))
    expect(page.get_by_role("button", name="Start transcription")).to_be_enabled()
    assert offsets and "0" not in offsets, offsets  # only the rest was sent
    job = desk.panel.client.get("/api/jobs").json()["jobs"][0]
    stored = Path(desk.panel.settings.upload_dir) / job["job_id"] / "Long talk.wav"
    assert stored.read_bytes() == big.read_bytes()
    expect(page.locator("#job-list li")).to_have_count(1)


def test_connection_notices_live_apart_from_job_errors(page: Page, desk: Desk, interview_wav: Path) -> None:
    open_desk(page, desk.url)
    page.get_by_label("Audio file").set_input_files(str(interview_wav))
    expect(page.get_by_role("button", name="Start transcription")).to_be_enabled()
    page.route("**/api/transcribe/**", lambda route: route.abort())
    page.get_by_role("button", name="Start transcription").click()
    expect(page.locator("#connection")).to_be_visible()
    expect(page.locator("#job-error")).to_be_hidden()
    page.unroute_all(behavior="ignoreErrors")
    expect(page.locator("#connection")).to_be_hidden(timeout=15_000)
    page.get_by_role("button", name="Start transcription").click()
    expect(page.get_by_role("status").filter(has_text="Done ✓")).to_be_visible()
