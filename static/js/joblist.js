// The job list in the sidebar: one button per job with name, length, status badge and progress.
// update(jobs, selectedId) is idempotent: rows are kept per job and only their text changes.

import { emit } from "./bus.js";
import { el, refs, setText, show } from "./dom.js";
import { badgeText, bytesText, durationText, progressValue, statusTone } from "./format.js";

function buildRow(key) {
  const name = el("span", { class: "job-name" });
  const badge = el("span", { class: "badge" });
  const sub = el("span", { class: "job-sub" });
  const bar = el("div", { class: "progress-bar" });
  const progress = el("div", { class: "progress", "aria-hidden": "true" }, bar);
  const button = el("button", { type: "button", class: "job-item" }, name, badge, sub, progress);
  button.addEventListener("click", () => emit("job:select", { id: key }));
  return { li: el("li", {}, button), button, name, badge, sub, bar, progress };
}

function fillRow(row, job, selected) {
  setText(row.name, job.filename);
  row.button.title = job.filename;
  setText(row.badge, badgeText(job));
  row.badge.className = `badge tone-${statusTone(job)}`;
  const facts = [durationText(job.duration), bytesText(job.size)].filter(Boolean);
  if (job.status === "failed") facts.push(job.hint?.title ?? job.error ?? "");
  if (job.local === "error" && job.localError) facts.push(job.localError);
  setText(row.sub, facts.filter(Boolean).join(" · "));
  // Read as "name, status, duration" rather than one run-on string.
  const spoken = [job.filename, badgeText(job), durationText(job.duration)].filter(Boolean).join(", ");
  row.button.setAttribute("aria-label", spoken);
  const value = progressValue(job);
  show(row.progress, value !== null && job.status !== "completed");
  if (value !== null) row.bar.style.setProperty("--value", `${value}%`);
  row.button.setAttribute("aria-current", selected ? "true" : "false");
}

/** Mount on the sidebar; returns {update(jobs, selectedId)}. `jobs` is newest first. */
export function mountJobList(root) {
  const { list, empty } = refs(root, { list: "job-list", empty: "jobs-empty" });
  const rows = new Map();
  function update(jobs, selectedId) {
    const keep = new Set(jobs.map((job) => job.key));
    for (const [key, row] of rows) {
      if (!keep.has(key)) {
        row.li.remove();
        rows.delete(key);
      }
    }
    jobs.forEach((job, position) => {
      let row = rows.get(job.key);
      if (!row) {
        row = buildRow(job.key);
        rows.set(job.key, row);
      }
      fillRow(row, job, job.key === selectedId);
      if (list.children[position] !== row.li) list.insertBefore(row.li, list.children[position] ?? null);
    });
    show(empty, jobs.length === 0);
  }
  return { update };
}
