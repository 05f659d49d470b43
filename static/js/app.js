// Boots the review desk: reads the config, mounts every component, and runs the controller that
// turns user intents (bus events) into API calls and API answers into component updates.

import { api, audioUrl, followEvents, upload } from "./api.js";
import { emit, on } from "./bus.js";
import { confirmDialog } from "./confirm.js";
import { setText, show } from "./dom.js";
import { mountDownloads } from "./downloads.js";
import { JobStore } from "./jobs.js";
import { mountJobList } from "./joblist.js";
import { mountJobView } from "./jobview.js";
import { mountOptions } from "./options.js";
import { mountPlayer } from "./player.js";
import { mountReviewTools } from "./reviewtools.js";
import { mountShortcuts } from "./shortcuts.js";
import { mountSpeakers } from "./speakers.js";
import { mountTimeline } from "./timeline.js";
import { mountTranscript } from "./transcript.js";
import { mountUploader } from "./uploader.js";
import { speakerColors, speakerLabels } from "./transcript-model.js";

const $ = (id) => document.getElementById(id);
const store = new JobStore();
const ui = {};
let selected = null;
let result = null; // the selected job's Result, once loaded
let resultLoading = null;
const timings = {};

function banner(message) {
  setText($("banner-text"), message);
  show($("banner"), Boolean(message));
}

function selectedJob() {
  return selected ? store.get(selected) : null;
}

/** Re-draw everything from the store (every component's update is idempotent). */
function refresh() {
  ui.jobList.update(store.list(), selected);
  const job = selectedJob();
  show($("empty-state"), !job);
  setText($("empty-title"), store.jobs.size ? "Choose a job, or drop another recording" : "Drop an interview to begin");
  show($("job-view"), Boolean(job));
  if (!job) {
    ui.player.setSource(null);
    return;
  }
  ui.jobView.update(job);
  const src = store.audio.get(job.key) ?? (job.local ? null : audioUrl(job.job_id));
  show($("player"), Boolean(src));
  ui.player.setSource(src, job.duration ?? result?.duration);
  show($("review"), Boolean(result));
  if (job.has_result && !result && !resultLoading) loadResult(job.key);
}

function select(key) {
  if (key === selected) return;
  selected = key;
  result = null;
  resultLoading = null;
  ui.transcript.clear();
  ui.timeline.update(null);
  ui.reviewTools.closeFind();
  setText($("review-error"), "");
  show($("review-error"), false);
  const job = store.get(key);
  if (job && !job.local) history.replaceState(null, "", `#job=${job.job_id}`);
  else if (!job) history.replaceState(null, "", location.pathname);
  refresh();
  $("desk").scrollTop = 0;
}

async function loadResult(key) {
  const t0 = performance.now();
  const loading = api.result(key);
  resultLoading = loading;
  try {
    const data = await loading;
    if (resultLoading !== loading || selected !== key) return;
    timings.fetched = performance.now() - t0;
    applyResult(data);
    timings.applied = performance.now() - t0;
    await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
    timings.rendered = performance.now() - t0;
  } catch (error) {
    if (selected === key) reviewNotice(`The transcript could not be loaded: ${error.message}`);
  } finally {
    if (resultLoading === loading) resultLoading = null;
  }
}

/** Every edit answers the whole new Result: re-render from it. */
function applyResult(data) {
  result = data;
  const colors = speakerColors(speakerLabels(data));
  ui.transcript.update(data, colors);
  ui.timeline.update(data, colors, ui.player.duration() ?? data.duration);
  ui.speakers.update(data, colors);
  ui.reviewTools.update(data);
  ui.downloads.setJob(data.job_id);
  emit("result:loaded", { result: data }); // bus.js documents it; voices.js listens
  refresh();
}

let noticeTimer = 0;
/** An edit went wrong: say so in a toast over the transcript (where the user is working). */
function reviewNotice(message) {
  setText($("review-error"), message);
  show($("review-error"), Boolean(message));
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => show($("review-error"), false), 10_000);
  if (!result) banner(message);
}

function jobNotice(key, message) {
  store.patch(key, { notice: message });
  refresh();
}

