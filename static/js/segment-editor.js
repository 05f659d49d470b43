// Editing one segment's text in place. The editor opens with the caret on a word (the one
// clicked, or the one being spoken), nothing selected; Enter saves, Esc cancels, Tab moves the
// caret to the next word needing review (a low-confidence word), and on to the next segment that
// has one. Shift+F10 / the context-menu key opens the segment menu at the caret's word.

import { emit } from "./bus.js";
import { el } from "./dom.js";
import { nextReview, segmentWords, wordOffsets } from "./transcript-model.js";

/**
 * `view` gives {result, segment(position), focusSegment(position)}. `wanted` survives a
 * re-render, so Tab onto another segment opens there once the edit is saved.
 */
export function createEditor(view) {
  return new SegmentEditor(view);
}

class SegmentEditor {
  constructor(view) {
    this.view = view;
    this.editing = null;
    this.wanted = null;
  }

  get position() {
    return this.editing ? this.editing.position : -1;
  }

  contains(node) {
    return Boolean(this.editing?.node.contains(node));
  }

  caretWord() {
    if (!this.editing) return 0;
    const { editor, offsets } = this.editing;
    let word = 0;
    offsets.forEach((at, i) => {
      if (at <= editor.selectionStart) word = i;
    });
    return word;
  }

  onKey(event) {
    const { key, shiftKey } = event;
    if (key === "Escape") {
      event.stopPropagation(); // Esc cancels the edit here instead of toggling playback
      this.cancel(true);
    } else if (key === "Enter" && !shiftKey) {
      event.preventDefault();
      this.save();
    } else if (key === "Tab" && !shiftKey) {
      event.preventDefault();
      this.toNextReview();
    } else if (key === "ContextMenu" || (key === "F10" && shiftKey)) {
      event.preventDefault();
      const box = this.editing.editor.getBoundingClientRect();
      emit("segment:menu", { position: this.editing.position, word: this.caretWord(), x: box.left + 12, y: box.bottom + 4 });
    }
  }

  toNextReview() {
    const { position } = this.editing;
    const next = nextReview(this.view.result.segments, position, this.caretWord());
    if (!next) return;
    if (next.position === position) {
      this.placeCaret(this.editing.offsets[next.word]);
      return;
    }
    this.wanted = next;
    if (!this.save(false)) this.openWanted(); // nothing changed: no re-render comes, go on at once
  }

  placeCaret(at) {
    this.editing.editor.focus();
    this.editing.editor.setSelectionRange(at, at);
  }

  /** Open the editor on segment `position` with the caret at word `word` (0 when unknown). */
  start(position, word = 0) {
    this.cancel();
    const node = this.view.segment(position);
    const segment = this.view.result?.segments[position];
    if (!node || !segment) return;
    const text = node.querySelector(".seg-text");
    const editor = el("textarea", { class: "seg-editor", "aria-label": "Segment text", rows: "2" });
    editor.value = segment.text.trim();
    const offsets = wordOffsets(editor.value, segmentWords(segment));
    text.hidden = true;
    node.append(editor);
    this.editing = { node, editor, text, position, offsets };
    editor.addEventListener("keydown", (event) => this.onKey(event));
    this.placeCaret(offsets[Math.min(word, offsets.length - 1)] ?? 0);
  }

  /** Close the editor, sending the text when it changed; true when an edit was sent. */
  save(refocus = true) {
    if (!this.editing) return false;
    const { position } = this.editing;
    const segment = this.view.result.segments[position];
    const value = this.editing.editor.value.trim();
    this.cancel();
    if (value && value !== segment.text.trim()) {
      if (refocus) this.wanted = { position, focusOnly: true };
      emit("edit", { op: { op: "edit_text", segment_id: segment.id, text: value } });
      return true;
    }
    if (refocus) this.view.focusSegment(position);
    return false;
  }

  cancel(refocus = false) {
    if (!this.editing) return;
    const { editor, text, position } = this.editing;
    this.editing = null;
    editor.remove();
    text.hidden = false;
    if (refocus) this.view.focusSegment(position);
  }

  /** After a re-render: open the editor (or focus the segment) the user was heading for. */
  openWanted() {
    const next = this.wanted;
    this.wanted = null;
    if (!next || next.position >= this.view.result.segments.length) return;
    if (next.focusOnly) this.view.focusSegment(next.position);
    else this.start(next.position, next.word);
  }
}
