// Editing one segment's text in place. The editor opens with the caret on a word (the one
// clicked, or the one being spoken), nothing selected; Enter saves, Esc cancels, Tab moves the
// caret to the next word needing review (a low-confidence word), and on to the next segment that
// has one. Shift+F10 / the context-menu key opens the segment menu at the caret's word.

import { emit } from "./bus.js";
import { el } from "./dom.js";
import { nextReview, segmentWords, wordOffsets } from "./transcript-model.js";

/**
 * `view` gives {result, segment(position), focusSegment(position)}. Returns the editor's API;
 * `wanted` survives a re-render, so Tab onto another segment opens there once the edit is saved.
 */
export function createEditor(view) {
  let editing = null;
  let wanted = null;

  function caretWord() {
    if (!editing) return 0;
    const { editor, offsets } = editing;
    let word = 0;
    offsets.forEach((at, i) => {
      if (at <= editor.selectionStart) word = i;
    });
    return word;
  }

  function onKey(event) {
    const { key, shiftKey } = event;
    if (key === "Escape") {
      event.stopPropagation(); // Esc cancels the edit here instead of toggling playback
      cancel(true);
    } else if (key === "Enter" && !shiftKey) {
      event.preventDefault();
      save();
    } else if (key === "Tab" && !shiftKey) {
      event.preventDefault();
      toNextReview();
    } else if (key === "ContextMenu" || (key === "F10" && shiftKey)) {
      event.preventDefault();
      openMenu();
    }
  }

  function openMenu() {
    const { position, editor } = editing;
    const box = editor.getBoundingClientRect();
    emit("segment:menu", { position, word: caretWord(), x: box.left + 12, y: box.bottom + 4 });
  }

  function toNextReview() {
    const { position } = editing;
    const next = nextReview(view.result.segments, position, caretWord());
    if (!next) return;
    if (next.position === position) {
      placeCaret(editing.offsets[next.word]);
      return;
    }
    wanted = next;
    if (!save(false)) openWanted(); // nothing changed: no re-render comes, go on at once
  }

  function placeCaret(at) {
    editing.editor.focus();
    editing.editor.setSelectionRange(at, at);
  }

  /** Open the editor on segment `position` with the caret at word `word` (0 when unknown). */
  function start(position, word = 0) {
    cancel();
    const node = view.segment(position);
    const segment = view.result?.segments[position];
    if (!node || !segment) return;
    const text = node.querySelector(".seg-text");
    const editor = el("textarea", { class: "seg-editor", "aria-label": "Segment text", rows: "2" });
    editor.value = segment.text.trim();
    const offsets = wordOffsets(editor.value, segmentWords(segment));
    text.hidden = true;
    node.append(editor);
    editing = { node, editor, text, position, offsets };
    editor.addEventListener("keydown", onKey);
    placeCaret(offsets[Math.min(word, offsets.length - 1)] ?? 0);
  }

  /** Close the editor, sending the text when it changed; true when an edit was sent. */
  function save(refocus = true) {
    if (!editing) return false;
    const segment = view.result.segments[editing.position];
    const value = editing.editor.value.trim();
    const position = editing.position;
    cancel();
    if (value && value !== segment.text.trim()) {
      if (refocus) wanted = { position, focusOnly: true };
      emit("edit", { op: { op: "edit_text", segment_id: segment.id, text: value } });
      return true;
    }
    if (refocus) view.focusSegment(position);
    return false;
  }

  function cancel(refocus = false) {
    if (!editing) return;
    const { editor, text, position } = editing;
    editing = null;
    editor.remove();
    text.hidden = false;
    if (refocus) view.focusSegment(position);
  }

  /** After a re-render: open the editor (or focus the segment) the user was heading for. */
  function openWanted() {
    const next = wanted;
    wanted = null;
    if (!next || next.position >= view.result.segments.length) return;
    if (next.focusOnly) view.focusSegment(next.position);
    else start(next.position, next.word);
  }

  return {
    start,
    cancel,
    openWanted,
    caretWord,
    get position() {
      return editing ? editing.position : -1;
    },
    contains: (node) => Boolean(editing?.node.contains(node)),
  };
}
