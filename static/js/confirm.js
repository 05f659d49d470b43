// A confirmation dialog that returns a promise (instead of window.confirm, which looks foreign).

import { setText } from "./dom.js";

/** Ask; resolves true when the user presses the confirming button. */
export function confirmDialog({ dialog, title, text, ok }, { heading, message, action }) {
  setText(title, heading);
  setText(text, message);
  setText(ok, action);
  dialog.returnValue = "";
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok"), { once: true });
    dialog.showModal();
  });
}
