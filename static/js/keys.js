// Keyboard shortcuts as data (oTranscribe's habits) and the pure key -> action mapping.

export const SEEK_STEP = 5;
export const RATE_STEP = 0.25;
export const RATE_MIN = 0.5;
export const RATE_MAX = 2;

/** What the shortcut sheet lists: [keys, what it does]. */
export const SHORTCUTS = [
  ["Esc", "Play / pause (works while typing too)"],
  ["Ctrl + ←", `Back ${SEEK_STEP} seconds`],
  ["Ctrl + →", `Forward ${SEEK_STEP} seconds`],
  ["Ctrl + ↓", "Slower"],
  ["Ctrl + ↑", "Faster"],
  ["Ctrl + F", "Find in transcript (Esc closes it)"],
  ["Enter / Shift + Enter", "Next / previous match (in Find)"],
  ["Ctrl + Z", "Undo the last edit"],
  ["↑ / ↓ in the transcript", "Previous / next segment"],
  ["Double-click a word, or Enter", "Edit the text there (Enter saves, Esc cancels, Tab: next word to check)"],
  ["Shift + F10 or the menu key", "Segment menu: play from here, split the turn, speaker, hide"],
  ["Click a speaker", "Rename, reassign this turn, or merge everywhere"],
  ["Right-click a word", "The segment menu at that word"],
  ["?", "This sheet (⌘ works for Ctrl on a Mac)"],
];

/**
 * The action for a key event, or null. `typing` is true when focus is in a text field, where
 * only Esc acts (the field keeps Ctrl+arrows, Ctrl+Z and Ctrl+F for itself).
 */
export function keyAction({ key, ctrlKey = false, metaKey = false, altKey = false, typing = false }) {
  if (key === "Escape") return "toggle";
  if (typing || altKey) return null;
  const mod = ctrlKey || metaKey;
  if (mod) {
    switch (key) {
      case "ArrowLeft":
        return "back";
      case "ArrowRight":
        return "forward";
      case "ArrowDown":
        return "slower";
      case "ArrowUp":
        return "faster";
      case "z":
      case "Z":
        return "undo";
      case "f":
      case "F":
        return "find";
      default:
        return null;
    }
  }
  if (key === "?") return "help";
  return null;
}

/** The next playback rate after one step in `dir` (+1 faster, -1 slower), kept within 0.5-2. */
export function stepRate(rate, dir) {
  const next = Math.round((rate + dir * RATE_STEP) / RATE_STEP) * RATE_STEP;
  return Math.min(RATE_MAX, Math.max(RATE_MIN, next));
}

/** A seek target kept inside the recording. */
export function clampTime(t, duration) {
  const end = Number.isFinite(duration) && duration > 0 ? duration : Infinity;
  return Math.min(end, Math.max(0, t));
}
