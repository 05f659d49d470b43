// "Check settings" and the local model, in the sidebar: mounts itself on #settings-check.
// The button runs the same checks as `scribedesk doctor` (GET /api/doctor) and lists one sentence per
// check. The model line says where the local model is stored and how large it is; when it is not
// downloaded yet, it offers the download with a real progress bar and a Cancel (which keeps the part
// already fetched: the next Download continues from there). Text only, never innerHTML.

import { call } from "./api.js";
import { el, setText, show, clear } from "./dom.js";

const MARK = { ok: "✓", warn: "!", fail: "✗", skip: "–" };
const POLL_MS = 500;

const mb = (bytes) => `${Math.round(bytes / 1e6)} MB`;

export function modelLine(info) {
  if (info.ready) return `Local model ${info.name}: ${mb(info.size_bytes)} in ${info.path}`;
  if (info.downloading && info.total_bytes) {
    const pct = Math.floor((100 * info.done_bytes) / info.total_bytes);
    return `Downloading local model ${info.name}: ${pct}% of ${mb(info.total_bytes)} → ${info.path}`;
  }
  const size = info.expected_mb ? `about ${info.expected_mb} MB` : "size unknown";
  const partial = info.done_bytes ? `; ${mb(info.done_bytes)} already here, Download continues` : "";
  const failed = info.error ? ` Last attempt: ${info.error}` : "";
  return `Local model ${info.name} is not downloaded yet (${size}, to ${info.path}${partial}).${failed}`;
}

function mount(root) {
  const check = el("button", { type: "button", class: "button secondary small", id: "check-settings" }, "Check settings");
  const list = el("ul", { class: "settings-checks small", id: "settings-checks", "aria-live": "polite" });
  const line = el("p", { class: "muted small", id: "model-line" });
  const bar = el("progress", { id: "model-progress", max: "100", "aria-label": "Model download" });
  const download = el("button", { type: "button", class: "button secondary small", id: "model-download" }, "Download model");
  const cancel = el("button", { type: "button", class: "button secondary small", id: "model-cancel" }, "Cancel download");
  root.append(el("h2", { class: "sidebar-title" }, "Settings"), check, list, line, bar, download, cancel);
  let timer = null;

  function render(info) {
    setText(line, modelLine(info));
    show(bar, info.downloading);
    if (info.downloading && info.total_bytes) bar.value = (100 * info.done_bytes) / info.total_bytes;
    show(download, info.used && !info.ready && !info.downloading);
    show(cancel, info.downloading);
    clearTimeout(timer);
    if (info.downloading) timer = setTimeout(refresh, POLL_MS);
  }

  async function refresh() {
    try {
      render(await call("GET", "/api/local-model"));
    } catch (error) {
      setText(line, error.message);
    }
  }

  check.addEventListener("click", async () => {
    check.disabled = true;
    clear(list);
    list.append(el("li", { class: "muted" }, "Checking…"));
    try {
      const report = await call("GET", "/api/doctor");
      clear(list);
      for (const c of report.checks) {
        list.append(el("li", { class: `check-${c.status}`, dataset: { status: c.status } }, `${MARK[c.status] || ""} ${c.name}: ${c.message}`));
      }
    } catch (error) {
      clear(list);
      list.append(el("li", { class: "check-fail" }, error.message));
    } finally {
      check.disabled = false;
      refresh();
    }
  });
  download.addEventListener("click", async () => render(await call("POST", "/api/local-model/download")));
  cancel.addEventListener("click", async () => render(await call("POST", "/api/local-model/cancel")));
  refresh();
}

const root = typeof document !== "undefined" ? document.getElementById("settings-check") : null;
if (root) mount(root);
