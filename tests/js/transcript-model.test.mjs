// Tests for static/js/transcript-model.js: turns, the word index, colours, spans and search.
import { test } from "node:test";
import assert from "node:assert/strict";

import {
  buildWordIndex,
  chunkTurns,
  displayName,
  findMatches,
  flaggedSegments,
  flagReason,
  groupTurns,
  lastAtOrBefore,
  pillLabel,
  segmentOfWord,
  speakerColors,
  speakerLabels,
  speakerSpans,
  stepMatch,
  wordAt,
} from "../../static/js/transcript-model.js";

const w = (text, start, end) => ({ text, start, end });
const seg = (id, speaker, start, end, words, extra = {}) => ({
  id,
  speaker,
  start,
  end,
  text: words.map((x) => x.text).join(" "),
  words,
  flags: [],
  hidden: false,
  ...extra,
});

const segments = [
  seg(0, "SPEAKER_00", 0.5, 2, [w("Good", 0.5, 0.9), w("morning.", 1.0, 2)]),
  seg(1, "SPEAKER_00", 2.5, 3, [w("Welcome.", 2.5, 3)]),
  seg(2, "SPEAKER_01", 4, 6, [w("Thanks,", 4, 4.4), w("New", 4.5, 4.8), w("York", 4.9, 5.2), w("2024", null, null)]),
  seg(3, "SPEAKER_00", 7, 8, [w("Right.", 7, 8)]),
];

test("consecutive segments of one speaker form one turn", () => {
  const turns = groupTurns(segments);
  assert.deepEqual(
    turns.map((t) => [t.speaker, t.segments.map((s) => s.id), t.start, t.end]),
    [
      ["SPEAKER_00", [0, 1], 0.5, 3],
      ["SPEAKER_01", [2], 4, 6],
      ["SPEAKER_00", [3], 7, 8],
    ],
  );
});

test("segments without diarization make one turn with no speaker", () => {
  const turns = groupTurns([{ ...segments[0], speaker: null }, { ...segments[1], speaker: null }]);
  assert.equal(turns.length, 1);
  assert.equal(turns[0].speaker, null);
});

test("without diarization a long pause or a long stretch starts a new paragraph", () => {
  const seg = (start, end) => ({ id: start, start, end, text: "x", speaker: null, words: [] });
  assert.equal(groupTurns([seg(0, 5), seg(5.5, 9), seg(12, 15)]).length, 2);
  const steady = Array.from({ length: 30 }, (_, i) => seg(i * 3, i * 3 + 2.9));
  assert.ok(groupTurns(steady).length >= 2);
});

test("the word index numbers every word and skips untimed ones in the time search", () => {
  const index = buildWordIndex(segments);
  assert.equal(index.count, 8);
  assert.deepEqual([...index.ids], [0, 1, 2, 3, 4, 5, 7]);
  assert.deepEqual([...index.firstOfSegment], [0, 2, 3, 7]);
  assert.equal(segmentOfWord(index, 6), 2);
  assert.equal(segmentOfWord(index, 7), 3);
});

test("wordAt finds the word being spoken", () => {
  const index = buildWordIndex(segments);
  assert.equal(wordAt(index, 0.1), -1);
  assert.equal(wordAt(index, 0.5), 0);
  assert.equal(wordAt(index, 0.95), 0, "between words the last one stays lit");
  assert.equal(wordAt(index, 1.5), 1);
  assert.equal(wordAt(index, 5.0), 5);
  assert.equal(wordAt(index, 7.5), 7);
  assert.equal(wordAt(index, 30), -1, "a long silence clears the highlight");
});

test("wordAt agrees with a linear scan on a long transcript", () => {
  const many = [];
  let t = 0;
  for (let i = 0; i < 300; i += 1) {
    const words = [];
    for (let j = 0; j < 10; j += 1) {
      words.push(w(`w${i}-${j}`, t, t + 0.3));
      t += 0.4;
    }
    many.push(seg(i, `SPEAKER_0${i % 3}`, words[0].start, t, words));
  }
  const index = buildWordIndex(many);
  for (const probe of [0, 0.35, 17.2, 600.01, t - 0.1, 1199.9]) {
    let expected = -1;
    for (let k = 0; k < index.starts.length; k += 1) if (index.starts[k] <= probe) expected = k;
    assert.equal(lastAtOrBefore(index.starts, probe), expected, `at ${probe}`);
  }
});

test("out-of-order word starts are sorted for the search", () => {
  const index = buildWordIndex([seg(0, null, 0, 2, [w("a", 1.0, 1.2), w("b", 0.98, 1.5)])]);
  assert.deepEqual([...index.starts], [0.98, 1.0]);
  assert.deepEqual([...index.ids], [1, 0]);
});

test("a segment without words shows its text as one word", () => {
  const index = buildWordIndex([{ id: 0, start: 1, end: 3, text: "Whole line", words: [] }]);
  assert.equal(index.count, 1);
  assert.equal(wordAt(index, 2), 0);
});

