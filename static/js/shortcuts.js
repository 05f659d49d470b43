// Keyboard shortcuts on the whole page (see keys.js) and the "?" shortcut sheet.

import { emit } from "./bus.js";
import { el, isTyping, refs } from "./dom.js";
import { keyAction, SEEK_STEP, SHORTCUTS } from "./keys.js";

/** Listen for shortcuts on the page; the sheet is `sheet`, opened by `helpButton` or "?". */
export function mountShortcuts(sheet, helpButton, { hasAudio, hasTranscript }) {
  const { rows } = refs(sheet, { rows: "shortcut-rows" });
  rows.replaceChildren(
    ...SHORTCUTS.map(([keys, what]) => el("tr", {}, el("td", {}, el("kbd", {}, keys)), el("td", {}, what))),
  );
  const openSheet = () => {
    if (!sheet.open) sheet.showModal();
  };
  helpButton.addEventListener("click", openSheet);

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.isComposing) return;
    // A modal dialog owns Esc (it closes) and its own keys.
    if (document.querySelector("dialog[open]")) return;
    const action = keyAction({
      key: event.key,
      ctrlKey: event.ctrlKey,
      metaKey: event.metaKey,
      altKey: event.altKey,
      typing: isTyping(event.target),
    });
    if (!action) return;
    const run = {
      toggle: () => hasAudio() && emit("player:toggle"),
      back: () => hasAudio() && emit("player:nudge", { delta: -SEEK_STEP }),
      forward: () => hasAudio() && emit("player:nudge", { delta: SEEK_STEP }),
      slower: () => hasAudio() && emit("player:rate-step", { dir: -1 }),
      faster: () => hasAudio() && emit("player:rate-step", { dir: 1 }),
      help: () => (openSheet(), true),
      undo: () => hasTranscript() && (emit("undo"), true),
      find: () => hasTranscript() && (emit("find:open"), true),
    }[action];
    if (run() !== false) event.preventDefault();
  });
}
