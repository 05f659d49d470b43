// Speakers: the legend (who, in which colour, how much they talk) and the speaker dialog a pill
// opens: rename (saved for every turn at once), reassign this turn, or merge everywhere.
// Emits speakers:rename {label, name} and edit {ops}.

import { emit } from "./bus.js";
import { el, refs, setText, show } from "./dom.js";
import { durationText } from "./format.js";
import { displayName, speakerLabels, speakingTime } from "./transcript-model.js";

/** The next unused SPEAKER_NN label. */
export function newSpeakerLabel(labels) {
  let n = 0;
  const taken = new Set(labels);
  while (taken.has(`SPEAKER_${String(n).padStart(2, "0")}`)) n += 1;
  return `SPEAKER_${String(n).padStart(2, "0")}`;
}

/** Mount on the speaker dialog and the legend; returns {update(result, colors), open(detail)}. */
export function mountSpeakers(dialog, legend) {
  const r = refs(dialog, {
    form: "speaker-form", title: "speaker-dialog-title", labelLine: "speaker-dialog-label", name: "speaker-name",
    cancel: "speaker-cancel", more: "speaker-more", reassign: "speaker-reassign", reassignApply: "speaker-reassign-apply",
    merge: "speaker-merge", mergeApply: "speaker-merge-apply",
  });
  let result = null;
  let context = null;
  // Focus goes back to what opened the dialog (a pill, or the segment whose menu did).
  dialog.addEventListener("close", () => {
    if (context?.opener?.isConnected) context.opener.focus();
  });

  function options(select, labels, includeNew) {
    select.replaceChildren(...labels.map((label) => el("option", { value: label }, displayName(result.speakers, label))));
    if (includeNew) select.append(el("option", { value: "__new__" }, "A new speaker"));
  }

  function open({ label, segmentIds, opener = null }) {
    if (!result) return;
    context = { label, segmentIds, opener };
    const others = speakerLabels(result).filter((other) => other !== label);
    setText(r.title, displayName(result.speakers, label));
    const turns = segmentIds.length === 1 ? "this turn has 1 segment" : `this turn has ${segmentIds.length} segments`;
    setText(r.labelLine, `Label ${label} · ${turns}`);
    r.name.value = displayName(result.speakers, label);
    options(r.reassign, others, true);
    options(r.merge, others, false);
    r.mergeApply.disabled = others.length === 0;
    show(r.more, true);
    dialog.showModal();
    r.name.select();
  }

  r.form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!context) return;
    const name = r.name.value.trim() || context.label;
    dialog.close();
    if (name !== displayName(result.speakers, context.label)) {
      emit("speakers:rename", { label: context.label, name });
    }
  });
  r.cancel.addEventListener("click", () => dialog.close());
  r.reassignApply.addEventListener("click", () => {
    if (!context) return;
    let speaker = r.reassign.value;
    if (speaker === "__new__") speaker = newSpeakerLabel(speakerLabels(result));
    dialog.close();
    emit("edit", { ops: context.segmentIds.map((id) => ({ op: "reassign", segment_id: id, speaker })) });
  });
  r.mergeApply.addEventListener("click", () => {
    if (!context || !r.merge.value) return;
    dialog.close();
    emit("edit", { ops: [{ op: "merge_speakers", source: context.label, target: r.merge.value }] });
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
    legend.replaceChildren(...items);
    show(legend, items.length > 0);
  }

  return { update, open };
}
