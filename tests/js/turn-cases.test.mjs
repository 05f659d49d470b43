// The turn-grouping cases the Python side runs too (tests/unit/test_turn_cases.py), so the page
// and the exports group a transcript into the same paragraphs.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import test from "node:test";

import { groupTurns } from "../../static/js/transcript-model.js";

const { cases } = JSON.parse(readFileSync(new URL("../data/turn_cases.json", import.meta.url), "utf8"));

for (const { name, segments, turns } of cases) {
  test(name, () => {
    const input = segments.map(([start, end, speaker, hidden], id) => ({ id, start, end, speaker, hidden, text: `s${id}` }));
    const got = groupTurns(input).map((turn) => ({
      speaker: turn.speaker,
      start: turn.start,
      end: turn.end,
      segments: turn.segments.map((segment) => segment.id),
    }));
    assert.deepEqual(got, turns);
  });
}

test("the shared file has the cases both languages rely on", () => {
  assert.ok(cases.length >= 8);
});
