// Chunked rendering of a Result: the chunk the reader sees first at once, the ones scrolled near
// by an IntersectionObserver, the rest in idle time. Off-screen chunks skip layout
// (content-visibility: auto), so a 3-hour interview opens about as fast as its JSON parses.
// Keeps the word and segment elements by number for the view (highlight, find, editing).

import { el } from "./dom.js";
import { estimateHeight, renderTurns } from "./transcript-render.js";
import { buildWordIndex, chunkTurns, groupTurns, lastAtOrBefore, segmentOfWord } from "./transcript-model.js";

const CHUNK_WORDS = 400;
const idle = window.requestIdleCallback ?? ((fn) => setTimeout(() => fn({ timeRemaining: () => 8 }), 16));

/** The chunk builder for the transcript container `root`. */
export function createChunks(root) {
  const state = {
    result: null, colors: new Map(), index: buildWordIndex([]), words: [], segs: [], turns: [],
    chunks: [], nodes: [], first: new Int32Array(0), built: new Uint8Array(0), generation: 0, observer: null,
  };

  function build(k) {
    if (k < 0 || k >= state.chunks.length || state.built[k]) return;
    state.built[k] = 1;
    const chunk = state.chunks[k];
    const { result, colors, turns, index, words, segs } = state;
    state.nodes[k].append(renderTurns(result, colors, turns, chunk.firstTurn, chunk.lastTurn, index.firstOfSegment, words, segs));
    state.nodes[k].style.removeProperty("contain-intrinsic-size");
    state.observer?.unobserve(state.nodes[k]);
  }

  const ensureSegment = (position) => build(lastAtOrBefore(state.first, position));
  const ensureWord = (flat) => ensureSegment(segmentOfWord(state.index, flat));

  function fillWhenIdle(generation) {
    let next = 0;
    const step = (deadline) => {
      if (generation !== state.generation) return;
      // A slice stays short even when the browser offers 50 ms, so a click never waits long.
      const until = performance.now() + 12;
      do {
        while (next < state.chunks.length && state.built[next]) next += 1;
        build(next);
      } while (next < state.chunks.length && deadline.timeRemaining() > 4 && performance.now() < until);
      if (next < state.chunks.length) idle(step, { timeout: 250 });
    };
    // Let the first chunk paint and answer input before filling the rest.
    setTimeout(() => idle(step, { timeout: 250 }), 120);
  }

  function observe(scroller) {
    const scrolls = scroller && getComputedStyle(scroller).overflowY !== "visible";
    state.observer = new IntersectionObserver(
      (entries) => {
        for (const entry of entries) if (entry.isIntersecting) build(Number(entry.target.dataset.chunk));
      },
      { root: scrolls ? scroller : null, rootMargin: "1200px 0px" },
    );
    state.nodes.forEach((node, k) => state.built[k] || state.observer.observe(node));
  }

  /** Replace the DOM with `result` (chunk 0 built at once); keeps the scroll position. */
  function render(result, colors) {
    const scroller = root.closest(".desk");
    const scrollTop = scroller ? scroller.scrollTop : 0;
    stop();
    Object.assign(state, { result, colors, index: buildWordIndex(result.segments), turns: groupTurns(result.segments) });
    state.chunks = chunkTurns(state.turns, CHUNK_WORDS);
    state.first = Int32Array.from(state.chunks, (chunk) => chunk.firstSegment);
    state.built = new Uint8Array(state.chunks.length);
    state.words = new Array(state.index.count);
    state.segs = new Array(result.segments.length);
    state.nodes = state.chunks.map((chunk, k) => {
      const node = el("div", { class: "chunk", dataset: { chunk: k } });
      node.style.setProperty("contain-intrinsic-size", `auto ${estimateHeight(state.turns, chunk)}px`);
      return node;
    });
    root.replaceChildren(...state.nodes);
    build(0);
    if (scroller) scroller.scrollTop = scrollTop;
    observe(scroller);
    fillWhenIdle(state.generation);
  }

  function stop() {
    state.generation += 1;
    state.observer?.disconnect();
    state.observer = null;
  }

  function clear() {
    stop();
    Object.assign(state, { result: null, words: [], segs: [], index: buildWordIndex([]) });
    root.replaceChildren();
  }

  return {
    render,
    clear,
    ensureSegment,
    ensureWord,
    /** The element of word `flat` / segment `position`, built on demand. */
    word(flat) {
      if (!state.words[flat]) ensureWord(flat);
      return state.words[flat] ?? null;
    },
    segment(position) {
      if (!state.segs[position]) ensureSegment(position);
      return state.segs[position] ?? null;
    },
    get index() {
      return state.index;
    },
    get segmentCount() {
      return state.segs.length;
    },
    get wordCount() {
      return state.words.length;
    },
  };
}
