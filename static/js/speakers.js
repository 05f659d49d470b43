// Speakers: the legend (who, in which colour, how much they talk) and the speaker dialog a pill
// opens: rename (saved for every turn at once), reassign this turn, or merge everywhere.
// Emits speakers:rename {label, name} and edit {ops}.

import { emit } from "./bus.js";
import { el, setText, show } from "./dom.js";
import { durationText } from "./format.js";
import { displayName, speakerLabels, speakingTime } from "./transcript-model.js";

/** The next unused SPEAKER_NN label. */
export function newSpeakerLabel(labels) {
  let n = 0;
  const taken = new Set(labels);
  while (taken.has(`SPEAKER_${String(n).padStart(2, "0")}`)) n += 1;
  return `SPEAKER_${String(n).padStart(2, "0")}`;
}

/** Mount the legend and the dialog; returns {update(result, colors), open(detail)}. */
export function mountSpeakers(refs) {
  let result = null;
  let context = null;
  const { dialog } = refs;

  function options(select, labels, includeNew) {
    select.replaceChildren(...labels.map((label) => el("option", { value: label }, displayName(result.speakers, label))));
    if (includeNew) select.append(el("option", { value: "__new__" }, "A new speaker"));
  }

  function open({ label, segmentIds }) {
    if (!result) return;
    context = { label, segmentIds };
    const others = speakerLabels(result).filter((other) => other !== label);
    setText(refs.title, displayName(result.speakers, label));
    const turns = segmentIds.length === 1 ? "this turn has 1 segment" : `this turn has ${segmentIds.length} segments`;
    setText(refs.labelLine, `Label ${label} · ${turns}`);
    refs.name.value = displayName(result.speakers, label);
    options(refs.reassign, others, true);
    options(refs.merge, others, false);
    refs.mergeApply.disabled = others.length === 0;
    show(refs.more, true);
    dialog.showModal();
    refs.name.select();
  }

  refs.form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!context) return;
    const name = refs.name.value.trim() || context.label;
    dialog.close();
    if (name !== displayName(result.speakers, context.label)) {
      emit("speakers:rename", { label: context.label, name });
    }
  });
  refs.cancel.addEventListener("click", () => dialog.close());
  refs.reassignApply.addEventListener("click", () => {
    if (!context) return;
    let speaker = refs.reassign.value;
    if (speaker === "__new__") speaker = newSpeakerLabel(speakerLabels(result));
    dialog.close();
    emit("edit", { ops: context.segmentIds.map((id) => ({ op: "reassign", segment_id: id, speaker })) });
  });
  refs.mergeApply.addEventListener("click", () => {
    if (!context || !refs.merge.value) return;
    dialog.close();
    emit("edit", { ops: [{ op: "merge_speakers", source: context.label, target: refs.merge.value }] });
  });

  function update(next, colors) {
    result = next;
    const totals = speakingTime(next.segments);
    const all = [...totals.values()].reduce((a, b) => a + b, 0) || 1;
    const items = speakerLabels(next)
      .filter((label) => totals.has(label))
      .map((label) => {
        const seconds = totals.get(label);
        return el(
          "li",
          { title: `${durationText(seconds)} of speech` },
          el("span", { class: `swatch spk-${colors.get(label) ?? 0}`, "aria-hidden": "true" }),
          el("span", {}, displayName(next.speakers, label)),
          el("span", { class: "muted" }, `${Math.round((100 * seconds) / all)}%`),
        );
      });
    refs.legend.replaceChildren(...items);
    show(refs.legend, items.length > 0);
  }

  return { update, open };
}
