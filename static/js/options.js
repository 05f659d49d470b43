// The transcription options form: language, model, speakers, vocabulary. Defaults from
// GET /api/config; the values stay put between jobs so a batch is set up once.

import { el, refs } from "./dom.js";

/** Fill the form from the config; returns {read(), lock(locked), show(options)}. */
export function mountOptions(form, config) {
  const { language, model, diarize, minSpeakers, maxSpeakers, vocab, batch } = refs(form, {
    language: "opt-language", model: "opt-model", diarize: "opt-diarize", minSpeakers: "opt-min",
    maxSpeakers: "opt-max", vocab: "opt-vocab", batch: "opt-batch",
  });

  language.replaceChildren(el("option", { value: "" }, "Detect automatically"));
  for (const { code, name } of config.languages ?? []) {
    language.append(el("option", { value: code }, name));
  }
  language.value = config.default_language ?? "";
  if (language.value !== (config.default_language ?? "")) language.value = "";

  const models = config.models?.length ? config.models : [config.default_model].filter(Boolean);
  model.replaceChildren(...models.map((name) => el("option", { value: name }, name)));
  if (config.default_model) model.value = config.default_model;

  const canDiarize = config.diarization_available !== false;
  diarize.checked = canDiarize;
  diarize.disabled = !canDiarize;
  if (!canDiarize) diarize.parentElement.title = "The active engine cannot tell speakers apart.";
  const syncSpeakers = () => {
    minSpeakers.disabled = !diarize.checked;
    maxSpeakers.disabled = !diarize.checked;
  };
  diarize.addEventListener("change", syncSpeakers);
  syncSpeakers();
  form.addEventListener("submit", (event) => event.preventDefault());

  const count = (input) => {
    const value = Number.parseInt(input.value, 10);
    return Number.isFinite(value) && value > 0 ? value : null;
  };

  /** The POST /api/transcribe body, or throws Error with a sentence for the user. */
  function read() {
    const options = {
      language: language.value || null,
      model: model.value || undefined,
      diarize: diarize.checked,
    };
    if (diarize.checked) {
      const lo = count(minSpeakers);
      const hi = count(maxSpeakers);
      if (lo && hi && lo > hi) throw new Error("Min speakers is larger than max speakers.");
      if (lo) options.min_speakers = lo;
      if (hi) options.max_speakers = hi;
    }
    const prompt = vocab.value.trim();
    if (prompt) options.initial_prompt = prompt;
    const size = count(batch);
    if (size) options.batch_size = Math.min(64, size);
    return options;
  }

  /** Show a job's own options (before a Retry with changes). */
  function showValues(options) {
    if (!options) return;
    if (options.model && [...model.options].some((o) => o.value === options.model)) model.value = options.model;
    if (Number.isFinite(options.batch_size)) batch.value = String(options.batch_size);
  }

  function lock(locked) {
    form.classList.toggle("is-locked", locked);
    for (const control of form.elements) {
      if (control === diarize) control.disabled = locked || !canDiarize;
      else if (control === minSpeakers || control === maxSpeakers) control.disabled = locked || !diarize.checked;
      else control.disabled = locked;
    }
  }

  return { read, lock, showValues };
}
