// The browser's uploads: one file at a time, sent in pieces (PUT /api/uploads/{id}?offset=) so
// a reload mid-way loses nothing: the panel keeps the part received, the page remembers the
// upload, and choosing the same file again sends only the rest. Cancel stops and discards an
// upload; leaving the page while one runs asks first. Progress shows MB and time left.

import { api, ApiError, putPiece } from "./api.js";
import { uploadFacts } from "./format.js";

const PIECE = 4 * 1024 * 1024;
const MEMORY = "scribedesk.uploads"; // localStorage: uploads started in this browser, by upload id

const fingerprint = (file) => `${file.name}|${file.size}|${file.lastModified}`;

function remembered() {
  try {
    return JSON.parse(localStorage.getItem(MEMORY) ?? "{}") ?? {};
  } catch {
    return {};
  }
}

function remember(id, record) {
  const all = remembered();
  if (record) all[id] = record;
  else delete all[id];
  localStorage.setItem(MEMORY, JSON.stringify(all));
}

/** The upload queue over the job store; `changed()` redraws, `uploaded(key, jobOut)` promotes. */
export function createUploads(store, { changed, uploaded }) {
  let running = false;
  const inFlight = new Map(); // key -> {abort, uploadId, cancelled}

  async function drain() {
    if (running) return;
    running = true;
    try {
      for (let next = waiting(); next; next = waiting()) await sendOne(next.key);
    } finally {
      running = false;
    }
  }
  const waiting = () => store.list().find((job) => job.local === "waiting");

  async function sendPieces(key, file, upload, flight) {
    let offset = upload.received;
    const t0 = performance.now();
    const from = offset;
    const progress = (sent) => {
      const rate = (sent - from) / Math.max(0.001, (performance.now() - t0) / 1000);
      store.patch(key, { localProgress: (100 * sent) / file.size, uploadFacts: uploadFacts(sent, file.size, rate) });
      changed();
    };
    progress(offset);
    while (offset < file.size) {
      if (flight.cancelled) throw new ApiError("The upload was cancelled.", -1);
      const piece = putPiece(upload.upload_id, offset, file.slice(offset, offset + PIECE), (loaded) => progress(offset + loaded));
      flight.abort = piece.abort;
      offset = (await piece.done).received;
      progress(offset);
    }
  }

  async function sendOne(key) {
    const file = store.files.get(key);
    const flight = { abort: () => {}, uploadId: null, cancelled: false };
    inFlight.set(key, flight);
    store.patch(key, { local: "sending", localProgress: 0, localError: null });
    changed();
    try {
      const upload = await api.openUpload({ filename: file.name, size: file.size, fingerprint: fingerprint(file) });
      flight.uploadId = upload.upload_id;
      remember(upload.upload_id, { filename: file.name, size: file.size, fingerprint: fingerprint(file) });
      await sendPieces(key, file, upload, flight);
      const jobOut = await api.finishUpload(upload.upload_id);
      remember(upload.upload_id, null);
      uploaded(key, jobOut);
    } catch (error) {
      if (flight.cancelled) return;
      if (flight.uploadId && error.status >= 400) remember(flight.uploadId, null); // refused: nothing to resume
      store.patch(key, { local: "error", localError: error.message });
      changed();
    } finally {
      inFlight.delete(key);
    }
  }

  /** Files the user chose: an interrupted upload of the same file goes on from where it stopped. */
  function add(files) {
    const keys = files.map((file) => {
      const before = store.list().find((job) => job.local === "interrupted" && job.fingerprint === fingerprint(file));
      if (before) store.remove(before.key);
      return store.addFile(file);
    });
    drain();
    return keys;
  }

  /** Stop an upload (or forget an interrupted one) and discard what the panel received. */
  async function cancel(key) {
    const job = store.get(key);
    const flight = inFlight.get(key);
    const uploadId = flight?.uploadId ?? job?.uploadId;
    if (flight) {
      flight.cancelled = true;
      flight.abort();
    }
    store.remove(key);
    changed();
    if (uploadId) {
      remember(uploadId, null);
      await api.dropUpload(uploadId).catch(() => {});
    }
  }

  function retry(key) {
    store.patch(key, { local: "waiting" });
    drain();
  }

  /** After a reload: show uploads this browser started and the panel still holds part of. */
  async function restore() {
    for (const id of Object.keys(remembered())) {
      try {
        const upload = await api.uploadState(id);
        if (upload.received < upload.size) store.addInterrupted(upload);
        else remember(id, null);
      } catch (error) {
        if (error.status === 404) remember(id, null);
      }
    }
    changed();
  }

  window.addEventListener("beforeunload", (event) => {
    if (!store.list().some((job) => job.local === "sending" || job.local === "waiting")) return;
    event.preventDefault();
    event.returnValue = ""; // the browser asks "Leave site? Changes you made may not be saved."
  });

  return { add, cancel, retry, restore, busy: () => inFlight.size > 0 };
}
