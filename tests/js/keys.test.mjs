// Tests for static/js/keys.js: shortcuts never fire while typing, except Esc.
import { test } from "node:test";
import assert from "node:assert/strict";

import { clampTime, keyAction, stepRate } from "../../static/js/keys.js";

test("oTranscribe's keys map to player actions", () => {
  assert.equal(keyAction({ key: "Escape" }), "toggle");
  assert.equal(keyAction({ key: "ArrowLeft", ctrlKey: true }), "back");
  assert.equal(keyAction({ key: "ArrowRight", ctrlKey: true }), "forward");
  assert.equal(keyAction({ key: "ArrowDown", ctrlKey: true }), "slower");
  assert.equal(keyAction({ key: "ArrowUp", metaKey: true }), "faster");
  assert.equal(keyAction({ key: "?" }), "help");
  assert.equal(keyAction({ key: "z", ctrlKey: true }), "undo");
  assert.equal(keyAction({ key: "f", ctrlKey: true }), "find");
});

test("plain keys and arrows without Ctrl do nothing", () => {
  assert.equal(keyAction({ key: "ArrowLeft" }), null);
  assert.equal(keyAction({ key: "a" }), null);
  assert.equal(keyAction({ key: "ArrowLeft", ctrlKey: true, altKey: true }), null);
});

test("while typing only Esc acts", () => {
  assert.equal(keyAction({ key: "Escape", typing: true }), "toggle");
  assert.equal(keyAction({ key: "ArrowLeft", ctrlKey: true, typing: true }), null);
  assert.equal(keyAction({ key: "?", typing: true }), null);
  assert.equal(keyAction({ key: "z", ctrlKey: true, typing: true }), null);
});

test("speed steps stay within 0.5x and 2x", () => {
  assert.equal(stepRate(1, 1), 1.25);
  assert.equal(stepRate(1, -1), 0.75);
  assert.equal(stepRate(2, 1), 2);
  assert.equal(stepRate(0.5, -1), 0.5);
  assert.equal(stepRate(1.1, 1), 1.25);
});

test("seeking stays inside the recording", () => {
  assert.equal(clampTime(-3, 100), 0);
  assert.equal(clampTime(103, 100), 100);
  assert.equal(clampTime(50, Number.NaN), 50);
});
