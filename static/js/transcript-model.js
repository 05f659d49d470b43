// Pure helpers over a Result (docs/api.md): speaker turns, the flat word index with a binary
// search by time, speaker colours, the timeline spans and transcript search. No DOM; tested in node.

/** The words to show for a segment: its aligned words, or its whole text as one untimed-ish word. */
export function segmentWords(segment) {
  if (segment.words && segment.words.length) return segment.words;
  return [{ text: segment.text ?? "", start: segment.start, end: segment.end }];
}

// Without diarization every segment has no speaker; these keep such a transcript in paragraphs.
// The same rule as scribedesk/transcript/turns.py, so the page and the exports agree.
export const UNLABELLED_PAUSE = 2.0;
export const UNLABELLED_MAX = 60.0;

function startsNewTurn(current, speaker, segment) {
  if (!current || current.speaker !== speaker) return true;
  if (speaker !== null) return false;
  return segment.start - current.end >= UNLABELLED_PAUSE || current.end - current.start >= UNLABELLED_MAX;
}

/**
 * Consecutive segments by the same speaker form one turn: [{speaker, start, end, first, segments}]
 * where `first` is the array position of the turn's first segment. Speakerless segments also
 * break at a pause of UNLABELLED_PAUSE s or after UNLABELLED_MAX s.
 */
export function groupTurns(segments) {
  const turns = [];
  let current = null;
  for (const [position, segment] of segments.entries()) {
    const speaker = segment.speaker ?? null;
    if (startsNewTurn(current, speaker, segment)) {
      current = { speaker, start: segment.start, end: segment.end, first: position, segments: [] };
      turns.push(current);
    }
    current.segments.push(segment);
    current.end = Math.max(current.end, segment.end);
  }
  return turns;
}

/**
 * Number every shown word 0..n-1 in reading order and collect the timed ones sorted by start:
 * {count, starts: Float64Array, ends: Float64Array, ids: Int32Array, firstOfSegment: Int32Array}.
 * `ids[k]` is the flat number of the k-th timed word; `firstOfSegment[i]` the flat number of
 * segment i's first word, so a word's segment is found by binary search too.
 * Typed arrays filled in two passes: 30,000 words take a few milliseconds.
 */
export function buildWordIndex(segments) {
  const firstOfSegment = new Int32Array(segments.length);
  let count = 0;
  let timedCount = 0;
  segments.forEach((segment, i) => {
    firstOfSegment[i] = count;
    const words = segmentWords(segment);
    count += words.length;
    for (const word of words) if (Number.isFinite(word.start)) timedCount += 1;
  });
  let starts = new Float64Array(timedCount);
  let ends = new Float64Array(timedCount);
  let ids = new Int32Array(timedCount);
  let k = 0;
  let flat = 0;
  let sorted = true;
  for (const segment of segments) {
    for (const word of segmentWords(segment)) {
      if (Number.isFinite(word.start)) {
        if (k > 0 && word.start < starts[k - 1]) sorted = false;
        starts[k] = word.start;
        ends[k] = Number.isFinite(word.end) ? word.end : word.start;
        ids[k] = flat;
        k += 1;
      }
      flat += 1;
    }
  }
  if (!sorted) {
    // Aligners occasionally emit a word a few ms before its neighbour; keep the search correct.
    const order = Array.from(ids.keys()).sort((a, b) => starts[a] - starts[b] || ids[a] - ids[b]);
    starts = Float64Array.from(order, (i) => starts[i]);
    ends = Float64Array.from(order, (i) => ends[i]);
    ids = Int32Array.from(order, (i) => ids[i]);
  }
  return { count, starts, ends, ids, firstOfSegment };
}

/**
 * Cut turns into chunks of about `budget` words for rendering in pieces:
 * [{firstTurn, lastTurn, firstSegment, lastSegment, words}] (inclusive bounds).
 */
export function chunkTurns(turns, budget = 800) {
  const chunks = [];
  let current = null;
  turns.forEach((turn, i) => {
    const words = turn.segments.reduce((n, segment) => n + segmentWords(segment).length, 0);
    if (!current || current.words >= budget) {
      current = { firstTurn: i, lastTurn: i, firstSegment: turn.first, lastSegment: turn.first, words: 0 };
      chunks.push(current);
    }
    current.lastTurn = i;
    current.lastSegment = turn.first + turn.segments.length - 1;
    current.words += words;
  });
  return chunks;
}

/** Index of the last entry of the ascending array `values` that is <= t, or -1. */
export function lastAtOrBefore(values, t) {
  let lo = 0;
  let hi = values.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid] <= t) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

/** Seconds a word stays highlighted after its end while nobody speaks (a pause keeps the last word). */
const LINGER = 1.5;

/** The flat number of the word being spoken at time t, or -1 (before the first word or in a long pause). */
export function wordAt(index, t) {
  const k = lastAtOrBefore(index.starts, t);
  if (k < 0) return -1;
  if (t > index.ends[k] + LINGER) return -1;
  return index.ids[k];
}

/** The segment (array position) a flat word number belongs to. */
export function segmentOfWord(index, flat) {
  return lastAtOrBefore(index.firstOfSegment, flat);
}

/** Speaker labels in order of first appearance, then any named-but-unused ones. */
export function speakerLabels(result) {
  const seen = new Set();
  for (const segment of result.segments ?? []) {
    if (segment.speaker) seen.add(segment.speaker);
  }
  for (const label of Object.keys(result.speakers ?? {})) seen.add(label);
  return [...seen];
}

