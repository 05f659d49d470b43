// Pure formatting helpers: clock times, durations, sizes, status words. No DOM, tested in node.

const pad = (n) => String(n).padStart(2, "0");

/** "03:07" for 187 s, "1:02:03" past an hour; "--:--" when the time is unknown. */
export function clock(seconds) {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) {
    return "--:--";
  }
  const total = Math.floor(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${pad(m)}:${pad(s)}`;
}

/** A recording length in words a person reads at a glance: "42 s", "3 min 07 s", "1 h 05 min". */
export function durationText(seconds) {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return "";
  const total = Math.round(seconds);
  if (total < 60) return `${total} s`;
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  if (h > 0) return `${h} h ${pad(m)} min`;
  return `${m} min ${pad(total % 60)} s`;
}

/** "812 KB", "8.2 MB", "1.4 GB". */
export function bytesText(bytes) {
  if (!Number.isFinite(bytes) || bytes < 0) return "";
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = value < 10 ? 1 : 0;
  return `${value.toFixed(digits)} ${units[unit]}`;
}

/** Elapsed wall time between two instants (ms or ISO strings) as "0:42" or "1:02:03". */
export function elapsedText(fromIso, toMs) {
  const from = typeof fromIso === "number" ? fromIso : Date.parse(fromIso ?? "");
  if (!Number.isFinite(from) || !Number.isFinite(toMs)) return "";
  const seconds = Math.max(0, Math.floor((toMs - from) / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
}

const pct = (progress) => `${Math.max(0, Math.min(100, Math.round(progress ?? 0)))}%`;

/**
 * The status line in words for a job, the same words whatever engine runs it. `job.local`
 * describes the browser's own upload (before the server has a job row). The server's own `step`
 * text (e.g. "Waiting for a RunPod worker…") is shown under it by statusDetail.
 */
export function statusLabel(job) {
  if (!job) return "";
  if (job.local === "waiting") return "Waiting to upload…";
  if (job.local === "sending") return `Uploading file… ${pct(job.localProgress)}`;
  if (job.local === "error") return "Upload failed";
  if (job.local === "interrupted") return "Upload interrupted";
  const server = job.status_label ?? job.label; // the server's words (jobs/lifecycle.py)
  if (typeof server === "string" && server) return server;
  return fallbackLabel(job);
}

/** Today's wording, for a server that does not send `label` yet. */
function fallbackLabel(job) {
  const local = job.engine === "local";
  switch (job.status) {
    case "uploading":
      return `Uploading to cloud… ${pct(job.progress)}`;
    case "uploaded":
      return "Ready to transcribe";
    case "queued":
      return local ? "Queued…" : "Queued (waiting for GPU)…";
    case "transcribing":
      if (local) return job.progress > 0 ? `Transcribing locally… ${pct(job.progress)}` : "Transcribing locally…";
      return job.progress > 0 ? `Transcribing on cloud GPU… ${pct(job.progress)}` : "Transcribing on cloud GPU…";
    case "processing":
      return "Processing results…";
    case "completed":
      return "Done ✓";
    case "failed":
      return "Failed";
    case "cancelled":
      return "Cancelled";
    default:
      return job.step || "";
  }
}

/** The server's step text when it adds something to the status line, else "". */
export function statusDetail(job) {
  if (!job || job.local || !job.step) return "";
  if (["completed", "failed", "cancelled", "uploaded"].includes(job.status)) return "";
  const step = job.step.trim();
  const label = statusLabel(job);
  const bare = (text) => text.replace(/[…%\d\s.]+$/u, "").toLowerCase();
  return bare(step) === bare(label) ? "" : step;
}

/** A short badge word for the job list. */
export function badgeText(job) {
  if (job.local === "waiting") return "Waiting";
  if (job.local === "sending") return "Uploading";
  if (job.local === "error") return "Error";
  if (job.local === "interrupted") return "Interrupted";
  if (typeof job.status_word === "string" && job.status_word) return job.status_word;
  const words = {
    uploading: "Uploading",
    uploaded: "Ready",
    queued: "Queued",
    transcribing: "Transcribing",
    processing: "Processing",
    completed: "Done",
    failed: "Failed",
    cancelled: "Cancelled",
  };
  return words[job.status] ?? job.status ?? "";
}

/** The colour family of a status: busy, ready, done, error or idle. */
export function statusTone(job) {
  if (job.local === "error") return "error";
  if (job.local) return "busy";
  switch (job.status) {
    case "uploaded":
      return "ready";
    case "completed":
      return "done";
    case "failed":
      return "error";
    case "cancelled":
      return "idle";
    default:
      return "busy";
  }
}

/** Progress 0-100 to draw for a job, or null when no bar should show. */
export function progressValue(job) {
  if (job.local === "sending") return job.localProgress ?? 0;
  if (job.local) return null;
  if (job.status === "uploading") return job.progress ?? 0;
  if (job.status === "transcribing" && job.progress > 0) return job.progress;
  if (job.status === "completed") return 100;
  return null;
}

/** True while the server is working on the job (the elapsed clock runs). */
export function isActive(job) {
  return ["queued", "transcribing", "processing"].includes(job.status) && !job.local;
}

/** Speed shown next to the player: "1×", "1.25×". */
export function rateText(rate) {
  return `${Number(rate.toFixed(2))}×`;
}

/** "1:30:02", "90:02", "5400" or "1h30m" -> seconds; null when it is not a time. */
export function parseClock(text) {
  const value = String(text ?? "").trim();
  if (!value) return null;
  const units = /^(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?\s*(?:(\d+(?:\.\d+)?)\s*s)?$/i.exec(value);
  if (units && (units[1] || units[2] || units[3])) {
    return Number(units[1] ?? 0) * 3600 + Number(units[2] ?? 0) * 60 + Number(units[3] ?? 0);
  }
  if (!/^\d+(?::\d{1,2}){0,2}(?:\.\d+)?$/.test(value)) return null;
  const parts = value.split(":").map(Number);
  if (parts.slice(1).some((part) => part >= 60)) return null;
  return parts.reduce((total, part) => total * 60 + part, 0);
}

/** "about 4 min", "about 1 h 10 min", "under a minute". */
export function aboutText(seconds) {
  if (!Number.isFinite(seconds) || seconds < 0) return "";
  if (seconds < 60) return "under a minute";
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `about ${minutes} min`;
  return `about ${Math.floor(minutes / 60)} h ${pad(minutes % 60)} min`;
}

/** "≈ $0.08"; "free" on this computer; "" when the price is unknown. */
export function costText(usd) {
  if (usd === 0) return "free";
  if (!Number.isFinite(usd)) return "";
  return usd < 0.01 ? "≈ under $0.01" : `≈ $${usd.toFixed(2)}`;
}

/** The expectation before Start: "Expected: about 7 min · ≈ $0.08 (from 5 runs on this panel)". */
export function estimateText(estimate) {
  if (!estimate) return "";
  const parts = [aboutText(estimate.seconds), costText(estimate.cost_usd)].filter(Boolean);
  const basis = estimate.runs > 0 ? `from ${estimate.runs} earlier run${estimate.runs === 1 ? "" : "s"} on this panel` : "a typical figure";
  return `Expected: ${parts.join(" · ")} (${basis})`;
}

/**
 * Time left for a running job, in seconds: from its progress when the engine reports it, else from
 * the estimate minus the time already spent. `waited` and `ran` are seconds so far.
 */
export function timeLeft(job, estimate, waited, ran) {
  if (job.status === "queued") return estimate ? Math.max(0, estimate.seconds - waited) : null;
  if (job.status !== "transcribing") return null;
  const share = (job.progress ?? 0) / 100;
  if (share > 0.02 && ran > 5) return (ran * (1 - share)) / share;
  return estimate ? Math.max(0, estimate.run_seconds - ran) : null;
}

/** While uploading: "12.3 MB of 80.0 MB · about 1 min left". */
export function uploadFacts(sent, total, bytesPerSecond) {
  if (!Number.isFinite(total) || total <= 0) return "";
  const facts = `${(sent / 1048576).toFixed(1)} MB of ${(total / 1048576).toFixed(1)} MB`;
  if (!(bytesPerSecond > 0) || sent >= total) return facts;
  const left = (total - sent) / bytesPerSecond;
  return `${facts} · ${left < 60 ? `${Math.max(1, Math.round(left))} s` : aboutText(left)} left`;
}
