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

/** Mount on the transcript container; returns the view's API (see the object at the end). */
export function mountTranscript(root, { follows }) {
  const chunks = createChunks(root);
  let result = null;
  let colors = new Map();
  let key = "";
  let lit = -1;
  let lastTime = 0;
  let rover = 0;
  let clickTimer = 0;
  const view = {
    get result() {
      return result;
    },
    segment: (position) => chunks.segment(position),
    focusSegment,
  };
  const editor = createEditor(view);

  function light(flat) {
    if (flat === lit) return;
    chunks.word(lit)?.classList.remove("is-current");
    lit = flat;
    const node = lit >= 0 ? chunks.word(lit) : null;
    if (!node) return;
    node.classList.add("is-current");
    if (follows() && editor.position < 0) keepInView(node);
  }

  function keepInView(node) {
    const box = node.getBoundingClientRect();
    const scroller = root.closest(".desk");
    const view = scroller && scroller.scrollHeight > scroller.clientHeight ? scroller.getBoundingClientRect() : null;
    const top = view ? view.top : 0;
    const bottom = view ? view.bottom : window.innerHeight;
    // The sticky player and review bar cover the top of the desk, so "visible" starts below them.
    const deck = document.getElementById("deck");
    const covered = deck ? deck.getBoundingClientRect().bottom : top;
    if (box.top < Math.max(top, covered) + 8 || box.bottom > bottom - 24) {
      node.scrollIntoView({ block: "center", behavior: "auto" });
    }
  }

  function rebuild() {
    const hadFocus = root.contains(document.activeElement);
    editor.cancel();
    chunks.render(result, colors);
    lit = -1;
    rover = Math.min(rover, result.segments.length - 1);
    const node = rover >= 0 ? chunks.segment(rover) : null;
    if (node) node.tabIndex = 0;
    light(wordAt(chunks.index, lastTime));
    if (hadFocus && node) node.focus({ preventScroll: true });
    editor.openWanted();
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

  /** Start time of a flat word: its own, or its segment's when the aligner gave none. */
  function wordTime(flat) {
    const position = segmentOfWord(chunks.index, flat);
    if (position < 0) return null;
    const segment = result.segments[position];
    const word = segmentWords(segment)[flat - chunks.index.firstOfSegment[position]];
    return Number.isFinite(word?.start) ? word.start : segment.start;
  }

  /** The word being spoken, when it is in segment `position` (its index there), else 0. */
  function playingWordIn(position) {
    const flat = wordAt(chunks.index, lastTime);
    if (flat < 0 || segmentOfWord(chunks.index, flat) !== position) return 0;
    return flat - chunks.index.firstOfSegment[position];
  }

  function focusSegment(position, options = {}) {
    const node = chunks.segment(position);
    if (!node) return;
    chunks.segment(rover)?.setAttribute("tabindex", "-1");
    rover = position;
    node.tabIndex = 0;
    node.focus(options);
  }

  /** What the segment menu needs to act on word `word` of segment `position`. */
  function menuDetail(position, word, x, y) {
    const segment = result.segments[position];
    const turn = segmentTurnIds(position);
    const flat = chunks.index.firstOfSegment[position] + word;
    return { position, word, x, y, segment, turnIds: turn, time: wordTime(flat) };
  }

  function segmentTurnIds(position) {
    const node = chunks.segment(position)?.closest(".turn");
    return node ? [...node.querySelectorAll(".seg")].map((n) => result.segments[Number(n.dataset.seg)].id) : [];
  }

  function onClick(event) {
    const target = event.target;
    if (!(target instanceof Element) || editor.contains(target)) return;
    const action = target.closest("[data-action]");
    const stamp = target.closest(".ts");
    const speaker = target.closest(".pill");
    const word = target.closest(".w");
    clearTimeout(clickTimer);
    if (action) {
      const segment = result.segments[Number(action.closest(".seg").dataset.seg)];
      emit("edit", { op: { op: "set_hidden", segment_id: segment.id, hidden: action.dataset.action === "hide" } });
    } else if (stamp) {
      emit("seek", { time: Number(stamp.dataset.t), play: true });
    } else if (speaker) {
      const position = Number(speaker.closest(".turn").querySelector(".seg").dataset.seg);
      emit("speaker:open", { label: speaker.dataset.speaker, segmentIds: segmentTurnIds(position), opener: speaker });
    } else if (word && event.detail < 2) {
      const time = wordTime(Number(word.dataset.w));
      if (time !== null) clickTimer = setTimeout(() => emit("seek", { time, play: true }), CLICK_DELAY);
    }
  }

  function onDoubleClick(event) {
    clearTimeout(clickTimer);
    const word = event.target instanceof Element && event.target.closest(".w");
    const seg = word?.closest(".seg");
    if (!word || !seg || editor.contains(word)) return;
    window.getSelection()?.removeAllRanges(); // the browser's double-click selection
    const position = Number(seg.dataset.seg);
    editor.start(position, Number(word.dataset.w) - chunks.index.firstOfSegment[position]);
  }

  function onKey(event) {
    const seg = event.target instanceof Element && event.target.classList.contains("seg") ? event.target : null;
    if (!seg) return;
    const position = Number(seg.dataset.seg);
    const moves = { ArrowDown: position + 1, ArrowUp: position - 1, Home: 0, End: result.segments.length - 1 };
    if (event.key in moves && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      const next = Math.max(0, Math.min(result.segments.length - 1, moves[event.key]));
      focusSegment(next);
      chunks.segment(next)?.scrollIntoView({ block: "nearest" });
    } else if (event.key === "Enter" || event.key === "F2") {
      event.preventDefault();
      editor.start(position, playingWordIn(position));
    } else if (event.key === "ContextMenu" || (event.key === "F10" && event.shiftKey)) {
      event.preventDefault();
      const box = seg.getBoundingClientRect();
      emit("segment:menu", { position, word: playingWordIn(position), x: box.left + 12, y: box.top + 20 });
    }
  }

  function onContextMenu(event) {
    const word = event.target instanceof Element && event.target.closest(".w");
    if (!word || !result || editor.contains(word)) return;
    event.preventDefault();
    const flat = Number(word.dataset.w);
    const position = segmentOfWord(chunks.index, flat);
    emit("segment:menu", { position, word: flat - chunks.index.firstOfSegment[position], x: event.clientX, y: event.clientY });
  }

  root.addEventListener("click", onClick);
  root.addEventListener("dblclick", onDoubleClick);
  root.addEventListener("keydown", onKey);
  root.addEventListener("contextmenu", onContextMenu);
  on("player:tick", ({ time }) => {
    lastTime = time;
    light(wordAt(chunks.index, time));
  });

  return {
    update,
    clear() {
      chunks.clear();
      result = null;
      key = "";
      lit = -1;
      rover = 0;
    },
    /** Scroll to segment `position`, focus it and flash it (Needs review, Find, go to time). */
    jumpToSegment(position) {
      const node = chunks.segment(position);
      if (!node) return;
      node.scrollIntoView({ block: "center" });
      focusSegment(position, { preventScroll: true });
      node.classList.remove("is-jump");
      void node.offsetWidth; // restart the animation
      node.classList.add("is-jump");
    },
    startEdit: (position, word) => editor.start(position, word),
    menuDetail,
    wordElement: (flat) => chunks.word(flat),
    wordTime,
    segmentOfWord: (flat) => segmentOfWord(chunks.index, flat),
    segmentElement: (position) => chunks.segment(position),
    /** The segment being spoken at `time` (or the last one starting before it). */
    segmentAt(time) {
      if (!result) return -1;
      let found = 0;
      result.segments.forEach((segment, i) => {
        if (segment.start <= time) found = i;
      });
      return found;
    },
    get result() {
      return result;
    },
    get wordCount() {
      return chunks.wordCount;
    },
  };
}
