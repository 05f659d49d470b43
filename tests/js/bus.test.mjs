// bus.js lists exactly the events the page uses: every emit/on in static/js names a listed
// event, and every listed event is both sent and listened to somewhere.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import test from "node:test";

import { EVENTS, emit, on } from "../../static/js/bus.js";

const dir = new URL("../../static/js/", import.meta.url);
const sources = readdirSync(dir)
  .filter((name) => name.endsWith(".js") && name !== "bus.js")
  .map((name) => readFileSync(new URL(name, dir), "utf8"));
const all = sources.join("\n");

function names(pattern) {
  return new Set([...all.matchAll(pattern)].map((m) => m[1]));
}
// emit("x" … and the job view's emit(`job:${name}`) for its four buttons.
const emitted = names(/\bemit\("([a-z:-]+)"/g);
if (/emit\(`job:\$\{name\}`/.test(all)) for (const name of ["start", "cancel", "retry", "delete"]) emitted.add(`job:${name}`);
const listened = names(/(?<![.\w])on\("([a-z:-]+)"/g);

test("every event sent or listened to is listed in bus.js", () => {
  for (const name of [...emitted, ...listened]) assert.ok(Object.hasOwn(EVENTS, name), `${name} is not in EVENTS`);
});

test("every listed event is sent and listened to", () => {
  for (const name of Object.keys(EVENTS)) {
    assert.ok(emitted.has(name), `${name} is never sent`);
    assert.ok(listened.has(name), `${name} is never listened to`);
  }
});

test("an unlisted name throws instead of going nowhere", () => {
  assert.throws(() => emit("seeek", {}), /unknown bus event/);
  assert.throws(() => on("seeek", () => {}), /unknown bus event/);
  let got = null;
  const off = on("seek", (detail) => (got = detail));
  emit("seek", { time: 3 });
  off();
  assert.deepEqual(got, { time: 3 });
});
