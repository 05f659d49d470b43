// Review tools above the transcript: "Needs review (N)" jumps between flagged segments, Find
// (Ctrl+F in the desk) highlights matches and steps through them, Undo, the low-confidence
// underline toggle, and the word menu ("Split here → new speaker").

import { emit, on } from "./bus.js";
import { setText, show } from "./dom.js";
import { findMatches, flaggedSegments, speakerLabels, stepMatch } from "./transcript-model.js";
import { newSpeakerLabel } from "./speakers.js";

/** Mount the tools; `view` is the transcript component. Returns {update(result)}. */
export function mountReviewTools(refs, view) {
  let flagged = [];
  let flagCursor = -1;
  let matches = [];
  let matchCursor = -1;
  let marked = [];
  let menuContext = null;

  // ---- needs review ----
  refs.reviewNext.addEventListener("click", () => {
    if (!flagged.length) return;
    flagCursor = (flagCursor + 1) % flagged.length;
    view.jumpToSegment(flagged[flagCursor]);
  });

  // ---- undo and low confidence ----
  refs.undo.addEventListener("click", () => emit("undo"));
  refs.lowconf.addEventListener("change", () => refs.transcript.classList.toggle("lowconf", refs.lowconf.checked));

  // ---- find ----
  function unmark() {
    for (const node of marked) node.classList.remove("is-match", "is-match-current");
    marked = [];
  }
  function runFind() {
    unmark();
    const result = view.result;
    matches = result && refs.findInput.value.trim() ? findMatches(result.segments, refs.findInput.value) : [];
    for (const match of matches) {
      for (let flat = match.first; flat <= match.last; flat += 1) {
        const node = view.wordElement(flat);
        if (node) {
          node.classList.add("is-match");
          marked.push(node);
        }
      }
    }
    matchCursor = -1;
    showCount();
  }
  function showCount() {
    const query = refs.findInput.value.trim();
    let text = "";
    if (query) text = matches.length ? `${matchCursor + 1 || "–"} of ${matches.length}` : "No matches";
    setText(refs.findCount, text);
  }
  function step(dir) {
    if (!matches.length) return;
    const previous = matches[matchCursor];
    if (previous) view.wordElement(previous.first)?.classList.remove("is-match-current");
    matchCursor = stepMatch(matches.length, matchCursor, dir);
    const match = matches[matchCursor];
    const node = view.wordElement(match.first);
    node?.classList.add("is-match-current");
    node?.scrollIntoView({ block: "center" });
    const time = view.wordTime(match.first);
    if (time !== null) emit("seek", { time });
    showCount();
  }
  function openFind() {
    show(refs.findBar, true);
    refs.findInput.focus();
    refs.findInput.select();
  }
  function closeFind() {
    show(refs.findBar, false);
    refs.findInput.value = "";
    runFind();
  }
  refs.findButton.addEventListener("click", openFind);
  refs.findInput.addEventListener("input", runFind);
  refs.findInput.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      step(event.shiftKey ? -1 : 1);
    }
  });
  refs.findPrev.addEventListener("click", () => step(-1));
  refs.findNext.addEventListener("click", () => step(1));
  refs.findClose.addEventListener("click", closeFind);
  on("find:open", openFind);
  on("transcript:rendered", () => {
    if (!refs.findBar.hidden && refs.findInput.value.trim()) runFind();
  });

  // ---- word menu ----
  function closeMenu() {
    refs.menu.hidden = true;
    menuContext = null;
  }
  on("word:menu", (detail) => {
    menuContext = detail;
    refs.menu.style.setProperty("--x", `${Math.min(detail.x, window.innerWidth - 220)}px`);
    refs.menu.style.setProperty("--y", `${Math.min(detail.y, window.innerHeight - 100)}px`);
    refs.menu.hidden = false;
    refs.split.focus();
  });
  refs.split.addEventListener("click", () => {
    if (!menuContext) return;
    const speaker = newSpeakerLabel(speakerLabels(view.result));
    const { segmentId, wordIndex } = menuContext;
    closeMenu();
    emit("edit", { ops: [{ op: "split", segment_id: segmentId, word_index: wordIndex, speaker }] });
  });
  refs.play.addEventListener("click", () => {
    if (menuContext && menuContext.time !== null) emit("seek", { time: menuContext.time, play: true });
    closeMenu();
  });
  document.addEventListener("pointerdown", (event) => {
    if (!refs.menu.hidden && !refs.menu.contains(event.target)) closeMenu();
  });
  refs.menu.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      event.stopPropagation();
      closeMenu();
    }
  });

  function update(result) {
    flagged = result ? flaggedSegments(result.segments) : [];
    if (flagCursor >= flagged.length) flagCursor = -1;
    show(refs.reviewNext, flagged.length > 0);
    setText(refs.reviewNext, `Needs review (${flagged.length})`);
    refs.undo.disabled = !result?.can_undo;
  }

  return { update, closeFind };
}
