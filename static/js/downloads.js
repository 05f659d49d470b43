// Downloads: one button per export format the server offers (GET /api/config export_formats),
// with the options timestamps / speaker names / include flagged as query parameters.

import { exportUrl } from "./api.js";
import { el } from "./dom.js";

const FIRST = ["docx", "md"];
// Short names for the button text; the server's longer label goes in the tooltip.
const SHORT_LABELS = { docx: "DOCX", md: "Markdown", json: "JSON", txt: "Text", srt: "SRT", vtt: "VTT" };

/** Mount the download buttons; returns {setJob(id)}. */
export function mountDownloads(refs, formats) {
  let jobId = null;
  const ordered = [...formats].sort((a, b) => {
    const rank = (f) => (FIRST.includes(f.name) ? FIRST.indexOf(f.name) : FIRST.length);
    return rank(a) - rank(b);
  });
  const buttons = ordered.map((format) => {
    const label = SHORT_LABELS[format.name] || format.label || format.name.toUpperCase();
    const primary = FIRST.includes(format.name);
    const button = el(
      "button",
      { type: "button", class: `button ${primary ? "primary" : "secondary"} small`, title: `${format.label ?? label} (.${format.extension ?? format.name})` },
      `Download ${label}`,
    );
    button.addEventListener("click", () => {
      if (!jobId) return;
      // An <a download> click keeps the page (and the playing audio) where it is.
      const link = el("a", {
        href: exportUrl(jobId, format.name, {
          timestamps: refs.timestamps.checked,
          speakers: refs.speakers.checked,
          includeFlagged: refs.flagged.checked,
        }),
        download: "",
      });
      document.body.append(link);
      link.click();
      link.remove();
    });
    return button;
  });
  refs.root.replaceChildren(...buttons);
  return {
    setJob(id) {
      jobId = id;
    },
  };
}
