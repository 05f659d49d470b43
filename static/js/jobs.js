// The job store: server jobs (JobOut, keyed by job_id) and the browser's own uploads in flight
// (keyed "local-N" until the server answers with a job id), plus each job's local audio URL.

let localCounter = 0;

export class JobStore {
  constructor() {
    this.jobs = new Map();
    this.audio = new Map(); // key -> object URL of the dropped file (plays before any upload)
    this.files = new Map(); // key -> File, kept while an upload can still be retried
  }

  get(key) {
    return this.jobs.get(key) ?? null;
  }

  /** Newest first; uploads still in the browser come first in the order they were dropped. */
  list() {
    const all = [...this.jobs.values()];
    const local = all.filter((job) => job.local).sort((a, b) => a.order - b.order);
    const server = all
      .filter((job) => !job.local)
      .sort((a, b) => (b.created_at ?? "").localeCompare(a.created_at ?? ""));
    return [...local, ...server];
  }

  /** A dropped file, before its upload starts. */
  addFile(file) {
    localCounter += 1;
    const key = `local-${localCounter}`;
    this.jobs.set(key, {
      key,
      order: localCounter,
      filename: file.name,
      size: file.size,
      duration: null,
      local: "waiting",
      localProgress: 0,
      can_start: false,
    });
    this.audio.set(key, URL.createObjectURL(file));
    this.files.set(key, file);
    return key;
  }

  /** An upload interrupted by a reload: the server kept part of it; the file must be chosen again. */
  addInterrupted(upload) {
    localCounter += 1;
    const key = `local-${localCounter}`;
    this.jobs.set(key, {
      key,
      order: localCounter,
      filename: upload.filename,
      size: upload.size,
      duration: null,
      local: "interrupted",
      localProgress: (100 * upload.received) / upload.size,
      uploadId: upload.upload_id,
      fingerprint: upload.fingerprint,
      can_start: false,
    });
    return key;
  }

  patch(key, fields) {
    const job = this.jobs.get(key);
    if (job) this.jobs.set(key, { ...job, ...fields });
  }

  /** Merge a JobOut from the server; keeps a notice the user has not seen replaced. */
  upsert(jobOut) {
    const key = jobOut.job_id;
    const before = this.jobs.get(key);
    const statusChanged = before && before.status !== jobOut.status;
    const notice = before && !statusChanged ? before.notice : null;
    this.jobs.set(key, { ...jobOut, key, notice });
    return { before, job: this.jobs.get(key) };
  }

  /** The server accepted a local upload: re-key it to the job id, keeping its audio URL. */
  promote(localKey, jobOut) {
    const url = this.audio.get(localKey);
    this.jobs.delete(localKey);
    this.files.delete(localKey);
    this.audio.delete(localKey);
    if (url) this.audio.set(jobOut.job_id, url);
    return this.upsert(jobOut).job;
  }

  remove(key) {
    const url = this.audio.get(key);
    if (url) URL.revokeObjectURL(url);
    this.audio.delete(key);
    this.files.delete(key);
    this.jobs.delete(key);
  }
}
