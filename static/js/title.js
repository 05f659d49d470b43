// The tab shows how the work goes, for a user in another tab: the title carries the state and
// progress ("42% Transcribing · talk.m4a"), the favicon a ring that fills, and a notification
// says when a transcript is ready (if the user allowed notifications when starting).

import { badgeText, progressValue, statusTone } from "./format.js";

const BASE = "Scribedesk";
const TONES = { busy: "#3451c7", ready: "#8a5a00", done: "#1a6b34", error: "#b42318", idle: "#5d6776" };

function titleFor(job) {
  if (!job) return BASE;
  const value = progressValue(job);
  const busy = statusTone(job) === "busy";
  const mark = { done: "✓ ", error: "✕ " }[statusTone(job)] ?? "";
  const share = busy && value !== null ? `${Math.round(value)}% ` : "";
  return `${mark}${share}${badgeText(job)} · ${job.filename} — ${BASE}`;
}

function iconFor(job) {
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = 32;
  const g = canvas.getContext("2d");
  if (!g) return "data:,";
  const tone = job ? statusTone(job) : "idle";
  const share = job ? (progressValue(job) ?? (tone === "busy" ? 0.15 * 100 : 100)) / 100 : 1;
  g.lineWidth = 6;
  g.strokeStyle = "#c5cbd4";
  g.beginPath();
  g.arc(16, 16, 12, 0, 2 * Math.PI);
  g.stroke();
  g.strokeStyle = TONES[tone];
  g.beginPath();
  g.arc(16, 16, 12, -Math.PI / 2, -Math.PI / 2 + 2 * Math.PI * Math.max(0.05, share));
  g.stroke();
  return canvas.toDataURL("image/png");
}

/** Mount on the page's favicon link; returns {update(job), finished(job), askLater()}. */
export function mountTitle(link) {
  let shown = "";
  function update(job) {
    const title = titleFor(job);
    document.title = title;
    const key = job ? `${statusTone(job)}|${Math.round(progressValue(job) ?? -1)}` : "none";
    if (key !== shown) {
      shown = key;
      link.href = job ? iconFor(job) : "data:,";
    }
  }
  /** A job the user waited for is done: tell them if they look elsewhere and allowed it. */
  function finished(job) {
    if (!document.hidden || !("Notification" in window) || Notification.permission !== "granted") return;
    const ok = job.status === "completed";
    new Notification(ok ? "Transcript ready" : "Transcription failed", { body: job.filename, tag: job.key });
  }
  /** Asked on Start (a user gesture), never on load. */
  function askLater() {
    if ("Notification" in window && Notification.permission === "default") Notification.requestPermission().catch(() => {});
  }
  return { update, finished, askLater };
}
