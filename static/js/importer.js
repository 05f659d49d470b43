// Import for review: a recording plus a transcript another tool made (Whisper JSON, SRT, WebVTT).
// Self-contained: mounts on #import-root, uploads the recording with the usual /api/upload, waits
// until it is ready, posts the transcript to /api/jobs/{id}/import, then opens the job
// (job:select on the bus) once the panel has processed it. Messages go through "notice".

import { api, ApiError, upload } from "./api.js";
import { emit } from "./bus.js";
import { el } from "./dom.js";

const POLL_MS = 400;
const WAIT_MS = 120000;

async function waitFor(id, statuses) {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const job = await api.job(id);
    if (statuses.includes(job.status)) return job;
    if (["failed", "cancelled"].includes(job.status)) throw new ApiError(job.error || `The job ${job.status}.`, 0);
    if (Date.now() > deadline) throw new ApiError("The panel took too long to process the import.", 0);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

// The language comes from the file (Whisper JSON names it) or from its script; the API also takes
// ?language= for tools that know better.
async function postTranscript(id, file) {
  const query = new URLSearchParams({ filename: file.name });
  const response = await fetch(`/api/jobs/${encodeURIComponent(id)}/import?${query}`, {
    method: "POST",
    headers: { "Content-Type": "application/octet-stream", Accept: "application/json" },
    credentials: "same-origin",
    body: file,
  });
  if (!response.ok) {
    let detail = "";
    try {
      detail = (await response.json()).detail;
    } catch {
      // not JSON: the status says enough
    }
    throw new ApiError(detail || `Import failed (${response.status}).`, response.status);
  }
}

function build(root) {
  const audio = el("input", { type: "file", accept: "audio/*,video/mp4,video/webm", "aria-label": "Recording to import" });
  const transcript = el("input", { type: "file", accept: ".json,.srt,.vtt", "aria-label": "Transcript to import" });
  const button = el("button", { type: "submit", class: "button secondary" }, "Import for review");
  const status = el("p", { class: "muted import-status", role: "status" });
  const form = el(
    "form",
    { class: "import-form" },
    el("label", {}, "Recording ", audio),
    el("label", {}, "Transcript (JSON, SRT, VTT) ", transcript),
    button,
    status,
  );
  root.append(el("summary", {}, "Import an existing transcript"), form);
  return { form, audio, transcript, button, status };
}

/** Mount the import form on `root` (a <details> element in the sidebar). */
export function mountImporter(root) {
  const refs = build(root);
  refs.form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const [recording] = refs.audio.files;
    const [text] = refs.transcript.files;
    if (!recording || !text) {
      refs.status.textContent = "Choose a recording and its transcript.";
      return;
    }
    refs.button.disabled = true;
    try {
      refs.status.textContent = "Uploading the recording…";
      const job = await upload(recording, (pct) => {
        refs.status.textContent = `Uploading the recording… ${Math.round(pct)}%`;
      });
      await waitFor(job.job_id, ["uploaded"]);
      refs.status.textContent = "Reading the transcript…";
      await postTranscript(job.job_id, text);
      await waitFor(job.job_id, ["completed"]);
      refs.status.textContent = `Imported “${text.name}”.`;
      refs.form.reset();
      emit("job:select", { id: job.job_id });
    } catch (error) {
      refs.status.textContent = error.message;
      emit("notice", { message: error.message, tone: "error" });
    } finally {
      refs.button.disabled = false;
    }
  });
}

const root = document.getElementById("import-root");
if (root) mountImporter(root);
