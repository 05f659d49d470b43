// Tests for static/js/format.js: what the user reads in the status line, list and player.
import { test } from "node:test";
import assert from "node:assert/strict";

import {
  badgeText,
  bytesText,
  clock,
  durationText,
  elapsedText,
  progressValue,
  rateText,
  statusDetail,
  statusLabel,
  statusTone,
} from "../../static/js/format.js";

test("clock shows mm:ss, then h:mm:ss past an hour", () => {
  assert.equal(clock(0), "00:00");
  assert.equal(clock(65.9), "01:05");
  assert.equal(clock(3599), "59:59");
  assert.equal(clock(3723), "1:02:03");
  assert.equal(clock(null), "--:--");
  assert.equal(clock(Number.NaN), "--:--");
});

test("durationText reads like a person would say it", () => {
  assert.equal(durationText(42.4), "42 s");
  assert.equal(durationText(187), "3 min 07 s");
  assert.equal(durationText(3900), "1 h 05 min");
  assert.equal(durationText(null), "");
});

test("bytesText picks a readable unit", () => {
  assert.equal(bytesText(512), "512 B");
  assert.equal(bytesText(8.2 * 1024 * 1024), "8.2 MB");
  assert.equal(bytesText(300 * 1024 * 1024), "300 MB");
});

test("elapsedText counts from an ISO time", () => {
  const from = "2026-11-21T19:40:00Z";
  assert.equal(elapsedText(from, Date.parse(from) + 83_000), "1:23");
  assert.equal(elapsedText(from, Date.parse(from) + 3_723_000), "1:02:03");
  assert.equal(elapsedText(null, Date.now()), "");
});

test("statusLabel follows the job through its life", () => {
  assert.equal(statusLabel({ local: "sending", localProgress: 41.6 }), "Uploading file… 42%");
  assert.equal(statusLabel({ status: "uploading", progress: 42, step: "" }), "Uploading to cloud… 42%");
  assert.equal(statusLabel({ status: "uploaded" }), "Ready to transcribe");
  assert.equal(statusLabel({ status: "queued", engine: "runpod" }), "Queued (waiting for GPU)…");
  assert.equal(statusLabel({ status: "transcribing", engine: "runpod" }), "Transcribing on cloud GPU…");
  assert.equal(
    statusLabel({ status: "transcribing", engine: "local", progress: 37 }),
    "Transcribing locally… 37%",
  );
  assert.equal(statusLabel({ status: "processing" }), "Processing results…");
  assert.equal(statusLabel({ status: "completed", step: "Done" }), "Done ✓");
  assert.equal(statusLabel({ status: "failed", error: "boom" }), "Failed");
});

test("the status line keeps its words; the server's step shows as a detail when it adds something", () => {
  const queued = { status: "queued", engine: "runpod", step: "Waiting for a RunPod worker (cold start)" };
  assert.equal(statusLabel(queued), "Queued (waiting for GPU)…");
  assert.equal(statusDetail(queued), "Waiting for a RunPod worker (cold start)");
  assert.equal(statusDetail({ status: "uploading", progress: 42, step: "Uploading to cloud… 42%" }), "");
  assert.equal(statusDetail({ status: "completed", step: "Done" }), "");
  assert.equal(statusDetail({ local: "sending", step: "x" }), "");
});

test("badges, tones and progress", () => {
  assert.equal(badgeText({ status: "uploaded" }), "Ready");
  assert.equal(badgeText({ local: "sending" }), "Uploading");
  assert.equal(statusTone({ status: "failed" }), "error");
  assert.equal(statusTone({ status: "completed" }), "done");
  assert.equal(statusTone({ local: "sending" }), "busy");
  assert.equal(progressValue({ status: "uploading", progress: 30 }), 30);
  assert.equal(progressValue({ status: "queued" }), null);
  assert.equal(progressValue({ local: "sending", localProgress: 12 }), 12);
});

test("rateText trims trailing zeros", () => {
  assert.equal(rateText(1), "1×");
  assert.equal(rateText(1.25), "1.25×");
  assert.equal(rateText(0.5), "0.5×");
});

test("go-to-time accepts h:mm:ss, m:ss, seconds and 1h30m", async () => {
  const { parseClock } = await import("../../static/js/format.js");
  assert.equal(parseClock("1:30:02"), 5402);
  assert.equal(parseClock("90:02"), 5402);
  assert.equal(parseClock("75"), 75);
  assert.equal(parseClock("1h30m"), 5400);
  assert.equal(parseClock("1:75"), null);
  assert.equal(parseClock("soon"), null);
  assert.equal(parseClock(""), null);
});

test("the status line shows the server's words when it sends them", async () => {
  const { statusLabel } = await import("../../static/js/format.js");
  assert.equal(statusLabel({ status: "queued", engine: "runpod", status_label: "Waiting for a GPU…" }), "Waiting for a GPU…");
  assert.equal(statusLabel({ status: "queued", engine: "runpod" }), "Queued (waiting for GPU)…");
});

test("estimates and time left read as a person would say them", async () => {
  const { estimateText, timeLeft, uploadFacts } = await import("../../static/js/format.js");
  const estimate = { seconds: 420, queue_seconds: 60, run_seconds: 360, cost_usd: 0.08, runs: 5 };
  assert.equal(estimateText(estimate), "Expected: about 7 min · ≈ $0.08 (from 5 earlier runs on this panel)");
  assert.equal(timeLeft({ status: "queued" }, estimate, 30, 0), 390);
  assert.equal(Math.round(timeLeft({ status: "transcribing", progress: 50 }, estimate, 100, 60)), 60);
  assert.equal(uploadFacts(10 * 1048576, 40 * 1048576, 1048576), "10.0 MB of 40.0 MB · 30 s left");
});
