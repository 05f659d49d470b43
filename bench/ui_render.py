"""UI render benchmark: a 3-hour transcript (3,000 segments, 30,000 words, 3 speakers) in the desk.

Serves static/ with a stub of the few API routes the desk reads (config, jobs, events, the result,
a tiny audio file), under the panel's Content-Security-Policy, and drives Debian's Chromium headless.
Measured inside the page (the desk exposes `window.__scribedesk` only with ?testhook):

- baseline: fetch + JSON.parse of GET /api/results/{id}                       (median of 9, interleaved)
- render:   fetch + parse + build the transcript DOM + the next frame painted  (median of 9, interleaved)
- tick:     one highlight update at a new word (class swap + the layout the follow check forces)

Prints render / baseline (goal <= 3) and tick / 16.7 ms frame (goal well under 1).
Run: .venv/bin/python bench/ui_render.py [--segments 3000] [--words 10]
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import wave
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright
from starlette.applications import Starlette
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from scribedesk.api.security import CSP  # noqa: E402
from tests.support.chromium import CHROMIUM  # noqa: E402
from tests.support.chromium import CHROMIUM_ARGS as ARGS  # noqa: E402
from tests.support.servers import serve  # noqa: E402

JOB_ID = "bench0000001"
VOCAB = [
    "the",
    "interview",
    "began",
    "with",
    "questions",
    "about",
    "work",
    "and",
    "family",
    "history",
    "in",
    "the",
    "village",
    "school",
]


def make_result(n_segments: int, words_per_segment: int) -> dict[str, Any]:
    """A long interview: three speakers taking turns of 1-4 segments, ~3.6 s per segment."""
    segments = []
    t = 0.0
    speaker = 0
    for i in range(n_segments):
        if i % 3 == 0:
            speaker = (speaker + 1 + i % 2) % 3
        label = f"SPEAKER_{speaker:02d}"
        words = []
        for j in range(words_per_segment):
            text = VOCAB[(i * 7 + j) % len(VOCAB)]
            words.append(
                {"text": text, "start": round(t, 3), "end": round(t + 0.3, 3), "score": 0.4 + (j % 6) / 10},
            )
            t += 0.34
        segments.append(
            {
                "id": i,
                "start": words[0]["start"],
                "end": words[-1]["end"],
                "text": " ".join(w["text"] for w in words),
                "speaker": label,
                "words": words,
                "flags": [],
                "hidden": False,
            }
        )
        t += 0.2
    return {
        "job_id": JOB_ID,
        "filename": "Three hour interview.m4a",
        "language": "en",
        "duration": t,
        "speakers": {f"SPEAKER_{k:02d}": f"SPEAKER_{k:02d}" for k in range(3)},
        "segments": segments,
        "flag_reasons": {},
        "source": {"engine": "runpod", "model": "large-v2"},
        "can_undo": 0,
    }


def tiny_wav() -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"\0\0" * 8000)
    return buffer.getvalue()


def build_app(result: dict[str, Any]) -> Starlette:
    body = json.dumps(result).encode()
    job = {
        "job_id": JOB_ID, "filename": result["filename"], "size": 123_456_789, "duration": result["duration"],
        "status": "completed", "progress": 100, "step": "Done", "error": None, "engine": "runpod",
        "options": {}, "created_at": "2026-11-21T10:00:00Z", "updated_at": "2026-11-21T10:30:00Z",
        "submitted_at": "2026-11-21T10:01:00Z", "finished_at": "2026-11-21T10:20:00Z",
        "can_start": False, "can_cancel": False, "can_retry": False, "has_result": True,
    }  # fmt: skip
    config = {
        "default_language": "en", "languages": [{"code": "en", "name": "English"}],
        "default_model": "large-v2", "models": ["large-v2"], "engine": "runpod",
        "diarization_available": True, "max_upload_mb": 2048, "hide_flagged": True,
        "export_formats": [{"name": "docx", "label": "Word (DOCX)", "extension": "docx"}],
    }  # fmt: skip
    audio = tiny_wav()

    def headers(kind: str) -> dict[str, str]:
        return {"Content-Security-Policy": CSP, "Content-Type": kind, "Cache-Control": "no-store"}

    routes = [
        Route("/", lambda r: FileResponse(ROOT / "static" / "index.html", headers=headers("text/html"))),
        Route("/api/config", lambda r: JSONResponse(config)),
        Route("/api/jobs", lambda r: JSONResponse({"jobs": [job]})),
        Route("/api/events", lambda r: Response(status_code=204)),
        Route(f"/api/results/{JOB_ID}", lambda r: Response(body, headers=headers("application/json"))),
        Route(f"/api/jobs/{JOB_ID}/audio", lambda r: Response(audio, headers=headers("audio/wav"))),
        Mount("/static", StaticFiles(directory=ROOT / "static")),
    ]
    return Starlette(routes=routes)


MEASURE = """async ([jobId, runs]) => {
  const hook = window.__scribedesk;
  const median = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1];
  // Interleaved, so a busy moment on the machine hits both sides alike.
  const base = [];
  const render = [];
  const parts = [];
  for (let i = 0; i < runs; i += 1) {
    await new Promise((r) => setTimeout(r, 50));
    const t0 = performance.now();
    const response = await fetch(`/api/results/${jobId}`);
    JSON.parse(await response.text());
    base.push(performance.now() - t0);
    hook.transcript.clear();
    await new Promise((r) => setTimeout(r, 50));
    await hook.loadResult(jobId);
    render.push(hook.timings.rendered);
    parts.push({ ...hook.timings });
  }
  // Highlight ticks: jump the playhead word by word through a stretch in the middle, following.
  const segments = hook.transcript.result.segments;
  const starts = segments.slice(1500, 1600).flatMap((s) => s.words.map((w) => w.start + 0.01));
  const ticks = [];
  for (const t of starts) {
    const t0 = performance.now();
    hook.emit("player:tick", { time: t });
    document.querySelector(".w.is-current").getBoundingClientRect();  // the layout the tick causes
    ticks.push(performance.now() - t0);
  }
  return {
    base: median(base), render: median(render), tick: median(ticks),
    tickMax: Math.max(...ticks), words: hook.transcript.wordCount, parts,
  };
}"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, default=3000)
    parser.add_argument("--words", type=int, default=10)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--verbose", action="store_true", help="print each render's fetched/applied/rendered")
    args = parser.parse_args()
    result = make_result(args.segments, args.words)
    size_mb = len(json.dumps(result)) / 1e6
    with serve(build_app(result)) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{url}/?testhook=1#job={JOB_ID}")
        page.wait_for_selector("html[data-ready]")
        page.wait_for_selector(".turn")
        numbers = page.evaluate(MEASURE, [JOB_ID, args.runs])
        browser.close()
    if errors:
        raise SystemExit(f"the page threw: {errors}")
    duration_h = result["duration"] / 3600
    words = numbers["words"]
    print(f"transcript: {args.segments} segments, {words} words, {duration_h:.1f} h, {size_mb:.1f} MB JSON")
    print(f"fetch + JSON.parse:          {numbers['base']:8.1f} ms")
    if args.verbose:
        for part in numbers["parts"]:
            print("   ", {k: round(v, 1) for k, v in part.items()})
    print(f"fetch + parse + render:      {numbers['render']:8.1f} ms")
    print(f"render ratio:                {numbers['render'] / numbers['base']:8.2f}x   (goal <= 3)")
    print(f"highlight tick (median):     {numbers['tick']:8.3f} ms   (max {numbers['tickMax']:.2f} ms)")
    print(f"tick / 16.7 ms frame:        {numbers['tick'] / 16.7:8.3f}    (goal well under 1)")


if __name__ == "__main__":
    main()
