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
  return new Chunks(root);
}

class Chunks {
  constructor(root) {
    this.root = root;
    this.generation = 0;
    this.observer = null;
    this.nodes = [];
    this.reset(null);
  }

  reset(result) {
    this.result = result;
    this.index = buildWordIndex(result?.segments ?? []);
    this.turns = result ? groupTurns(result.segments) : [];
    this.chunks = chunkTurns(this.turns, CHUNK_WORDS);
    this.first = Int32Array.from(this.chunks, (chunk) => chunk.firstSegment);
    this.built = new Uint8Array(this.chunks.length);
    this.words = new Array(this.index.count);
    this.segs = new Array(result?.segments.length ?? 0);
  }

  get segmentCount() {
    return this.segs.length;
  }
  get wordCount() {
    return this.words.length;
  }

  build(k) {
    if (k < 0 || k >= this.chunks.length || this.built[k]) return;
    this.built[k] = 1;
    const chunk = this.chunks[k];
    const { result, colors, turns, index, words, segs } = this;
    this.nodes[k].append(renderTurns(result, colors, turns, chunk.firstTurn, chunk.lastTurn, index.firstOfSegment, words, segs));
    this.nodes[k].style.removeProperty("contain-intrinsic-size");
    this.observer?.unobserve(this.nodes[k]);
  }

  ensureSegment(position) {
    this.build(lastAtOrBefore(this.first, position));
  }

  /** The element of word `flat` / segment `position`, built on demand. */
  word(flat) {
    if (flat >= 0 && !this.words[flat]) this.ensureSegment(segmentOfWord(this.index, flat));
    return this.words[flat] ?? null;
  }
  segment(position) {
    if (position >= 0 && !this.segs[position]) this.ensureSegment(position);
    return this.segs[position] ?? null;
  }

  fillWhenIdle(generation) {
    let next = 0;
    const step = (deadline) => {
      if (generation !== this.generation) return;
      // A slice stays short even when the browser offers 50 ms, so a click never waits long.
      const until = performance.now() + 12;
      do {
        while (next < this.chunks.length && this.built[next]) next += 1;
        this.build(next);
      } while (next < this.chunks.length && deadline.timeRemaining() > 4 && performance.now() < until);
      if (next < this.chunks.length) idle(step, { timeout: 250 });
    };
    // Let the first chunk paint and answer input before filling the rest.
    setTimeout(() => idle(step, { timeout: 250 }), 120);
  }

  observe(scroller) {
    const scrolls = scroller && getComputedStyle(scroller).overflowY !== "visible";
    this.observer = new IntersectionObserver(
      (entries) => {
        for (const entry of entries) if (entry.isIntersecting) this.build(Number(entry.target.dataset.chunk));
      },
      { root: scrolls ? scroller : null, rootMargin: "1200px 0px" },
    );
    this.nodes.forEach((node, k) => this.built[k] || this.observer.observe(node));
  }

  /** Replace the DOM with `result` (chunk 0 built at once); keeps the scroll position. */
  render(result, colors) {
    const scroller = this.root.closest(".desk");
    const scrollTop = scroller ? scroller.scrollTop : 0;
    this.stop();
    this.reset(result);
    this.colors = colors;
    this.nodes = this.chunks.map((chunk, k) => {
      const node = el("div", { class: "chunk", dataset: { chunk: k } });
      node.style.setProperty("contain-intrinsic-size", `auto ${estimateHeight(this.turns, chunk)}px`);
      return node;
    });
    this.root.replaceChildren(...this.nodes);
    this.build(0);
    if (scroller) scroller.scrollTop = scrollTop;
    this.observe(scroller);
    this.fillWhenIdle(this.generation);
  }

  stop() {
    this.generation += 1;
    this.observer?.disconnect();
    this.observer = null;
  }

  clear() {
    this.stop();
    this.reset(null);
    this.nodes = [];
    this.root.replaceChildren();
  }
}