test("speaker names and pill labels", () => {
  const speakers = { SPEAKER_00: "Interviewer", SPEAKER_01: "SPEAKER_01" };
  assert.equal(displayName(speakers, "SPEAKER_00"), "Interviewer");
  assert.equal(displayName(speakers, "SPEAKER_02"), "SPEAKER_02");
  assert.equal(pillLabel(speakers, "SPEAKER_01"), "Rename SPEAKER_01");
  assert.equal(pillLabel(speakers, "SPEAKER_00"), "Rename Interviewer");
});

test("speaker labels and colours are stable", () => {
  const labels = speakerLabels({ segments, speakers: { SPEAKER_00: "A", SPEAKER_01: "B", SPEAKER_05: "C" } });
  assert.deepEqual(labels, ["SPEAKER_00", "SPEAKER_01", "SPEAKER_05"]);
  const colors = speakerColors([...labels, "guest"]);
  assert.equal(colors.get("SPEAKER_00"), 0);
  assert.equal(colors.get("SPEAKER_05"), 5);
  assert.equal(new Set(colors.values()).size, 4, "every speaker gets its own colour");
});

test("timeline spans merge a speaker's close segments and skip hidden ones", () => {
  const spans = speakerSpans([
    ...segments,
    seg(4, "SPEAKER_00", 8.2, 9, [w("Ok", 8.2, 9)]),
    seg(5, "SPEAKER_01", 20, 25, [w("Thank you for watching", 20, 25)], { hidden: true, flags: ["x"] }),
  ]);
  assert.deepEqual(spans, [
    { speaker: "SPEAKER_00", start: 0.5, end: 3 },
    { speaker: "SPEAKER_01", start: 4, end: 6 },
    { speaker: "SPEAKER_00", start: 7, end: 9 },
  ]);
});

test("flagged segments and their reasons", () => {
  const flagged = [segments[0], { ...segments[1], flags: ["hallucination:credit-line"] }];
  assert.deepEqual(flaggedSegments(flagged), [1]);
  assert.equal(
    flagReason(flagged[1], { "hallucination:credit-line": "Subtitle credit line" }),
    "Subtitle credit line",
  );
  assert.equal(flagReason({ flags: ["odd"] }, {}), "odd");
});

test("find matches words regardless of case, accents and punctuation", () => {
  assert.deepEqual(findMatches(segments, "MORNING"), [{ first: 1, last: 1 }]);
  assert.deepEqual(findMatches(segments, "new york"), [{ first: 4, last: 5 }]);
  assert.deepEqual(findMatches(segments, "thanks, new"), [{ first: 3, last: 4 }]);
  assert.deepEqual(findMatches(segments, "  "), []);
  const accented = [seg(0, null, 0, 1, [w("Café", 0, 1)])];
  assert.deepEqual(findMatches(accented, "cafe"), [{ first: 0, last: 0 }]);
});

test("stepping through matches wraps around", () => {
  assert.equal(stepMatch(3, -1, 1), 0);
  assert.equal(stepMatch(3, -1, -1), 2);
  assert.equal(stepMatch(3, 2, 1), 0);
  assert.equal(stepMatch(3, 0, -1), 2);
  assert.equal(stepMatch(0, 0, 1), -1);
});

test("turns are cut into chunks of about a word budget, never splitting a turn", () => {
  const turns = groupTurns(segments);
  assert.deepEqual(turns.map((t) => t.first), [0, 2, 3]);
  const chunks = chunkTurns(turns, 3);
  assert.deepEqual(
    chunks.map((c) => [c.firstTurn, c.lastTurn, c.firstSegment, c.lastSegment, c.words]),
    [
      [0, 0, 0, 1, 3],
      [1, 1, 2, 2, 4],
      [2, 2, 3, 3, 1],
    ],
  );
  assert.equal(chunkTurns(turns, 1000).length, 1);
  assert.deepEqual(chunkTurns([], 10), []);
});

test("word offsets find each shown word in the segment text, in order", async () => {
  const { wordOffsets } = await import("../../static/js/transcript-model.js");
  const text = "The team said the plan worked.";
  const words = ["The", "team", "said", "the", "plan", "worked."].map((t) => ({ text: t }));
  assert.deepEqual(wordOffsets(text, words), [0, 4, 9, 14, 18, 23]);
  // A word the text no longer has takes the place after the previous one.
  assert.deepEqual(wordOffsets("Hello there", [{ text: "Hello" }, { text: "world" }]), [0, 6]);
});

test("next review stops on low-score words, then on later segments", async () => {
  const { nextReview } = await import("../../static/js/transcript-model.js");
  const w = (text, score) => ({ text, start: 0, end: 1, score });
  const segs = [
    { words: [w("a", 0.9), w("b", 0.2), w("c", 0.9), w("d", 0.3)] },
    { words: [w("e", 0.9)], flags: [] },
    { words: [w("f", 0.9), w("g", 0.1)] },
  ];
  assert.deepEqual(nextReview(segs, 0, 0), { position: 0, word: 1 });
  assert.deepEqual(nextReview(segs, 0, 1), { position: 0, word: 3 });
  assert.deepEqual(nextReview(segs, 0, 3), { position: 2, word: 1 });
  assert.equal(nextReview(segs, 2, 1), null);
});
