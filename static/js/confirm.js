// A confirmation dialog that returns a promise (instead of window.confirm, which looks foreign).

import { refs, setText } from "./dom.js";

/** Ask in the dialog `dialog`; resolves true when the user presses the confirming button. */
export function confirmDialog(dialog, { heading, message, action }) {
  const { title, text, ok } = refs(dialog, { title: "confirm-title", text: "confirm-text", ok: "confirm-ok" });
  setText(title, heading);
  setText(text, message);
  setText(ok, action);
  dialog.returnValue = "";
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok"), { once: true });
    dialog.showModal();
  });
}
