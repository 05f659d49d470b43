// The controller: turns user intents (bus events) into API calls and API answers into component
// updates. It owns the selection and the selected job's Result; uploads are in uploads.js.

import { api, audioUrl, followEvents } from "./api.js";
import { emit, on } from "./bus.js";
import { confirmDialog } from "./confirm.js";
import { setText, show } from "./dom.js";
import { isActive } from "./format.js";
import { JobStore } from "./jobs.js";
import { speakerColors, speakerLabels } from "./transcript-model.js";
import { createUploads } from "./uploads.js";

const UNREACHABLE = 0; // ApiError.status when the panel did not answer at all

/** Wire the controller over mounted components `ui` and the page's sections `page`. */
export function createController(ui, page) {
  const controller = new Controller(ui, page);
  const { store, state, uploads } = controller;
  const select = (key) => controller.select(key);
  const refresh = () => controller.refresh();
  const jobNotice = (key, error) => controller.jobNotice(key, error);
  wireActions({ store, state, ui, page, uploads, select, refresh, jobNotice });
  wireEdits({ state, ui, applyResult: (data) => controller.applyResult(data), reviewNotice: (m) => controller.reviewNotice(m), jobNotice, banner: (m) => controller.banner(m) });
  return controller;
}

class Controller {
  constructor(ui, page) {
    Object.assign(this, { ui, page, store: new JobStore(), noticeTimer: 0, probe: 0 });
    this.state = { selected: null, result: null, loading: null, estimates: new Map(), timings: {} };
    this.uploads = createUploads(this.store, { changed: () => this.refresh(), uploaded: (key, jobOut) => this.promote(key, jobOut) });
  }

  selectedJob() {
    return this.state.selected ? this.store.get(this.state.selected) : null;
  }

  banner(message) {
    setText(this.page.bannerText, message);
    show(this.page.banner, Boolean(message));
  }

  /** Re-draw everything from the store (every component's update is idempotent). */
  refresh() {
    const { ui, page, store, state } = this;
    ui.jobList.update(store.list(), state.selected);
    const job = this.selectedJob();
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
    if (job.has_result && !state.result && !state.loading) this.loadResult(job.key);
    if (!job.local && !state.estimates.has(job.key) && (job.status === "uploaded" || isActive(job))) this.loadEstimate(job.key);
  }

  select(key) {
    const { ui, page, state } = this;
    if (key === state.selected) return;
    Object.assign(state, { selected: key, result: null, loading: null });
    ui.transcript.clear();
    ui.timeline.update(null);
    ui.reviewTools.closeFind();
    show(page.reviewError, false);
    const job = this.store.get(key);
    if (job && !job.local) history.replaceState(null, "", `#job=${job.job_id}`);
    else if (!job) history.replaceState(null, "", location.pathname);
    if (job?.status === "failed") ui.options.showValues(job.options);
    this.refresh();
    page.desk.scrollTop = 0;
  }

  async loadEstimate(key) {
    const { estimates } = this.state;
    estimates.set(key, null);
    try {
      estimates.set(key, await api.estimate(key));
      if (this.state.selected === key) this.refresh();
    } catch {
      estimates.delete(key); // no estimate is shown; the job itself is unaffected
    }
  }

  async loadResult(key) {
    const { state } = this;
    const t0 = performance.now();
    const loading = api.result(key);
    state.loading = loading;
    try {
      const data = await loading;
      if (state.loading !== loading || state.selected !== key) return;
      state.timings.fetched = performance.now() - t0;
      this.applyResult(data);
      state.timings.applied = performance.now() - t0;
      await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
      state.timings.rendered = performance.now() - t0;
    } catch (error) {
      if (state.selected === key) this.reviewNotice(`The transcript could not be loaded: ${error.message}`);
    } finally {
      if (state.loading === loading) state.loading = null;
    }
  }

