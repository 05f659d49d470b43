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
  const uploads = new Uploads(store, changed, uploaded);
  window.addEventListener("beforeunload", (event) => {
    if (!store.list().some((job) => job.local === "sending" || job.local === "waiting")) return;
    event.preventDefault();
    event.returnValue = ""; // the browser asks "Leave site? Changes you made may not be saved."
  });
  return uploads;
}

class Uploads {
  constructor(store, changed, uploaded) {
    Object.assign(this, { store, changed, uploaded, running: false });
    this.inFlight = new Map(); // key -> {abort, uploadId, cancelled}
  }

  busy() {
    return this.inFlight.size > 0;
  }

  async drain() {
    if (this.running) return;
    this.running = true;
    const waiting = () => this.store.list().find((job) => job.local === "waiting");
    try {
      for (let next = waiting(); next; next = waiting()) await this.sendOne(next.key);
    } finally {
      this.running = false;
    }
  }

  async sendPieces(key, file, upload, flight) {
    let offset = upload.received;
    const t0 = performance.now();
    const from = offset;
    const progress = (sent) => {
      const rate = (sent - from) / Math.max(0.001, (performance.now() - t0) / 1000);
      this.store.patch(key, { localProgress: (100 * sent) / file.size, uploadFacts: uploadFacts(sent, file.size, rate) });
      this.changed();
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

  async sendOne(key) {
    const file = this.store.files.get(key);
    const flight = { abort: () => {}, uploadId: null, cancelled: false };
    this.inFlight.set(key, flight);
    this.store.patch(key, { local: "sending", localProgress: 0, localError: null });
    this.changed();
    try {
      const upload = await api.openUpload({ filename: file.name, size: file.size, fingerprint: fingerprint(file) });
      flight.uploadId = upload.upload_id;
      remember(upload.upload_id, { filename: file.name, size: file.size, fingerprint: fingerprint(file) });
      await this.sendPieces(key, file, upload, flight);
      const jobOut = await api.finishUpload(upload.upload_id);
      remember(upload.upload_id, null);
      this.uploaded(key, jobOut);
    } catch (error) {
      if (flight.cancelled) return;
      if (flight.uploadId && error.status >= 400) remember(flight.uploadId, null); // refused: nothing to resume
      this.store.patch(key, { local: "error", localError: error.message });
      this.changed();
    } finally {
      this.inFlight.delete(key);
    }
  }

  /** Files the user chose: an interrupted upload of the same file goes on from where it stopped. */
  add(files) {
    const keys = files.map((file) => {
      const before = this.store.list().find((job) => job.local === "interrupted" && job.fingerprint === fingerprint(file));
      if (before) this.store.remove(before.key);
      return this.store.addFile(file);
    });
    this.drain();
    return keys;
  }

  /** Stop an upload (or forget an interrupted one) and discard what the panel received. */
  async cancel(key) {
    const job = this.store.get(key);
    const flight = this.inFlight.get(key);
    const uploadId = flight?.uploadId ?? job?.uploadId;
    if (flight) {
      flight.cancelled = true;
      flight.abort();
    }
    this.store.remove(key);
    this.changed();
    if (uploadId) {
      remember(uploadId, null);
      await api.dropUpload(uploadId).catch(() => {});
    }
  }

  retry(key) {
    this.store.patch(key, { local: "waiting" });
    this.drain();
  }

  /** After a reload: show uploads this browser started and the panel still holds part of. */
  async restore() {
    for (const id of Object.keys(remembered())) {
      try {
        const upload = await api.uploadState(id);
        if (upload.received < upload.size) this.store.addInterrupted(upload);
        else remember(id, null);
      } catch (error) {
        if (error.status === 404) remember(id, null);
      }
    }
    this.changed();
  }
}
