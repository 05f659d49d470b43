// The transcript view: renders a Result (idempotent update), highlights the word being spoken
// (binary search per tick, touching only the two words that change), follows playback, and
// handles every click with one delegated listener. Text edits happen in place.

import { emit, on } from "./bus.js";
import { el } from "./dom.js";
import { estimateHeight, renderTurns, structureKey } from "./transcript-render.js";
import {
  buildWordIndex,
  chunkTurns,
  displayName,
  groupTurns,
  lastAtOrBefore,
  pillLabel,
  segmentOfWord,
  segmentWords,
  wordAt,
} from "./transcript-model.js";

// Long transcripts are built in chunks: the one the reader sees first at once, the ones scrolled
// near by an IntersectionObserver, the rest in idle time. Off-screen chunks skip layout
// (content-visibility: auto), so a 3-hour interview opens about as fast as its JSON parses.
const CHUNK_WORDS = 400;
const idle = window.requestIdleCallback ?? ((fn) => setTimeout(() => fn({ timeRemaining: () => 8 }), 16));

/** Mount on the transcript container; returns the view's API (see the object at the end). */
export function mountTranscript({ root, follows }) {
  let result = null;
  let colors = new Map();
  let key = "";
  let index = buildWordIndex([]);
  let words = [];
  let segs = [];
  let lit = -1;
  let lastTime = 0;
  let editing = null;
  let turns = [];
  let chunks = [];
  let chunkNodes = [];
  let chunkFirst = new Int32Array(0);
  let built = new Uint8Array(0);
  let generation = 0;
  let observer = null;

  function buildChunk(k) {
    if (k < 0 || k >= chunks.length || built[k]) return;
    built[k] = 1;
    const chunk = chunks[k];
    const fragment = renderTurns(
      result, colors, turns, chunk.firstTurn, chunk.lastTurn, index.firstOfSegment, words, segs,
    );
    chunkNodes[k].append(fragment);
    chunkNodes[k].style.removeProperty("contain-intrinsic-size");
    observer?.unobserve(chunkNodes[k]);
    if (k === 0 && segs[0]) segs[0].tabIndex = 0;
  }

  /** Make sure the segment at `position` is in the DOM (find, jumps, highlight far ahead). */
  const ensureSegment = (position) => buildChunk(lastAtOrBefore(chunkFirst, position));
  const ensureWord = (flat) => ensureSegment(segmentOfWord(index, flat));

  function fillWhenIdle(gen) {
    let next = 0;
    const step = (deadline) => {
      if (gen !== generation) return;
      // A slice stays short even when the browser offers 50 ms, so a click never waits long.
      const until = performance.now() + 12;
      do {
        while (next < chunks.length && built[next]) next += 1;
        buildChunk(next);
      } while (next < chunks.length && deadline.timeRemaining() > 4 && performance.now() < until);
      if (next < chunks.length) idle(step, { timeout: 250 });
    };
    // Let the first chunk paint and answer input before filling the rest.
    setTimeout(() => idle(step, { timeout: 250 }), 120);
  }

  function light(flat) {
    if (flat === lit) return;
    if (lit >= 0 && words[lit]) words[lit].classList.remove("is-current");
    lit = flat;
    if (lit < 0) return;
    if (!words[lit]) ensureWord(lit);
    if (!words[lit]) return;
    const node = words[lit];
    node.classList.add("is-current");
    if (follows() && !editing) keepInView(node);
  }

  function keepInView(node) {
    const box = node.getBoundingClientRect();
    const scroller = root.closest(".desk");
    const view = scroller && scroller.scrollHeight > scroller.clientHeight ? scroller.getBoundingClientRect() : null;
    const top = view ? view.top : 0;
    const bottom = view ? view.bottom : window.innerHeight;
    // The sticky player covers the top of the desk, so "visible" starts below it.
    const player = document.getElementById("player");
    const covered = player ? player.getBoundingClientRect().bottom : top;
    if (box.top < Math.max(top, covered) + 8 || box.bottom > bottom - 24) {
      node.scrollIntoView({ block: "center", behavior: "auto" });
    }
  }

  function onTick({ time }) {
    lastTime = time;
    light(wordAt(index, time));
  }

  function rebuild() {
    const scroller = root.closest(".desk");
    const scrollTop = scroller ? scroller.scrollTop : 0;
    cancelEdit();
    generation += 1;
    observer?.disconnect();
    index = buildWordIndex(result.segments);
    turns = groupTurns(result.segments);
    chunks = chunkTurns(turns, CHUNK_WORDS);
    chunkFirst = Int32Array.from(chunks, (chunk) => chunk.firstSegment);
    built = new Uint8Array(chunks.length);
    words = new Array(index.count);
    segs = new Array(result.segments.length);
    lit = -1;
    chunkNodes = chunks.map((chunk, k) => {
      const node = el("div", { class: "chunk", dataset: { chunk: k } });
      node.style.setProperty("contain-intrinsic-size", `auto ${estimateHeight(turns, chunk)}px`);
      return node;
    });
    root.replaceChildren(...chunkNodes);
    buildChunk(0);
    const playing = wordAt(index, lastTime);
    if (playing >= 0) ensureWord(playing);
    if (scroller) scroller.scrollTop = scrollTop;
    const scrolls = scroller && getComputedStyle(scroller).overflowY !== "visible";
    observer = new IntersectionObserver(
      (entries) => {
        for (const entry of entries) if (entry.isIntersecting) buildChunk(Number(entry.target.dataset.chunk));
      },
      { root: scrolls ? scroller : null, rootMargin: "1200px 0px" },
    );
    chunkNodes.forEach((node, k) => built[k] || observer.observe(node));
    fillWhenIdle(generation);
    light(playing);
  }

  function renameInPlace() {
    for (const node of root.querySelectorAll(".pill")) {
      const label = node.dataset.speaker;
      node.textContent = displayName(result.speakers, label);
      node.setAttribute("aria-label", pillLabel(result.speakers, label));
    }
  }

  /** Show a Result; a rename only rewrites the pills, anything else rebuilds the DOM. */
  function update(next, nextColors) {
    const nextKey = structureKey(next);
    const sameColors = [...nextColors].every(([label, c]) => colors.get(label) === c);
    const structural = !result || nextKey !== key || !sameColors;
    result = next;
    colors = nextColors;
    key = nextKey;
    if (structural) rebuild();
    else renameInPlace();
    emit("transcript:rendered", {});
  }

  // ---- delegated input ----
  root.addEventListener("click", (event) => {
    const target = event.target;
    if (!(target instanceof Element) || editing?.node.contains(target)) return;
    const action = target.closest("[data-action]");
    if (action) {
      const seg = result.segments[Number(action.closest(".seg").dataset.seg)];
      emit("edit", { op: { op: "set_hidden", segment_id: seg.id, hidden: action.dataset.action === "hide" } });
      return;
    }
    const stamp = target.closest(".ts");
    if (stamp) {
      emit("seek", { time: Number(stamp.dataset.t), play: true });
      return;
    }
    const speaker = target.closest(".pill");
    if (speaker) {
      const turn = speaker.closest(".turn");
      const ids = [...turn.querySelectorAll(".seg")].map((n) => result.segments[Number(n.dataset.seg)].id);
      emit("speaker:open", { label: speaker.dataset.speaker, segmentIds: ids });
      return;
    }
    const word = target.closest(".w");
    if (word) {
      const time = wordTime(Number(word.dataset.w));
      if (time !== null) emit("seek", { time, play: true });
    }
  });
  root.addEventListener("dblclick", (event) => {
    const seg = event.target instanceof Element && event.target.closest(".seg");
    if (seg && !editing) startEdit(Number(seg.dataset.seg));
  });
  root.addEventListener("keydown", (event) => {
    const seg = event.target instanceof Element && event.target.classList.contains("seg") ? event.target : null;
    if (!seg) return;
    const position = Number(seg.dataset.seg);
    if (event.key === "Enter") {
      event.preventDefault();
      startEdit(position);
    } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      focusSegment(position + (event.key === "ArrowDown" ? 1 : -1));
    }
  });
  root.addEventListener("contextmenu", (event) => {
    const word = event.target instanceof Element && event.target.closest(".w");
    if (!word || !result || editing) return;
    event.preventDefault();
    const flat = Number(word.dataset.w);
    const position = segmentOfWord(index, flat);
    emit("word:menu", {
      x: event.clientX,
      y: event.clientY,
      segmentId: result.segments[position].id,
      wordIndex: flat - index.firstOfSegment[position],
      time: wordTime(flat),
    });
  });

  /** Start time of a flat word: its own, or its segment's when the aligner gave none. */
  function wordTime(flat) {
    const position = segmentOfWord(index, flat);
    if (position < 0) return null;
    const segment = result.segments[position];
    const word = segmentWords(segment)[flat - index.firstOfSegment[position]];
    return Number.isFinite(word?.start) ? word.start : segment.start;
  }

  function focusSegment(position) {
    ensureSegment(position);
    const node = segs[position];
    if (!node) return;
    for (const other of segs) if (other && other.tabIndex === 0) other.tabIndex = -1;
    node.tabIndex = 0;
    node.focus();
  }

  // ---- text editing in place ----
  function startEdit(position) {
    cancelEdit();
    const node = segs[position];
    const segment = result.segments[position];
    const editor = el("textarea", { class: "seg-editor", "aria-label": "Segment text", rows: "2" });
    editor.value = segment.text;
    const text = node.querySelector(".seg-text");
    text.hidden = true;
    node.append(editor);
    editing = { node, editor, text, position };
    editor.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.stopPropagation(); // Esc cancels the edit here instead of toggling playback
        cancelEdit(true);
      } else if (event.key === "Enter" && !event.shiftKey) {
        event.preventDefault();
        saveEdit();
      }
    });
    editor.focus();
    editor.select();
  }

  function saveEdit() {
    if (!editing) return;
    const segment = result.segments[editing.position];
    const value = editing.editor.value.trim();
    const position = editing.position;
    cancelEdit();
    if (value && value !== segment.text) {
      emit("edit", { op: { op: "edit_text", segment_id: segment.id, text: value } });
    }
    focusSegment(position);
  }

  function cancelEdit(refocus = false) {
    if (!editing) return;
    const { editor, text, position } = editing;
    editing = null;
    editor.remove();
    text.hidden = false;
    if (refocus) focusSegment(position);
  }

  on("player:tick", onTick);

  return {
    update,
    clear() {
      generation += 1;
      observer?.disconnect();
      result = null;
      key = "";
      words = [];
      segs = [];
      lit = -1;
      index = buildWordIndex([]);
      root.replaceChildren();
    },
    /** Scroll to segment i, focus it and flash it (Needs review, Find). */
    jumpToSegment(position) {
      ensureSegment(position);
      const node = segs[position];
      if (!node) return;
      node.scrollIntoView({ block: "center" });
      focusSegment(position);
      node.classList.remove("is-jump");
      void node.offsetWidth; // restart the animation
      node.classList.add("is-jump");
    },
    wordElement(flat) {
      if (!words[flat]) ensureWord(flat);
      return words[flat];
    },
    wordTime,
    segmentOfWord: (flat) => segmentOfWord(index, flat),
    segmentElement(position) {
      ensureSegment(position);
      return segs[position];
    },
    get result() {
      return result;
    },
    get wordCount() {
      return words.length;
    },
  };
}
