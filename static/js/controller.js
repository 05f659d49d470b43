// The controller: turns user intents (bus events) into API calls and API answers into component
// updates. It owns the selection and the selected job's Result; uploads are in uploads.js.

import { api, audioUrl, followEvents } from "./api.js";
import { on } from "./bus.js";
import { confirmDialog } from "./confirm.js";
import { setText, show } from "./dom.js";
import { isActive } from "./format.js";
import { JobStore } from "./jobs.js";
import { speakerColors, speakerLabels } from "./transcript-model.js";
import { createUploads } from "./uploads.js";

const UNREACHABLE = 0; // ApiError.status when the panel did not answer at all

/** Wire the controller over mounted components `ui` and the page's sections `page`. */
export function createController(ui, page) {
  const store = new JobStore();
  const state = { selected: null, result: null, loading: null, estimates: new Map(), timings: {} };
  const uploads = createUploads(store, { changed: refresh, uploaded: promote });

  const selectedJob = () => (state.selected ? store.get(state.selected) : null);

  function banner(message) {
    setText(page.bannerText, message);
    show(page.banner, Boolean(message));
  }

  /** Re-draw everything from the store (every component's update is idempotent). */
  function refresh() {
    ui.jobList.update(store.list(), state.selected);
    const job = selectedJob();
    show(page.empty, !job);
    setText(page.emptyTitle, store.jobs.size ? "Choose a job, or drop another recording" : "Drop an interview to begin");
    show(page.jobView, Boolean(job));
    ui.title.update(job);
    if (!job) {
      ui.player.setSource(null);
      return;
    }
    const estimate = state.estimates.get(job.key) ?? null;
    ui.jobView.update(job, { estimate, lockOptions: (locked) => ui.options.lock(locked) });
    const src = store.audio.get(job.key) ?? (job.local ? null : audioUrl(job.job_id));
    show(page.player, Boolean(src));
    ui.player.setSource(src, job.duration ?? state.result?.duration);
    show(page.reviewBar, Boolean(state.result));
    show(page.review, Boolean(state.result));
    if (job.has_result && !state.result && !state.loading) loadResult(job.key);
    if (!job.local && !state.estimates.has(job.key) && (job.status === "uploaded" || isActive(job))) loadEstimate(job.key);
  }

  function select(key) {
    if (key === state.selected) return;
    Object.assign(state, { selected: key, result: null, loading: null });
    ui.transcript.clear();
    ui.timeline.update(null);
    ui.reviewTools.closeFind();
    show(page.reviewError, false);
    const job = store.get(key);
    if (job && !job.local) history.replaceState(null, "", `#job=${job.job_id}`);
    else if (!job) history.replaceState(null, "", location.pathname);
    if (job?.status === "failed") ui.options.showValues(job.options);
    refresh();
    page.desk.scrollTop = 0;
  }

  async function loadEstimate(key) {
    state.estimates.set(key, null);
    try {
      state.estimates.set(key, await api.estimate(key));
      if (state.selected === key) refresh();
    } catch {
      state.estimates.delete(key); // no estimate is shown; the job itself is unaffected
    }
  }

  async function loadResult(key) {
    const t0 = performance.now();
    const loading = api.result(key);
    state.loading = loading;
    try {
      const data = await loading;
      if (state.loading !== loading || state.selected !== key) return;
      state.timings.fetched = performance.now() - t0;
      applyResult(data);
      state.timings.applied = performance.now() - t0;
      await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
      state.timings.rendered = performance.now() - t0;
    } catch (error) {
      if (state.selected === key) reviewNotice(`The transcript could not be loaded: ${error.message}`);
    } finally {
      if (state.loading === loading) state.loading = null;
    }
  }

  /** Every edit answers the whole new Result: re-render from it. */
  function applyResult(data) {
    state.result = data;
    const colors = speakerColors(speakerLabels(data));
    refresh(); // the review shows before the transcript renders, so its size is known
    ui.transcript.update(data, colors);
    ui.timeline.update(data, colors, ui.player.duration() ?? data.duration);
    ui.speakers.update(data, colors);
    ui.reviewTools.update(data);
    ui.downloads.setJob(data.job_id);
  }

  let noticeTimer = 0;
  /** An edit went wrong: say so in a toast over the transcript (where the user is working). */
  function reviewNotice(message) {
    setText(page.reviewError, message);
    show(page.reviewError, Boolean(message));
    clearTimeout(noticeTimer);
    noticeTimer = setTimeout(() => show(page.reviewError, false), 10_000);
    if (!state.result) banner(message);
  }

  /** A refused action goes on the job's card; "the panel is not reachable" goes to the top bar. */
  function jobNotice(key, error) {
    if (error.status === UNREACHABLE) {
      connectionLost(true);
      return;
    }
    store.patch(key, { notice: error.message });
    refresh();
  }

  let probe = 0;
  /** Show "Connection lost" until the panel answers again (asked every few seconds). */
  function connectionLost(lost) {
    show(page.connection, lost);
    clearTimeout(probe);
    if (lost) probe = setTimeout(() => api.config().then(() => reconnected(true), () => connectionLost(true)), 3000);
  }

  function promote(key, jobOut) {
    const job = store.promote(key, jobOut);
    if (state.selected === key) {
      state.selected = null; // the row changed its key; select it again under the job id
      select(job.key);
    }
    refresh();
  }

  wireActions({ store, state, ui, page, uploads, select, refresh, jobNotice, banner });
  wireEdits({ state, ui, applyResult, reviewNotice, jobNotice, banner });

  function onJobEvent(jobOut) {
    const key = jobOut.job_id;
    const { before, job } = store.upsert(jobOut);
    if (job.status === "transcribing" && before?.status !== "transcribing") store.patch(key, { runningSince: new Date().toISOString() });
    else if (before?.runningSince && job.status === before.status) store.patch(key, { runningSince: before.runningSince });
    const ended = before && isActive(before) && ["completed", "failed"].includes(job.status);
    if (ended) ui.title.finished(job);
    if (key === state.selected && job.status === "completed" && before?.status !== "completed") {
      state.result = null;
      loadResult(key);
    }
    if (key === state.selected && before?.status === "completed" && job.status !== "completed") {
      state.result = null;
      ui.transcript.clear();
    }
    if (key === state.selected && job.status === "failed" && before?.status !== "failed") ui.options.showValues(job.options);
    refresh();
  }

  async function boot() {
    try {
      const { jobs } = await api.jobs();
      for (const job of jobs) store.upsert(job);
    } catch (error) {
      banner(`The job list could not be loaded: ${error.message}`);
    }
    await uploads.restore();
    const wanted = /^#job=([a-z0-9]{12})$/.exec(location.hash)?.[1];
    if (wanted && store.get(wanted)) select(wanted);
    refresh();
    followEvents({
      job: onJobEvent,
      deleted: ({ job_id: id }) => forgetJob(store, state, select, refresh, id),
      connection: (up) => reconnected(up),
    });
    // The elapsed time and time left of a running job tick once a second.
    setInterval(() => {
      const job = selectedJob();
      if (job && (isActive(job) || job.local === "sending")) refresh();
    }, 1000);
  }

  /** Back online: notices that only said the panel was unreachable are out of date. */
  function reconnected(up) {
    connectionLost(!up);
    if (!up) return;
    for (const job of store.list()) if (job.notice && /not reachable/.test(job.notice)) store.patch(job.key, { notice: null });
    refresh();
  }

  return { boot, select, loadResult, state };
}