// ---------- uploads ----------
let uploading = false;
async function drainUploads() {
  if (uploading) return;
  uploading = true;
  try {
    for (;;) {
      const next = store.list().find((job) => job.local === "waiting");
      if (!next) break;
      await sendOne(next.key);
    }
  } finally {
    uploading = false;
  }
}

async function sendOne(key) {
  const file = store.files.get(key);
  store.patch(key, { local: "sending", localProgress: 0, localError: null });
  refresh();
  try {
    const jobOut = await upload(file, (percent) => {
      store.patch(key, { localProgress: percent });
      refresh();
    });
    const job = store.promote(key, jobOut);
    if (selected === key) {
      selected = null; // the row changed its key; select it again under the job id
      select(job.key);
    }
    refresh();
  } catch (error) {
    store.patch(key, { local: "error", localError: error.message });
    refresh();
  }
}

on("files:chosen", ({ files }) => {
  const keys = files.map((file) => store.addFile(file));
  select(keys[0]);
  drainUploads();
});

// ---------- job actions ----------
async function act(key, fn) {
  store.patch(key, { notice: null });
  try {
    const jobOut = await fn();
    if (jobOut) store.upsert(jobOut);
    refresh();
  } catch (error) {
    jobNotice(key, error.message);
  }
}

on("job:select", ({ id }) => select(id));
on("job:start", ({ key }) => {
  let options;
  try {
    options = ui.options.read();
  } catch (error) {
    jobNotice(key, error.message);
    return;
  }
  act(key, () => api.start(key, options));
});
on("job:cancel", ({ key }) => act(key, () => api.cancel(key)));
on("job:retry", ({ key }) => {
  const job = store.get(key);
  if (job?.local === "error") {
    store.patch(key, { local: "waiting" });
    drainUploads();
    return;
  }
  if (job?.status === "completed" || !job) return;
  result = null;
  act(key, () => api.retry(key));
});
on("job:delete", async ({ key }) => {
  const job = store.get(key);
  if (!job) return;
  const yes = await confirmDialog(ui.confirm, {
    heading: "Delete this job?",
    message: `“${job.filename}” — its audio, transcript and exports are removed from this computer and from storage.`,
    action: "Delete",
  });
  if (!yes) return;
  try {
    if (!job.local) await api.remove(key);
    forget(key);
  } catch (error) {
    jobNotice(key, error.message);
  }
});

function forget(key) {
  store.remove(key);
  if (selected === key) select(store.list()[0]?.key ?? null);
  refresh();
}

