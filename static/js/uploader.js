// The uploader: the "Audio file" input and drag-and-drop anywhere on the page.
// Emits files:chosen {files}; the controller does the uploading.

import { emit } from "./bus.js";
import { refs } from "./dom.js";

/** Wire the file input under `root` and the full-page drop overlay. */
export function mountUploader(root, overlay) {
  const { input } = refs(root, { input: "file-input" });
  input.addEventListener("change", () => {
    const files = [...input.files];
    input.value = ""; // choosing the same file again must fire change again
    if (files.length) emit("files:chosen", { files });
  });

  let depth = 0; // dragenter/dragleave fire for every child element crossed
  const hasFiles = (event) => [...(event.dataTransfer?.types ?? [])].includes("Files");
  window.addEventListener("dragenter", (event) => {
    if (!hasFiles(event)) return;
    depth += 1;
    overlay.hidden = false;
  });
  window.addEventListener("dragleave", () => {
    depth = Math.max(0, depth - 1);
    if (depth === 0) overlay.hidden = true;
  });
  window.addEventListener("dragover", (event) => {
    if (hasFiles(event)) event.preventDefault();
  });
  window.addEventListener("drop", (event) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    depth = 0;
    overlay.hidden = true;
    const files = [...event.dataTransfer.files];
    if (files.length) emit("files:chosen", { files });
  });
}