  /** Every edit answers the whole new Result: re-render from it. */
  applyResult(data) {
    const { ui } = this;
    this.state.result = data;
    const colors = speakerColors(speakerLabels(data));
    this.refresh(); // the review shows before the transcript renders, so its size is known
    ui.transcript.update(data, colors);
    ui.timeline.update(data, colors, ui.player.duration() ?? data.duration);
    ui.speakers.update(data, colors);
    ui.reviewTools.update(data);
    ui.downloads.setJob(data.job_id);
    emit("result:loaded", { result: data }); // voices.js: the speaker note and voice suggestions
  }

  /** An edit went wrong: say so in a toast over the transcript (where the user is working). */
  reviewNotice(message) {
    setText(this.page.reviewError, message);
    show(this.page.reviewError, Boolean(message));
    clearTimeout(this.noticeTimer);
    this.noticeTimer = setTimeout(() => show(this.page.reviewError, false), 10_000);
    if (!this.state.result) this.banner(message);
  }

  /** A refused action goes on the job's card; "the panel is not reachable" goes to the top bar. */
  jobNotice(key, error) {
    if (error.status === UNREACHABLE) {
      this.connectionLost(true);
      return;
    }
    this.store.patch(key, { notice: error.message });
    this.refresh();
  }

  /** Show "Connection lost" until the panel answers again (asked every few seconds). */
  connectionLost(lost) {
    show(this.page.connection, lost);
    clearTimeout(this.probe);
    if (!lost) return;
    this.probe = setTimeout(() => api.config().then(() => this.reconnected(true), () => this.connectionLost(true)), 3000);
  }

  /** Back online: notices that only said the panel was unreachable are out of date. */
  reconnected(up) {
    this.connectionLost(!up);
    if (!up) return;
    for (const job of this.store.list()) if (job.notice && /not reachable/.test(job.notice)) this.store.patch(job.key, { notice: null });
    this.refresh();
  }

  promote(key, jobOut) {
    const job = this.store.promote(key, jobOut);
    if (this.state.selected === key) {
      this.state.selected = null; // the row changed its key; select it again under the job id
      this.select(job.key);
    }
    this.refresh();
  }

  onJobEvent(jobOut) {
    const { store, state, ui } = this;
    const key = jobOut.job_id;
    const { before, job } = store.upsert(jobOut);
    if (job.status === "transcribing" && before?.status !== "transcribing") store.patch(key, { runningSince: new Date().toISOString() });
    else if (before?.runningSince && job.status === before.status) store.patch(key, { runningSince: before.runningSince });
    if (before && isActive(before) && ["completed", "failed"].includes(job.status)) ui.title.finished(job);
    const mine = key === state.selected;
    if (mine && job.status === "completed" && before?.status !== "completed") {
      state.result = null;
      this.loadResult(key);
    }
    if (mine && before?.status === "completed" && job.status !== "completed") {
      state.result = null;
      ui.transcript.clear();
    }
    if (mine && job.status === "failed" && before?.status !== "failed") ui.options.showValues(job.options);
    this.refresh();
  }

  async boot() {
    try {
      const { jobs } = await api.jobs();
      for (const job of jobs) this.store.upsert(job);
    } catch (error) {
      this.banner(`The job list could not be loaded: ${error.message}`);
    }
    await this.uploads.restore();
    const wanted = /^#job=([a-z0-9]{12})$/.exec(location.hash)?.[1];
    if (wanted && this.store.get(wanted)) this.select(wanted);
    this.refresh();
    followEvents({
      job: (jobOut) => this.onJobEvent(jobOut),
      deleted: ({ job_id: id }) => forgetJob(this.store, this.state, (key) => this.select(key), () => this.refresh(), id),
      connection: (up) => this.reconnected(up),
    });
    // The elapsed time and time left of a running job tick once a second.
    setInterval(() => {
      const job = this.selectedJob();
      if (job && (isActive(job) || job.local === "sending")) this.refresh();
    }, 1000);
  }
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