// ---------- review edits ----------
async function editCall(fn) {
  if (!selected || !result) return;
  const key = selected;
  show($("review-error"), false);
  try {
    const data = await fn(key);
    if (selected === key && data) applyResult(data);
  } catch (error) {
    if (selected === key) reviewNotice(error.message);
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
on("undo", () => {
  if (!result?.can_undo) return;
  editCall((key) => api.undo(key));
});
on("speaker:open", (detail) => ui.speakers.open(detail));
on("notice", ({ message }) => {
  if (selected) jobNotice(selected, message);
  else banner(message);
});

// ---------- server events ----------
function onJobEvent(jobOut) {
  const key = jobOut.job_id;
  // An upload still in flight in this tab owns its row until the POST answers.
  const { before, job } = store.upsert(jobOut);
  if (key === selected && job.status === "completed" && before?.status !== "completed") {
    result = null;
    loadResult(key);
  }
  if (key === selected && before?.status === "completed" && job.status !== "completed") {
    result = null;
    ui.transcript.clear();
  }
  refresh();
}

function connect() {
  followEvents({
    job: onJobEvent,
    deleted: ({ job_id: id }) => forget(id),
    connection: (up) => show($("connection"), !up),
  });
}

// ---------- boot ----------
function mount(config) {
  ui.jobList = mountJobList({ list: $("job-list"), empty: $("jobs-empty") });
  ui.options = mountOptions($("options"), config);
  ui.jobView = mountJobView({
    title: $("job-title"), meta: $("job-meta"), status: $("status-line"), detail: $("status-detail"), actions: $("actions"), dot: $("status-dot"),
    elapsed: $("elapsed"), progress: $("progress"), bar: $("progress-bar"), error: $("job-error"),
    errorText: $("job-error-text"), note: $("job-note"), start: $("start-button"),
    cancel: $("cancel-button"), retry: $("retry-button"), remove: $("delete-job"), hint: $("start-hint"),
    lockOptions: (locked) => ui.options.lock(locked),
  });
  ui.player = mountPlayer({
    audio: $("audio"), play: $("play-button"), back: $("back-button"), forward: $("forward-button"),
    slower: $("slower-button"), faster: $("faster-button"), rate: $("rate-value"), now: $("time-now"),
    total: $("time-total"), follow: $("follow-toggle"),
  });
  ui.timeline = mountTimeline({ root: $("timeline"), spansRoot: $("timeline-spans"), playhead: $("timeline-playhead") });
  ui.transcript = mountTranscript({ root: $("transcript"), follows: () => $("follow-toggle").checked });
  ui.speakers = mountSpeakers({
    dialog: $("speaker-dialog"), form: $("speaker-form"), title: $("speaker-dialog-title"),
    labelLine: $("speaker-dialog-label"), name: $("speaker-name"), cancel: $("speaker-cancel"),
    more: $("speaker-more"), reassign: $("speaker-reassign"), reassignApply: $("speaker-reassign-apply"),
    merge: $("speaker-merge"), mergeApply: $("speaker-merge-apply"), legend: $("legend"),
  });
  ui.reviewTools = mountReviewTools(
    {
      reviewNext: $("review-next"), undo: $("undo-button"), lowconf: $("lowconf-toggle"), transcript: $("transcript"),
      findBar: $("find-bar"), findInput: $("find-input"), findCount: $("find-count"), findButton: $("find-button"),
      findPrev: $("find-prev"), findNext: $("find-next"), findClose: $("find-close"),
      menu: $("word-menu"), split: $("word-split"), play: $("word-play"),
    },
    ui.transcript,
  );
  ui.downloads = mountDownloads(
    { root: $("download-buttons"), timestamps: $("dl-timestamps"), speakers: $("dl-speakers"), flagged: $("dl-flagged") },
    config.export_formats ?? [],
  );
  ui.confirm = { dialog: $("confirm-dialog"), title: $("confirm-title"), text: $("confirm-text"), ok: $("confirm-ok") };
  mountShortcuts({
    sheet: $("shortcut-sheet"), rows: $("shortcut-rows"), helpButton: $("help-button"),
    hasAudio: () => !$("player").hidden, hasTranscript: () => Boolean(result),
  });
  $("banner-close").addEventListener("click", () => banner(""));
  const engineNames = { runpod: "RunPod serverless", worker: "GPU worker", local: "local engine", auto: "auto" };
  setText($("engine-info"), config.engine ? `Engine: ${engineNames[config.engine] ?? config.engine}` : "");
  // Elapsed time of a running job ticks once a second.
  setInterval(() => {
    const job = selectedJob();
    if (job && ["queued", "transcribing", "processing"].includes(job.status)) ui.jobView.update(job);
  }, 1000);
}

async function boot() {
  let config;
  try {
    config = await api.config();
  } catch (error) {
    banner(`The panel did not answer: ${error.message}`);
    return;
  }
  mount(config);
  mountUploader({ input: $("file-input"), overlay: $("drop-overlay") });
  try {
    const { jobs } = await api.jobs();
    for (const job of jobs) store.upsert(job);
  } catch (error) {
    banner(`The job list could not be loaded: ${error.message}`);
  }
  const wanted = /^#job=([a-z0-9]{12})$/.exec(location.hash)?.[1];
  if (wanted && store.get(wanted)) select(wanted);
  refresh();
  connect();
  if (new URLSearchParams(location.search).has("testhook")) {
    // Only when asked (bench/ui_render.py): timings of the last transcript load and the view.
    window.__scribedesk = { timings, transcript: ui.transcript, select, emit, loadResult };
  }
  document.documentElement.dataset.ready = "1";
}

boot();
