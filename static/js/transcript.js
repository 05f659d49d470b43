// The transcript view: shows a Result (chunked, see transcript-chunks.js), highlights the word
// being spoken (binary search per tick, touching only the two words that change), follows
// playback, and handles input with one delegated listener. The whole transcript is one tab stop
// (arrow keys move between segments); a segment's actions are in its menu (Shift+F10). Text is
// edited in place (segment-editor.js).

import { emit, on } from "./bus.js";
import { createChunks } from "./transcript-chunks.js";
import { createEditor } from "./segment-editor.js";
import { structureKey } from "./transcript-render.js";
import { displayName, pillLabel, segmentOfWord, segmentWords, wordAt } from "./transcript-model.js";

const CLICK_DELAY = 260; // a double-click (edit) must not start playback first

/** Mount on the transcript container; returns the view (a TranscriptView). */
export function mountTranscript(root, { follows }) {
  return new TranscriptView(root, follows);
}

class TranscriptView {
  constructor(root, follows) {
    Object.assign(this, { root, follows, result: null, colors: new Map(), key: "", lit: -1, lastTime: 0, rover: 0, clickTimer: 0 });
    this.chunks = createChunks(root);
    this.editor = createEditor(this);
    root.addEventListener("click", (event) => this.onClick(event));
    root.addEventListener("dblclick", (event) => this.onDoubleClick(event));
    root.addEventListener("keydown", (event) => this.onKey(event));
    root.addEventListener("contextmenu", (event) => this.onContextMenu(event));
    on("player:tick", ({ time }) => {
      this.lastTime = time;
      this.light(wordAt(this.chunks.index, time));
    });
  }

  get wordCount() {
    return this.chunks.wordCount;
  }

  /** The element of segment `position` / word `flat` (built on demand). */
  segment(position) {
    return this.chunks.segment(position);
  }
  segmentElement(position) {
    return this.chunks.segment(position);
  }
  wordElement(flat) {
    return this.chunks.word(flat);
  }
  segmentOfWord(flat) {
    return segmentOfWord(this.chunks.index, flat);
  }
  startEdit(position, word) {
    this.editor.start(position, word);
  }

  light(flat) {
    if (flat === this.lit) return;
    this.chunks.word(this.lit)?.classList.remove("is-current");
    this.lit = flat;
    const node = flat >= 0 ? this.chunks.word(flat) : null;
    if (!node) return;
    node.classList.add("is-current");
    if (this.follows() && this.editor.position < 0) keepInView(this.root, node);
  }

  /** Show a Result; a rename only rewrites the pills, anything else rebuilds the DOM. */
  update(next, colors) {
    const key = structureKey(next);
    const sameColors = [...colors].every(([label, c]) => this.colors.get(label) === c);
    const structural = !this.result || key !== this.key || !sameColors;
    Object.assign(this, { result: next, colors, key });
    if (structural) this.rebuild();
    else this.renameInPlace();
    emit("transcript:rendered", {});
  }

  rebuild() {
    const hadFocus = this.root.contains(document.activeElement);
    this.editor.cancel();
    this.chunks.render(this.result, this.colors);
    this.lit = -1;
    this.rover = Math.min(this.rover, this.result.segments.length - 1);
    const node = this.rover >= 0 ? this.chunks.segment(this.rover) : null;
    if (node) node.tabIndex = 0;
    this.light(wordAt(this.chunks.index, this.lastTime));
    if (hadFocus && node) node.focus({ preventScroll: true });
    this.editor.openWanted();
  }

  renameInPlace() {
    for (const node of this.root.querySelectorAll(".pill")) {
      const label = node.dataset.speaker;
      node.textContent = displayName(this.result.speakers, label);
      node.setAttribute("aria-label", pillLabel(this.result.speakers, label));
    }
  }

  clear() {
    this.chunks.clear();
    Object.assign(this, { result: null, key: "", lit: -1, rover: 0 });
  }

  /** Start time of a flat word: its own, or its segment's when the aligner gave none. */
  wordTime(flat) {
    const index = this.chunks.index;
    const position = segmentOfWord(index, flat);
    if (position < 0) return null;
    const segment = this.result.segments[position];
    const word = segmentWords(segment)[flat - index.firstOfSegment[position]];
    return Number.isFinite(word?.start) ? word.start : segment.start;
  }

  /** The word being spoken, when it is in segment `position` (its index there), else 0. */
  playingWordIn(position) {
    const flat = wordAt(this.chunks.index, this.lastTime);
    if (flat < 0 || segmentOfWord(this.chunks.index, flat) !== position) return 0;
    return flat - this.chunks.index.firstOfSegment[position];
  }

  /** The segment being spoken at `time` (or the last one starting before it). */
  segmentAt(time) {
    if (!this.result) return -1;
    let found = 0;
    this.result.segments.forEach((segment, i) => {
      if (segment.start <= time) found = i;
    });
    return found;
  }

