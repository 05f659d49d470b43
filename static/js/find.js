// Find in the transcript (Ctrl+F): highlights every match and scrolls to the current one without
// moving the playhead; "Play from here" is its own button; Enter / Shift+Enter step; Esc closes
// Find and gives focus back to the Find button.

import { emit, on } from "./bus.js";
import { refs, setText, show } from "./dom.js";
import { findMatches, stepMatch } from "./transcript-model.js";

/** Mount on the review bar (which holds the Find button and bar); returns {close()}. */
export function mountFind(root, view) {
  const finder = new Finder(root, view);
  on("find:open", () => finder.open());
  on("transcript:rendered", () => finder.rerun());
  return { close: (refocus) => finder.close(refocus) };
}

class Finder {
  constructor(root, view) {
    this.r = refs(root, {
      bar: "find-bar", input: "find-input", count: "find-count", button: "find-button", prev: "find-prev",
      next: "find-next", play: "find-play", close: "find-close",
    });
    Object.assign(this, { view, matches: [], cursor: -1, marked: [] });
    const r = this.r;
    r.button.addEventListener("click", () => this.open());
    r.input.addEventListener("input", () => this.run());
    r.input.addEventListener("keydown", (event) => this.onKey(event));
    r.prev.addEventListener("click", () => this.step(-1));
    r.next.addEventListener("click", () => this.step(1));
    r.close.addEventListener("click", () => this.close(true));
    r.play.addEventListener("click", () => this.playHere());
  }

  onKey(event) {
    if (event.key === "Enter") {
      event.preventDefault();
      this.step(event.shiftKey ? -1 : 1);
    } else if (event.key === "Escape") {
      event.preventDefault(); // Esc closes Find; it does not start playback
      this.close(true);
    }
  }

  run() {
    for (const node of this.marked) node.classList.remove("is-match", "is-match-current");
    this.marked = [];
    const query = this.r.input.value.trim();
    this.matches = this.view.result && query ? findMatches(this.view.result.segments, query) : [];
    for (const match of this.matches) {
      for (let flat = match.first; flat <= match.last; flat += 1) {
        const node = this.view.wordElement(flat);
        node?.classList.add("is-match");
        if (node) this.marked.push(node);
      }
    }
    this.cursor = -1;
    this.showCount();
  }

  rerun() {
    if (!this.r.bar.hidden && this.r.input.value.trim()) this.run();
  }

  showCount() {
    const query = this.r.input.value.trim();
    const { matches, cursor } = this;
    setText(this.r.count, query ? (matches.length ? `${cursor + 1 || "–"} of ${matches.length}` : "No matches") : "");
    this.r.play.disabled = cursor < 0;
  }

  /** Highlight and scroll to the next match; the playhead stays where it is. */
  step(dir) {
    if (!this.matches.length) return;
    const previous = this.matches[this.cursor];
    if (previous) this.view.wordElement(previous.first)?.classList.remove("is-match-current");
    this.cursor = stepMatch(this.matches.length, this.cursor, dir);
    const node = this.view.wordElement(this.matches[this.cursor].first);
    node?.classList.add("is-match-current");
    node?.scrollIntoView({ block: "center" });
    this.showCount();
  }

  playHere() {
    const match = this.matches[this.cursor];
    const time = match ? this.view.wordTime(match.first) : null;
    if (time !== null) emit("seek", { time, play: true });
  }

  open() {
    show(this.r.bar, true);
    this.r.input.focus();
    this.r.input.select();
  }

  close(refocus = false) {
    const wasOpen = !this.r.bar.hidden;
    show(this.r.bar, false);
    this.r.input.value = "";
    this.run();
    if (refocus && wasOpen) this.r.button.focus();
  }
}
