// The selected job's header and status card: title, facts, the live status line, what to expect
// (time, cost, time left), progress, a failure explained in plain words with what to do, and
// Start / Cancel / Retry / Delete. Buttons emit job:start / job:cancel / job:retry / job:delete;
// update(job, extra) is idempotent. Focus never falls to the page when a button disappears.

import { emit } from "./bus.js";
import { refs, setText, show } from "./dom.js";
import { aboutText, bytesText, durationText, elapsedText, estimateText, isActive, progressValue, statusDetail, statusLabel, statusTone, timeLeft } from "./format.js";

const ENGINE_NAMES = { runpod: "RunPod cloud GPU", worker: "GPU worker", local: "this computer" };

function metaText(job) {
  const parts = [durationText(job.duration), bytesText(job.size)];
  if (job.engine) parts.push(`on ${ENGINE_NAMES[job.engine] ?? job.engine}`);
  if (Number.isFinite(job.cost_usd) && job.cost_usd > 0) parts.push(`≈ $${job.cost_usd.toFixed(3)}`);
  return parts.filter(Boolean).join(" · ");
}

function elapsedFor(job, now) {
  if (job.local) return "";
  if (job.status === "queued") return `waiting ${elapsedText(job.submitted_at ?? job.created_at, now)}`;
  if (isActive(job)) return elapsedText(job.submitted_at ?? job.created_at, now);
  if (job.status === "completed" && job.submitted_at && job.finished_at) {
    return `took ${elapsedText(job.submitted_at, Date.parse(job.finished_at))}`;
  }
  return "";
}

/** The line under the status: expectation before Start, time left while running, upload facts. */
function expectText(job, estimate, now) {
  if (job.local === "sending") return job.uploadFacts ?? "";
  if (job.local === "interrupted") return `Choose “${job.filename}” again to go on from ${Math.round(job.localProgress ?? 0)}%.`;
  if (job.local) return "";
  if (job.status === "uploaded") return estimateText(estimate);
  const since = (iso) => Math.max(0, (now - Date.parse(iso ?? "")) / 1000) || 0;
  const left = timeLeft(job, estimate, since(job.submitted_at), since(job.runningSince ?? job.submitted_at));
  if (left === null) return "";
  const soon = aboutText(left).replace(/^./, (c) => c.toUpperCase());
  if (job.status === "queued") return `${soon} left in all (a GPU usually starts in ${aboutText(estimate?.queue_seconds ?? 0)})`;
  return `${soon} left`;
}

function startHint(job) {
  if (job.local === "error" || job.local === "interrupted") return "";
  if (job.local) return "Start unlocks once the file is uploaded and stored.";
  if (job.status === "uploading") return "Start unlocks once the upload to storage is confirmed.";
  return "";
}

const ERROR_IDS = { error: "job-error", hintTitle: "job-hint-title", hintAdvice: "job-hint-advice", errorText: "job-error-text" };

/** Mount on the job view; returns {update(job, {estimate, now, lockOptions})}. */
export function mountJobView(root) {
  const r = refs(root, {
    title: "job-title", meta: "job-meta", status: "status-line", detail: "status-detail", expect: "status-expect",
    actions: "actions", dot: "status-dot", elapsed: "elapsed", progress: "progress", bar: "progress-bar",
    note: "job-note", start: "start-button", cancel: "cancel-button", retry: "retry-button", remove: "delete-job",
    hint: "start-hint", ...ERROR_IDS,
  });
  let current = null;
  for (const [name, button] of Object.entries({ start: r.start, cancel: r.cancel, retry: r.retry, delete: r.remove })) {
    button.addEventListener("click", () => current && emit(`job:${name}`, { key: current.key }));
  }

  function showStatus(job, estimate, now) {
    setText(r.title, job.filename);
    setText(r.meta, metaText(job));
    setText(r.status, statusLabel(job));
    setText(r.detail, statusDetail(job));
    show(r.detail, Boolean(statusDetail(job)));
    const expect = expectText(job, estimate, now);
    setText(r.expect, expect);
    show(r.expect, Boolean(expect));
    r.dot.className = `status-dot tone-${statusTone(job)}`;
    setText(r.elapsed, elapsedFor(job, now));
    const value = progressValue(job);
    show(r.progress, value !== null && job.status !== "completed");
    if (value !== null) {
      r.bar.style.setProperty("--value", `${value}%`);
      r.progress.setAttribute("aria-valuenow", String(Math.round(value)));
    }
  }

  function showError(job) {
    const error = (job.local === "error" && job.localError) || job.notice || (job.status === "failed" && job.error) || null;
    const hint = !job.notice && job.status === "failed" ? job.hint : null;
    show(r.error, Boolean(error));
    setText(r.hintTitle, hint?.title ?? "");
    show(r.hintTitle, Boolean(hint));
    setText(r.hintAdvice, hint?.advice ?? "");
    show(r.hintAdvice, Boolean(hint));
    setText(r.errorText, hint ? `Details: ${error}` : error || "");
    r.errorText.classList.toggle("small", Boolean(hint));
    const note = job.fallback_reason ? `Ran on this computer because ${job.fallback_reason}` : "";
    show(r.note, Boolean(note));
    setText(r.note, note);
  }

  function showActions(job, lockOptions) {
    const hadFocus = [r.start, r.cancel, r.retry].find((b) => b === document.activeElement);
    const notStarted = Boolean(job.local) || job.status === "uploading" || job.status === "uploaded";
    const broken = job.local === "error" || job.local === "interrupted";
    show(r.start, notStarted && !broken);
    r.start.disabled = !job.can_start;
    show(r.cancel, Boolean(job.can_cancel) || job.local === "sending" || job.local === "waiting");
    show(r.retry, Boolean(job.can_retry) || job.local === "error");
    show(r.actions, [r.start, r.cancel, r.retry].some((b) => !b.hidden));
    setText(r.hint, notStarted ? startHint(job) : "");
    // The options show before Start, and again before Retry when they are the way out.
    const fixable = job.status === "failed" && job.hint?.action === "options";
    lockOptions(!(notStarted && !broken) && !fixable);
    if (hadFocus && hadFocus.hidden) ([r.cancel, r.retry, r.start].find((b) => !b.hidden) ?? r.status).focus();
  }

  function update(job, { estimate = null, now = Date.now(), lockOptions = () => {} } = {}) {
    current = job;
    if (!job) return;
    showStatus(job, estimate, now);
    showError(job);
    showActions(job, lockOptions);
  }
  return { update };
}
