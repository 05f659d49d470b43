// The segment menu (right-click a word, or Shift+F10 / the context-menu key on a segment or in
// the editor): play from here, edit, split the turn here with a new speaker, the speaker dialog,
// hide or restore a flagged segment. Arrow keys move, Esc closes and gives focus back.

import { emit, on } from "./bus.js";
import { refs } from "./dom.js";
import { speakerLabels } from "./transcript-model.js";
import { newSpeakerLabel } from "./speakers.js";

/** Mount on the menu element; `view` is the transcript component. */
export function mountSegmentMenu(root, view) {
  const r = refs(root, { play: "menu-play", edit: "menu-edit", split: "word-split", speaker: "menu-speaker", hide: "menu-hide" });
  let context = null;

  function close(refocus = true) {
    if (root.hidden) return;
    root.hidden = true;
    const back = context?.opener;
    context = null;
    if (refocus && back?.isConnected) back.focus();
  }

  function open(detail) {
    if (!view.result) return;
    context = { ...view.menuDetail(detail.position, detail.word, detail.x, detail.y), opener: document.activeElement };
    const { segment } = context;
    r.speaker.hidden = !segment.speaker;
    r.hide.hidden = !segment.flags?.length && !segment.hidden;
    r.hide.textContent = segment.hidden ? "Restore segment" : "Hide segment";
    root.style.setProperty("--x", `${Math.max(4, Math.min(detail.x, window.innerWidth - 240))}px`);
    root.style.setProperty("--y", `${Math.max(4, Math.min(detail.y, window.innerHeight - 220))}px`);
    root.hidden = false;
    r.split.focus();
  }

  function splitHere() {
    const { segment, word } = context;
    const speaker = newSpeakerLabel(speakerLabels(view.result));
    // A cut before the first word is the whole segment: it moves to the new speaker.
    const op = word > 0 ? { op: "split", segment_id: segment.id, word_index: word, speaker } : { op: "reassign", segment_id: segment.id, speaker };
    close(false);
    emit("edit", { ops: [op] });
  }

  const act = {
    play: () => {
      const { time } = context;
      close();
      if (time !== null) emit("seek", { time, play: true });
    },
    edit: () => {
      const { position, word } = context;
      close(false);
      view.startEdit(position, word);
    },
    split: splitHere,
    speaker: () => {
      const { segment, turnIds, opener } = context;
      close(false);
      emit("speaker:open", { label: segment.speaker, segmentIds: turnIds, opener });
    },
    hide: () => {
      const { segment } = context;
      close();
      emit("edit", { op: { op: "set_hidden", segment_id: segment.id, hidden: !segment.hidden } });
    },
  };
  for (const [name, button] of Object.entries(r)) button.addEventListener("click", () => context && act[name]());

  root.addEventListener("keydown", (event) => {
    const items = [...root.querySelectorAll("button")].filter((b) => !b.hidden && !b.disabled);
    const at = items.indexOf(document.activeElement);
    const moves = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: items.length - 1 };
    if (event.key === "Escape" || event.key === "Tab") {
      event.preventDefault();
      event.stopPropagation();
      close();
    } else if (event.key in moves) {
      event.preventDefault();
      items[(moves[event.key] + items.length) % items.length]?.focus();
    }
  });
  document.addEventListener("pointerdown", (event) => {
    if (!root.hidden && !root.contains(event.target)) close(false);
  });
  on("segment:menu", open);
}
