// The desk's sentence about the local model: where it is, how large, and the download's progress.
import { test } from "node:test";
import assert from "node:assert/strict";

import { modelLine } from "../../static/js/settings-check.js";

const base = { name: "small", path: "/home/a/.cache/scribedesk/models/small", expected_mb: 484, size_bytes: 0,
  ready: false, downloading: false, done_bytes: 0, total_bytes: null, error: null, used: true };

test("a downloaded model says where it is and how large", () => {
  const line = modelLine({ ...base, ready: true, size_bytes: 483_600_000 });
  assert.equal(line, "Local model small: 484 MB in /home/a/.cache/scribedesk/models/small");
});

test("a download in progress shows whole percents of the total", () => {
  const line = modelLine({ ...base, downloading: true, done_bytes: 241_900_000, total_bytes: 483_800_000 });
  assert.equal(line, "Downloading local model small: 50% of 484 MB → /home/a/.cache/scribedesk/models/small");
});

test("a cancelled download says the next one continues, and a failure says why", () => {
  const line = modelLine({ ...base, done_bytes: 120_000_000, error: "Could not reach https://huggingface.co (ConnectError)" });
  assert.match(line, /not downloaded yet \(about 484 MB, to .*small; 120 MB already here, Download continues\)/);
  assert.match(line, /Last attempt: Could not reach/);
});