/** A stable colour slot 0..7 for each label: SPEAKER_03 -> 3, else the order of appearance. */
export function speakerColors(labels) {
  const colors = new Map();
  const used = new Set();
  for (const label of labels) {
    const m = /(\d+)$/.exec(label);
    if (m) {
      const slot = Number(m[1]) % 8;
      if (!used.has(slot)) {
        colors.set(label, slot);
        used.add(slot);
      }
    }
  }
  let next = 0;
  for (const label of labels) {
    if (colors.has(label)) continue;
    while (used.has(next % 8) && used.size < 8) next += 1;
    colors.set(label, next % 8);
    used.add(next % 8);
    next += 1;
  }
  return colors;
}

/** The name to show for a label. */
export function displayName(speakers, label) {
  if (!label) return "";
  return (speakers && speakers[label]) || label;
}

/** Accessible name of a speaker pill: "Rename SPEAKER_00", or "Rename Interviewer" once named. */
export function pillLabel(speakers, label) {
  return `Rename ${displayName(speakers, label)}`;
}

/**
 * Who talks when, for the timeline: [{speaker, start, end}] with neighbouring stretches of the
 * same speaker merged across gaps shorter than `gap` seconds. Hidden segments are left out.
 */
export function speakerSpans(segments, gap = 1.0) {
  const spans = [];
  for (const segment of segments) {
    if (segment.hidden || !segment.speaker) continue;
    const last = spans[spans.length - 1];
    if (last && last.speaker === segment.speaker && segment.start - last.end <= gap) {
      last.end = Math.max(last.end, segment.end);
    } else {
      spans.push({ speaker: segment.speaker, start: segment.start, end: segment.end });
    }
  }
  return spans;
}

/** Share of speaking time per label: Map label -> seconds. */
export function speakingTime(segments) {
  const totals = new Map();
  for (const segment of segments) {
    if (segment.hidden || !segment.speaker) continue;
    totals.set(segment.speaker, (totals.get(segment.speaker) ?? 0) + (segment.end - segment.start));
  }
  return totals;
}

/** Positions of flagged segments (array indexes), in time order. */
export function flaggedSegments(segments) {
  const found = [];
  segments.forEach((segment, i) => {
    if (segment.flags && segment.flags.length) found.push(i);
  });
  return found;
}

/** The human reason for a segment's flags, from the Result's flag_reasons. */
export function flagReason(segment, reasons) {
  const texts = (segment.flags ?? []).map((flag) => (reasons && reasons[flag]) || flag);
  return texts.join("; ");
}

/** Lower case, accents and edge punctuation removed: how search compares words. */
const fold = (text) =>
  text
    .toLocaleLowerCase()
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .replace(/^[\p{P}\p{S}]+|[\p{P}\p{S}]+$/gu, "");

/**
 * Find `query` in the shown words: [{first, last}] ranges of flat word numbers, in reading order.
 * Matching is case- and accent-insensitive and may span several words ("new york").
 */
export function findMatches(segments, query) {
  const needle = query.trim().split(/\s+/).map(fold).filter(Boolean);
  if (!needle.length) return [];
  const words = [];
  for (const segment of segments) {
    for (const word of segmentWords(segment)) words.push(fold(word.text ?? ""));
  }
  const matches = [];
  for (let i = 0; i + needle.length <= words.length; i += 1) {
    if (needle.length === 1) {
      if (words[i].includes(needle[0])) matches.push({ first: i, last: i });
      continue;
    }
    // A multi-word query: inner words match whole, the ends may be partial ("ew yor").
    let ok = words[i].endsWith(needle[0]) && words[i + needle.length - 1].startsWith(needle.at(-1));
    for (let j = 1; ok && j < needle.length - 1; j += 1) ok = words[i + j] === needle[j];
    if (ok) matches.push({ first: i, last: i + needle.length - 1 });
  }
  return matches;
}

/** Index of the next (dir 1) or previous (dir -1) match from `current`, wrapping around. */
export function stepMatch(count, current, dir) {
  if (count === 0) return -1;
  if (current < 0) return dir > 0 ? 0 : count - 1;
  return (current + dir + count) % count;
}

/**
 * Where each shown word starts in the segment's text (character offsets), so the editor can put
 * the caret on a word. A word not found (the aligner changed it) takes the previous word's end.
 */
export function wordOffsets(text, words) {
  const offsets = [];
  const haystack = text.toLocaleLowerCase();
  let from = 0;
  for (const word of words) {
    const needle = (word.text ?? "").trim().toLocaleLowerCase();
    const at = needle ? haystack.indexOf(needle, from) : -1;
    if (at >= 0) {
      offsets.push(at);
      from = at + needle.length;
    } else {
      offsets.push(Math.min(from + (from > 0 ? 1 : 0), text.length));
    }
  }
  return offsets;
}

/** Word score under which a word is shown as low-confidence (and Tab in the editor stops on it). */
export const LOW_SCORE = 0.5;

/** Positions of the words needing review in one segment (low score), in order. */
export function lowWords(segment) {
  const found = [];
  segmentWords(segment).forEach((word, i) => {
    if (Number.isFinite(word.score) && word.score < LOW_SCORE) found.push(i);
  });
  return found;
}

/**
 * The next place needing review after segment `position` word `word`: the next low-score word in
 * the same segment, else the first low-score word (or flag) of a later segment. {position, word}
 * or null.
 */
export function nextReview(segments, position, word) {
  const here = lowWords(segments[position] ?? {}).find((i) => i > word);
  if (here !== undefined) return { position, word: here };
  for (let p = position + 1; p < segments.length; p += 1) {
    const low = lowWords(segments[p]);
    if (low.length) return { position: p, word: low[0] };
    if (segments[p].flags?.length) return { position: p, word: 0 };
  }
  return null;
}
