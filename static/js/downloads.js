// Downloads in the review bar: "Download" opens a panel with one button per export format the
// server offers (GET /api/config export_formats) and the options timestamps / speaker names /
// include flagged, sent as query parameters. Esc or a click elsewhere closes the panel.

import { exportUrl } from "./api.js";
import { el, refs, show } from "./dom.js";

const FIRST = ["docx", "md"];
// Short names for the button text; the server's longer label goes in the tooltip.
const SHORT_LABELS = { docx: "DOCX", md: "Markdown", json: "JSON", txt: "Text", srt: "SRT", vtt: "VTT" };

function ordered(formats) {
  const rank = (f) => (FIRST.includes(f.name) ? FIRST.indexOf(f.name) : FIRST.length);
  return [...formats].sort((a, b) => rank(a) - rank(b));
}

/** Mount on the downloads root; returns {setJob(id)}. */
export function mountDownloads(root, formats) {
  const r = refs(root, {
    toggle: "download-toggle", panel: "download-panel", buttons: "download-buttons",
    timestamps: "dl-timestamps", speakers: "dl-speakers", flagged: "dl-flagged",
  });
  let jobId = null;

  function fetchFormat(name) {
    if (!jobId) return;
    const options = { timestamps: r.timestamps.checked, speakers: r.speakers.checked, includeFlagged: r.flagged.checked };
    // An <a download> click keeps the page (and the playing audio) where it is.
    const link = el("a", { href: exportUrl(jobId, name, options), download: "" });
    document.body.append(link);
    link.click();
    link.remove();
  }

  const buttons = ordered(formats).map((format) => {
    const label = SHORT_LABELS[format.name] || format.label || format.name.toUpperCase();
    const kind = FIRST.includes(format.name) ? "primary" : "secondary";
    const title = `${format.label ?? label} (.${format.extension ?? format.name})`;
    const button = el("button", { type: "button", class: `button ${kind} small`, title }, `Download ${label}`);
    button.addEventListener("click", () => fetchFormat(format.name));
    return button;
  });
  r.buttons.replaceChildren(...buttons);

  function setOpen(open, refocus = false) {
    show(r.panel, open);
    r.toggle.setAttribute("aria-expanded", String(open));
    if (open) buttons[0]?.focus();
    else if (refocus) r.toggle.focus();
  }
  r.toggle.addEventListener("click", () => setOpen(r.panel.hidden));
  r.panel.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    event.preventDefault();
    event.stopPropagation();
    setOpen(false, true);
  });
  document.addEventListener("pointerdown", (event) => {
    if (!r.panel.hidden && !root.contains(event.target)) setOpen(false);
  });

  return {
    setJob(id) {
      jobId = id;
    },
  };
}
