// The speaker timeline: a bar across the whole recording with each speaker's stretches in their
// colour, time ticks under it, the time under the pointer, and the playhead. It is also the seek
// bar (click, or arrow keys when focused).

import { emit, on } from "./bus.js";
import { el, refs } from "./dom.js";
import { clock } from "./format.js";
import { displayName, speakerSpans } from "./transcript-model.js";

const TICK_STEPS = [10, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200];

/** A tick step giving at most `most` ticks over `length` seconds. */
export function tickStep(length, most = 10) {
  return TICK_STEPS.find((step) => length / step <= most) ?? TICK_STEPS.at(-1);
}

/** Where a key on the focused timeline moves the playhead, or null for other keys. */
function keyTarget(event, time, length) {
  const steps = { ArrowLeft: -5, ArrowRight: 5, PageDown: -60, PageUp: 60 };
  if (event.ctrlKey || event.metaKey) return null;
  if (event.key in steps) return time + steps[event.key];
  if (event.key === "Home") return 0;
  if (event.key === "End") return length;
  return null;
}

/** Mount on the timeline's wrapper; returns {update(result, colors, duration)}. */
export function mountTimeline(root) {
  const r = refs(root, { bar: "timeline", spans: "timeline-spans", playhead: "timeline-playhead", ticks: "timeline-ticks", hover: "timeline-hover" });
  let length = 0;
  let time = 0;
  const progress = el("div", { class: "timeline-progress" });
  r.bar.prepend(progress);

  function place(t) {
    time = t;
    const at = length > 0 ? `${Math.min(100, (100 * t) / length)}%` : "0%";
    r.playhead.style.setProperty("--at", at);
    progress.style.setProperty("--at", at);
    r.bar.setAttribute("aria-valuenow", String(Math.round(t)));
    r.bar.setAttribute("aria-valuetext", `${clock(t)} of ${clock(length)}`);
  }

  function drawTicks() {
    const step = tickStep(length);
    const ticks = [];
    for (let t = step; t < length - step / 3; t += step) {
      const tick = el("span", { class: "tick" }, clock(t));
      tick.style.setProperty("--at", `${(100 * t) / length}%`);
      ticks.push(tick);
    }
    r.ticks.replaceChildren(...ticks);
  }

  function setLength(duration) {
    if (!Number.isFinite(duration) || duration <= 0 || duration === length) return;
    length = duration;
    r.bar.setAttribute("aria-valuemax", String(Math.round(length)));
    drawTicks();
    place(time);
  }

  const share = (event) => {
    const box = r.bar.getBoundingClientRect();
    return Math.min(1, Math.max(0, (event.clientX - box.left) / box.width));
  };
  r.bar.addEventListener("click", (event) => length && emit("seek", { time: share(event) * length }));
  r.bar.addEventListener("pointermove", (event) => {
    if (!length) return;
    r.hover.textContent = clock(share(event) * length);
    r.hover.style.setProperty("--at", `${100 * share(event)}%`);
    r.hover.hidden = false;
  });
  r.bar.addEventListener("pointerleave", () => (r.hover.hidden = true));
  r.bar.addEventListener("keydown", (event) => {
    const target = keyTarget(event, time, length);
    if (target === null) return;
    event.preventDefault();
    emit("seek", { time: target });
  });
  on("player:tick", ({ time: t, duration }) => {
    setLength(duration);
    place(t);
  });

  function spanNode(result, colors, span, total) {
    const who = displayName(result.speakers, span.speaker);
    const node = el("div", { class: `timeline-span spk-${colors.get(span.speaker) ?? 0}`, title: `${who} ${clock(span.start)}–${clock(span.end)}` });
    node.style.setProperty("left", `${(100 * span.start) / total}%`);
    node.style.setProperty("width", `${Math.max(0.15, (100 * (span.end - span.start)) / total)}%`);
    return node;
  }

  /** Draw the speaker spans of a Result (or clear them when result is null). */
  function update(result, colors, duration) {
    setLength(duration);
    const total = length || result?.duration || 0;
    if (!result || total <= 0) {
      r.spans.replaceChildren();
      return;
    }
    r.spans.replaceChildren(...speakerSpans(result.segments).map((span) => spanNode(result, colors, span, total)));
  }
  return { update };
}
