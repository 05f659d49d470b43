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