function forgetJob(store, state, select, refresh, key) {
  store.remove(key);
  if (state.selected === key) select(store.list()[0]?.key ?? null);
  refresh();
}

/** Start, cancel, retry, delete, select and the file drop. */
function wireActions({ store, state, ui, page, uploads, select, refresh, jobNotice }) {
  async function act(key, fn) {
    store.patch(key, { notice: null });
    try {
      const jobOut = await fn();
      if (jobOut) store.upsert(jobOut);
      refresh();
    } catch (error) {
      jobNotice(key, error);
    }
  }

  on("files:chosen", ({ files }) => select(uploads.add(files)[0]));
  on("job:select", ({ id }) => select(id));
  on("job:start", ({ key }) => {
    let options;
    try {
      options = ui.options.read();
    } catch (error) {
      jobNotice(key, error);
      return;
    }
    ui.title.askLater();
    act(key, () => api.start(key, options));
  });
  on("job:cancel", ({ key }) => (store.get(key)?.local ? uploads.cancel(key) : act(key, () => api.cancel(key))));
  on("job:retry", ({ key }) => {
    const job = store.get(key);
    if (job?.local === "error") return uploads.retry(key);
    if (!job || job.status === "completed") return;
    state.result = null;
    // After running out of GPU memory the options are shown; Retry sends what they say now.
    if (job.hint?.action === "options") act(key, () => api.retryWith(key, ui.options.read()));
    else act(key, () => api.retry(key));
  });
  on("job:delete", async ({ key }) => {
    const job = store.get(key);
    if (!job) return;
    if (job.local) return uploads.cancel(key).then(() => state.selected === key && select(store.list()[0]?.key ?? null));
    const message = `“${job.filename}” — its audio, transcript and exports are removed from this computer and from storage.`;
    const yes = await confirmDialog(page.confirm, { heading: "Delete this job?", message, action: "Delete" });
    if (!yes) return;
    try {
      await api.remove(key);
      forgetJob(store, state, select, refresh, key);
    } catch (error) {
      jobNotice(key, error);
    }
  });
}

/** Review edits: text, speakers, undo; notices from components. */
function wireEdits({ state, ui, applyResult, reviewNotice, jobNotice, banner }) {
  async function editCall(fn) {
    if (!state.selected || !state.result) return;
    const key = state.selected;
    try {
      const data = await fn(key);
      if (state.selected === key && data) applyResult(data);
    } catch (error) {
      if (state.selected === key) reviewNotice(error.message);
    }
  }
  on("speakers:rename", ({ label, name }) => editCall((key) => api.rename(key, { [label]: name })));
  on("edit", ({ op, ops }) =>
    editCall(async (key) => {
      let last = null;
      for (const one of ops ?? [op]) last = await api.edit(key, one);
      return last;
    }),
  );
  on("undo", () => state.result?.can_undo && editCall((key) => api.undo(key)));
  on("speaker:open", (detail) => ui.speakers.open(detail));
  on("notice", ({ message }) => {
    if (state.selected) jobNotice(state.selected, { message, status: 400 });
    else banner(message);
  });
}
