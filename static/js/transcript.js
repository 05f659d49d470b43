// The transcript view: renders a Result (idempotent update), highlights the word being spoken
// (binary search per tick, touching only the two words that change), follows playback, and
// handles every click with one delegated listener. Text edits happen in place.

import { emit, on } from "./bus.js";
import { el } from "./dom.js";
import { renderTranscript, structureKey } from "./transcript-render.js";
import { buildWordIndex, displayName, pillLabel, segmentOfWord, segmentWords, wordAt } from "./transcript-model.js";

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

  function light(flat) {
    if (flat === lit) return;
    if (lit >= 0 && words[lit]) words[lit].classList.remove("is-current");
    lit = flat;
    if (lit < 0 || !words[lit]) return;
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
    const built = renderTranscript(result, colors);
    words = built.words;
    segs = built.segs;
    index = buildWordIndex(result.segments);
    lit = -1;
    root.replaceChildren(built.fragment);
    if (scroller) scroller.scrollTop = scrollTop;
    light(wordAt(index, lastTime));
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
      const node = segs[position];
      if (!node) return;
      node.scrollIntoView({ block: "center" });
      focusSegment(position);
      node.classList.remove("is-jump");
      void node.offsetWidth; // restart the animation
      node.classList.add("is-jump");
    },
    wordElement: (flat) => words[flat],
    wordTime,
    segmentOfWord: (flat) => segmentOfWord(index, flat),
    segmentElement: (position) => segs[position],
    get result() {
      return result;
    },
    get wordCount() {
      return words.length;
    },
  };
}
