// The selected job's header and status card: title, facts, the live status line, progress,
// the server's error in plain words, and Start / Cancel / Retry / Delete.
// Buttons emit job:start / job:cancel / job:retry / job:delete; update(job, now) is idempotent.

import { emit } from "./bus.js";
import { setText, show } from "./dom.js";
import { bytesText, durationText, elapsedText, isActive, progressValue, statusDetail, statusLabel, statusTone } from "./format.js";

const ENGINE_NAMES = { runpod: "RunPod cloud GPU", worker: "GPU worker", local: "this computer" };

function metaText(job) {
  const parts = [durationText(job.duration), bytesText(job.size)];
  if (job.engine) parts.push(`on ${ENGINE_NAMES[job.engine] ?? job.engine}`);
  if (Number.isFinite(job.cost_usd) && job.cost_usd > 0) parts.push(`≈ $${job.cost_usd.toFixed(3)}`);
  return parts.filter(Boolean).join(" · ");
}

function elapsedFor(job, now) {
  if (job.local) return "";
  if (isActive(job)) return elapsedText(job.submitted_at ?? job.created_at, now);
  if (job.status === "completed" && job.submitted_at && job.finished_at) {
    return `took ${elapsedText(job.submitted_at, Date.parse(job.finished_at))}`;
  }
  return "";
}

function startHint(job) {
  if (job.local === "error") return "";
  if (job.local) return "Start unlocks once the file is uploaded and stored.";
  if (job.status === "uploading") return "Start unlocks once the upload to storage is confirmed.";
  if (job.status === "uploaded") return "";
  return "";
}

/** Mount on the job view's elements; returns {update(job, now)}. */
export function mountJobView(refs) {
  let current = null;
  refs.start.addEventListener("click", () => current && emit("job:start", { key: current.key }));
  refs.cancel.addEventListener("click", () => current && emit("job:cancel", { key: current.key }));
  refs.retry.addEventListener("click", () => current && emit("job:retry", { key: current.key }));
  refs.remove.addEventListener("click", () => current && emit("job:delete", { key: current.key }));

  function update(job, now = Date.now()) {
    current = job;
    if (!job) return;
    setText(refs.title, job.filename);
    setText(refs.meta, metaText(job));
    setText(refs.status, statusLabel(job));
    setText(refs.detail, statusDetail(job));
    show(refs.detail, Boolean(statusDetail(job)));
    refs.dot.className = `status-dot tone-${statusTone(job)}`;
    setText(refs.elapsed, elapsedFor(job, now));

    const value = progressValue(job);
    show(refs.progress, value !== null && job.status !== "completed");
    if (value !== null) {
      refs.bar.style.setProperty("--value", `${value}%`);
      refs.progress.setAttribute("aria-valuenow", String(Math.round(value)));
    }

    const error =
      (job.local === "error" && job.localError) || job.notice || (job.status === "failed" && job.error) || null;
    show(refs.error, Boolean(error));
    setText(refs.errorText, error || "");
    const note = job.fallback_reason ? `Ran on this computer because ${job.fallback_reason}` : "";
    show(refs.note, Boolean(note));
    setText(refs.note, note);

    const notStarted = Boolean(job.local) || job.status === "uploading" || job.status === "uploaded";
    show(refs.start, notStarted && job.local !== "error");
    refs.start.disabled = !job.can_start;
    show(refs.cancel, Boolean(job.can_cancel));
    show(refs.retry, Boolean(job.can_retry) || job.local === "error");
    show(refs.actions, [refs.start, refs.cancel, refs.retry].some((b) => !b.hidden));
    setText(refs.hint, notStarted ? startHint(job) : "");
    refs.lockOptions(!notStarted || job.local === "error");
    refs.remove.disabled = Boolean(job.local && job.local !== "error");
  }
  return { update };
}
