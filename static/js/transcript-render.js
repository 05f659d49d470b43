// Builds the transcript DOM for a Result in one DocumentFragment: turns with a speaker pill and
// a timestamp button, segments of word spans, and flag notes. Pure DOM building, no listeners
// (the transcript component owns one delegated listener for all of it).

import { el } from "./dom.js";
import { clock } from "./format.js";
import { displayName, flagReason, LOW_SCORE, pillLabel, segmentWords } from "./transcript-model.js";



/** The speaker pill: a button named "Rename <name>" carrying its label. */
export function pill(result, label, color) {
  return el(
    "button",
    {
      type: "button",
      tabindex: "-1", // the transcript is one tab stop; the segment menu reaches the speaker
      class: `pill spk-${color}`,
      "aria-label": pillLabel(result.speakers, label),
      dataset: { speaker: label },
    },
    displayName(result.speakers, label),
  );
}

function flagNote(segment, reasons) {
  const reason = flagReason(segment, reasons);
  const action = segment.hidden ? "Restore" : "Hide";
  return el(
    "span",
    { class: "flag-note", dataset: { note: "1" } },
    el("span", {}, `⚑ ${segment.hidden ? "Hidden" : "Flagged"}: ${reason}`),
    el(
      "button",
      {
        type: "button",
        tabindex: "-1",
        class: "button secondary",
        dataset: { action: segment.hidden ? "restore" : "hide" },
        "aria-label": `${action} segment at ${clock(segment.start)}`,
      },
      action,
    ),
  );
}

/** Flagged parts inside a segment (a credit glued to real speech): named, hidden from exports. */
function spanNotes(segment, reasons) {
  return (segment.spans ?? []).map((span) =>
    el(
      "span",
      { class: "flag-note span-note", dataset: { note: "1" } },
      `⚑ Part ${span.hidden ? "hidden from exports" : "flagged"}: “${span.text}” — ${(reasons && reasons[span.reason]) || span.reason}`,
    ),
  );
}

function segmentNode(segment, position, flat, words) {
  const text = el("span", { class: "seg-text" });
  segmentWords(segment).forEach((word, i) => {
    if (i > 0) text.append(" ");
    const span = el("span", { class: "w", dataset: { w: flat + i } }, word.text ?? "");
    if (Number.isFinite(word.score) && word.score < LOW_SCORE) span.classList.add("is-low");
    text.append(span);
    words[flat + i] = span;
  });
  const node = el("span", { class: "seg", tabindex: "-1", dataset: { seg: position, id: segment.id } }, text);
  if (segment.flags?.length) node.classList.add("is-flagged");
  if (segment.hidden) node.classList.add("is-hidden");
  return node;
}

/**
 * Build the DOM of turns[from..to] (inclusive) into one fragment. Word spans are stored in
 * `words[flat]` (flat numbers from `firstOfSegment`, as buildWordIndex) and segment elements in
 * `segs[position]`.
 */
export function renderTurns(result, colors, turns, from, to, firstOfSegment, words, segs) {
  const fragment = document.createDocumentFragment();
  for (let t = from; t <= to; t += 1) {
    const turn = turns[t];
    const head = el("div", { class: "turn-head" });
    if (turn.speaker) head.append(pill(result, turn.speaker, colors.get(turn.speaker) ?? 0));
    head.append(el("button", { type: "button", tabindex: "-1", class: "ts", dataset: { t: turn.start } }, clock(turn.start)));
    const body = el("div", { class: "turn-body" });
    turn.segments.forEach((segment, i) => {
      const position = turn.first + i;
      const node = segmentNode(segment, position, firstOfSegment[position], words);
      if (segment.flags?.length) node.append(flagNote(segment, result.flag_reasons));
      node.append(...spanNotes(segment, result.flag_reasons));
      segs[position] = node;
      body.append(node);
    });
    const turnNode = el("div", { class: "turn", dataset: { speaker: turn.speaker ?? "" } }, head, body);
    if (turn.speaker) turnNode.classList.add(`spk-${colors.get(turn.speaker) ?? 0}`);
    fragment.append(turnNode);
  }
  return fragment;
}

/** A guess of a chunk's height before it is built, so the scrollbar is about right. */
export function estimateHeight(turns, chunk) {
  let px = 0;
  for (let t = chunk.firstTurn; t <= chunk.lastTurn; t += 1) {
    const chars = turns[t].segments.reduce((n, segment) => n + (segment.text?.length ?? 0) + 1, 0);
    px += 26 + Math.max(1, Math.ceil(chars / 85)) * 28;
  }
  return px;
}

/** A cheap fingerprint of everything but speaker names, to tell a rename from a structural edit. */
export function structureKey(result) {
  return result.segments
    .map((s) => `${s.id}|${s.speaker}|${s.hidden ? 1 : 0}|${(s.flags ?? []).join(",")}|${(s.spans ?? []).length}|${s.text}|${s.words?.length ?? 0}`)
    .join("\n");
}
