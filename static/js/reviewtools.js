// The review bar that stays in view over the transcript: "Needs review (N)" steps through flagged
// segments, Find (find.js), Undo, go to a time (h:mm:ss), and the low-confidence underline toggle.

import { emit } from "./bus.js";
import { refs, setText, show } from "./dom.js";
import { mountFind } from "./find.js";
import { parseClock } from "./format.js";
import { flaggedSegments } from "./transcript-model.js";

/** Mount on the review bar's root; `view` is the transcript component. Returns {update, closeFind}. */
export function mountReviewTools(root, view, transcriptRoot) {
  const r = refs(root, { reviewNext: "review-next", undo: "undo-button", lowconf: "lowconf-toggle", goto: "goto-form", gotoInput: "goto-input" });
  const find = mountFind(root, view);
  const flags = { list: [], cursor: -1 };

  r.reviewNext.addEventListener("click", () => {
    if (!flags.list.length) return;
    flags.cursor = (flags.cursor + 1) % flags.list.length;
    view.jumpToSegment(flags.list[flags.cursor]);
  });
  r.undo.addEventListener("click", () => emit("undo"));
  r.lowconf.addEventListener("change", () => transcriptRoot.classList.toggle("lowconf", r.lowconf.checked));
  r.goto.addEventListener("submit", (event) => {
    event.preventDefault();
    goTo(r.gotoInput, view);
  });
  r.gotoInput.addEventListener("input", () => r.gotoInput.setCustomValidity(""));

  function update(result) {
    flags.list = result ? flaggedSegments(result.segments) : [];
    if (flags.cursor >= flags.list.length) flags.cursor = -1;
    show(r.reviewNext, flags.list.length > 0);
    setText(r.reviewNext, `Needs review (${flags.list.length})`);
    r.undo.disabled = !result?.can_undo;
  }

  return { update, closeFind: () => find.close() };
}

/** Move the playhead to the time written in `input` and bring its segment into view. */
function goTo(input, view) {
  const time = parseClock(input.value);
  input.setCustomValidity(time === null ? "Write a time like 1:30:00" : "");
  if (time === null) {
    input.reportValidity();
    return;
  }
  emit("seek", { time });
  const position = view.segmentAt(time);
  if (position >= 0) view.jumpToSegment(position);
}