  focusSegment(position, options = {}) {
    const node = this.chunks.segment(position);
    if (!node) return;
    this.chunks.segment(this.rover)?.setAttribute("tabindex", "-1");
    this.rover = position;
    node.tabIndex = 0;
    node.focus(options);
  }

  /** Scroll to segment `position`, focus it and flash it (Needs review, Find, go to time). */
  jumpToSegment(position) {
    const node = this.chunks.segment(position);
    if (!node) return;
    node.scrollIntoView({ block: "center" });
    this.focusSegment(position, { preventScroll: true });
    node.classList.remove("is-jump");
    void node.offsetWidth; // restart the animation
    node.classList.add("is-jump");
  }

  /** What the segment menu needs to act on word `word` of segment `position`. */
  menuDetail(position, word, x, y) {
    const segment = this.result.segments[position];
    const flat = this.chunks.index.firstOfSegment[position] + word;
    return { position, word, x, y, segment, turnIds: this.turnIds(position), time: this.wordTime(flat) };
  }

  turnIds(position) {
    const node = this.chunks.segment(position)?.closest(".turn");
    return node ? [...node.querySelectorAll(".seg")].map((n) => this.result.segments[Number(n.dataset.seg)].id) : [];
  }

  onClick(event) {
    const target = event.target;
    if (!(target instanceof Element) || this.editor.contains(target)) return;
    const [action, stamp, speaker, word] = ["[data-action]", ".ts", ".pill", ".w"].map((s) => target.closest(s));
    clearTimeout(this.clickTimer);
    if (action) {
      const segment = this.result.segments[Number(action.closest(".seg").dataset.seg)];
      emit("edit", { op: { op: "set_hidden", segment_id: segment.id, hidden: action.dataset.action === "hide" } });
    } else if (stamp) {
      emit("seek", { time: Number(stamp.dataset.t), play: true });
    } else if (speaker) {
      const position = Number(speaker.closest(".turn").querySelector(".seg").dataset.seg);
      emit("speaker:open", { label: speaker.dataset.speaker, segmentIds: this.turnIds(position), opener: speaker });
    } else if (word && event.detail < 2) {
      const time = this.wordTime(Number(word.dataset.w));
      if (time !== null) this.clickTimer = setTimeout(() => emit("seek", { time, play: true }), CLICK_DELAY);
    }
  }

  onDoubleClick(event) {
    clearTimeout(this.clickTimer);
    const word = event.target instanceof Element && event.target.closest(".w");
    const seg = word?.closest(".seg");
    if (!word || !seg || this.editor.contains(word)) return;
    window.getSelection()?.removeAllRanges(); // the browser's double-click selection
    const position = Number(seg.dataset.seg);
    this.editor.start(position, Number(word.dataset.w) - this.chunks.index.firstOfSegment[position]);
  }

  onKey(event) {
    const seg = event.target instanceof Element && event.target.classList.contains("seg") ? event.target : null;
    if (!seg) return;
    const position = Number(seg.dataset.seg);
    const last = this.result.segments.length - 1;
    const moves = { ArrowDown: position + 1, ArrowUp: position - 1, Home: 0, End: last };
    if (event.key in moves && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      const next = Math.max(0, Math.min(last, moves[event.key]));
      this.focusSegment(next);
      this.chunks.segment(next)?.scrollIntoView({ block: "nearest" });
    } else if (event.key === "Enter" || event.key === "F2") {
      event.preventDefault();
      this.editor.start(position, this.playingWordIn(position));
    } else if (event.key === "ContextMenu" || (event.key === "F10" && event.shiftKey)) {
      event.preventDefault();
      const box = seg.getBoundingClientRect();
      emit("segment:menu", { position, word: this.playingWordIn(position), x: box.left + 12, y: box.top + 20 });
    }
  }

  onContextMenu(event) {
    const word = event.target instanceof Element && event.target.closest(".w");
    if (!word || !this.result || this.editor.contains(word)) return;
    event.preventDefault();
    const flat = Number(word.dataset.w);
    const position = segmentOfWord(this.chunks.index, flat);
    const at = flat - this.chunks.index.firstOfSegment[position];
    emit("segment:menu", { position, word: at, x: event.clientX, y: event.clientY });
  }
}

/** Scroll `node` into view when it is under the sticky deck or below the desk's bottom. */
function keepInView(root, node) {
  const box = node.getBoundingClientRect();
  const scroller = root.closest(".desk");
  const frame = scroller && scroller.scrollHeight > scroller.clientHeight ? scroller.getBoundingClientRect() : null;
  const top = frame ? frame.top : 0;
  const bottom = frame ? frame.bottom : window.innerHeight;
  // The sticky player and review bar cover the top of the desk, so "visible" starts below them.
  const deck = document.getElementById("deck");
  const covered = deck ? deck.getBoundingClientRect().bottom : top;
  if (box.top < Math.max(top, covered) + 8 || box.bottom > bottom - 24) {
    node.scrollIntoView({ block: "center", behavior: "auto" });
  }
}
