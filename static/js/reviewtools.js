// The review bar that stays in view over the transcript: "Needs review (N)" steps through flagged
// segments, Find (Ctrl+F) highlights and scrolls to matches without moving the playhead ("Play
// from here" is its own button; Esc closes Find), Undo, go to a time (h:mm:ss), and the
// low-confidence underline toggle.

import { emit, on } from "./bus.js";
import { refs, setText, show } from "./dom.js";
import { parseClock } from "./format.js";
import { findMatches, flaggedSegments, stepMatch } from "./transcript-model.js";

/** Mount on the review bar's root; `view` is the transcript component. Returns {update, closeFind}. */
export function mountReviewTools(root, view, transcriptRoot) {
  const r = refs(root, {
    reviewNext: "review-next", undo: "undo-button", lowconf: "lowconf-toggle", findBar: "find-bar",
    findInput: "find-input", findCount: "find-count", findButton: "find-button", findPrev: "find-prev",
    findNext: "find-next", findPlay: "find-play", findClose: "find-close", goto: "goto-form", gotoInput: "goto-input",
  });
  let flagged = [];
  let flagCursor = -1;
  const find = { matches: [], cursor: -1, marked: [] };

  r.reviewNext.addEventListener("click", () => {
    if (!flagged.length) return;
    flagCursor = (flagCursor + 1) % flagged.length;
    view.jumpToSegment(flagged[flagCursor]);
  });
  r.undo.addEventListener("click", () => emit("undo"));
  r.lowconf.addEventListener("change", () => transcriptRoot.classList.toggle("lowconf", r.lowconf.checked));

  function unmark() {
    for (const node of find.marked) node.classList.remove("is-match", "is-match-current");
    find.marked = [];
  }

  function runFind() {
    unmark();
    const query = r.findInput.value.trim();
    find.matches = view.result && query ? findMatches(view.result.segments, query) : [];
    for (const match of find.matches) {
      for (let flat = match.first; flat <= match.last; flat += 1) {
        const node = view.wordElement(flat);
        node?.classList.add("is-match");
        if (node) find.marked.push(node);
      }
    }
    find.cursor = -1;
    showCount();
  }

  function showCount() {
    const query = r.findInput.value.trim();
    let text = "";
    if (query) text = find.matches.length ? `${find.cursor + 1 || "–"} of ${find.matches.length}` : "No matches";
    setText(r.findCount, text);
    r.findPlay.disabled = find.cursor < 0;
  }

  /** Highlight and scroll to the next match; the playhead stays where it is. */
  function step(dir) {
    if (!find.matches.length) return;
    const previous = find.matches[find.cursor];
    if (previous) view.wordElement(previous.first)?.classList.remove("is-match-current");
    find.cursor = stepMatch(find.matches.length, find.cursor, dir);
    const node = view.wordElement(find.matches[find.cursor].first);
    node?.classList.add("is-match-current");
    node?.scrollIntoView({ block: "center" });
    showCount();
  }

  function openFind() {
    show(r.findBar, true);
    r.findInput.focus();
    r.findInput.select();
  }

  function closeFind(refocus = false) {
    const wasOpen = !r.findBar.hidden;
    show(r.findBar, false);
    r.findInput.value = "";
    runFind();
    if (refocus && wasOpen) r.findButton.focus();
  }

  r.findButton.addEventListener("click", openFind);
  r.findInput.addEventListener("input", runFind);
  r.findInput.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      step(event.shiftKey ? -1 : 1);
    } else if (event.key === "Escape") {
      event.preventDefault(); // Esc closes Find; it does not start playback
      closeFind(true);
    }
  });
  r.findPrev.addEventListener("click", () => step(-1));
  r.findNext.addEventListener("click", () => step(1));
  r.findClose.addEventListener("click", () => closeFind(true));
  r.findPlay.addEventListener("click", () => {
    const match = find.matches[find.cursor];
    const time = match ? view.wordTime(match.first) : null;
    if (time !== null) emit("seek", { time, play: true });
  });
  on("find:open", openFind);
  on("transcript:rendered", () => {
    if (!r.findBar.hidden && r.findInput.value.trim()) runFind();
  });

  r.goto.addEventListener("submit", (event) => {
    event.preventDefault();
    const time = parseClock(r.gotoInput.value);
    r.gotoInput.setCustomValidity(time === null ? "Write a time like 1:30:00" : "");
    if (time === null) {
      r.gotoInput.reportValidity();
      return;
    }
    emit("seek", { time });
    const position = view.segmentAt(time);
    if (position >= 0) view.jumpToSegment(position);
  });
  r.gotoInput.addEventListener("input", () => r.gotoInput.setCustomValidity(""));

  function update(result) {
    flagged = result ? flaggedSegments(result.segments) : [];
    if (flagCursor >= flagged.length) flagCursor = -1;
    show(r.reviewNext, flagged.length > 0);
    setText(r.reviewNext, `Needs review (${flagged.length})`);
    r.undo.disabled = !result?.can_undo;
  }

  return { update, closeFind };
}
