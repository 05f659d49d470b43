// The speaker timeline: a bar across the whole recording with each speaker's stretches in their
// colour and the playhead. It is also the seek bar (click, or arrow keys when focused).

import { emit, on } from "./bus.js";
import { el } from "./dom.js";
import { clock } from "./format.js";
import { displayName, speakerSpans } from "./transcript-model.js";

/** Mount on the timeline element; returns {update(result, colors, duration)}. */
export function mountTimeline({ root, spansRoot, playhead }) {
  let length = 0;
  let time = 0;
  const progress = el("div", { class: "timeline-progress" });
  root.prepend(progress);

  function place(t) {
    time = t;
    const at = length > 0 ? `${Math.min(100, (100 * t) / length)}%` : "0%";
    playhead.style.setProperty("--at", at);
    progress.style.setProperty("--at", at);
    root.setAttribute("aria-valuenow", String(Math.round(t)));
    root.setAttribute("aria-valuetext", `${clock(t)} of ${clock(length)}`);
  }

  function setLength(duration) {
    if (!Number.isFinite(duration) || duration <= 0 || duration === length) return;
    length = duration;
    root.setAttribute("aria-valuemax", String(Math.round(length)));
    place(time);
  }

  root.addEventListener("click", (event) => {
    if (!length) return;
    const box = root.getBoundingClientRect();
    const share = Math.min(1, Math.max(0, (event.clientX - box.left) / box.width));
    emit("seek", { time: share * length });
  });
  root.addEventListener("keydown", (event) => {
    const steps = { ArrowLeft: -5, ArrowRight: 5, PageDown: -60, PageUp: 60 };
    if (event.key in steps && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      emit("seek", { time: time + steps[event.key] });
    } else if (event.key === "Home" || event.key === "End") {
      event.preventDefault();
      emit("seek", { time: event.key === "Home" ? 0 : length });
    }
  });
  on("player:tick", ({ time: t, duration }) => {
    setLength(duration);
    place(t);
  });

  /** Draw the speaker spans of a Result (or clear them when result is null). */
  function update(result, colors, duration) {
    setLength(duration);
    if (!result) {
      spansRoot.replaceChildren();
      return;
    }
    const total = length || result.duration || 0;
    const fragment = document.createDocumentFragment();
    if (total > 0) {
      for (const span of speakerSpans(result.segments)) {
        const node = el("div", {
          class: `timeline-span spk-${colors.get(span.speaker) ?? 0}`,
          title: `${displayName(result.speakers, span.speaker)} ${clock(span.start)}–${clock(span.end)}`,
        });
        node.style.setProperty("left", `${(100 * span.start) / total}%`);
        node.style.setProperty("width", `${Math.max(0.15, (100 * (span.end - span.start)) / total)}%`);
        fragment.append(node);
      }
    }
    spansRoot.replaceChildren(fragment);
  }
  return { update };
}
