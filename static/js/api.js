// The HTTP client for docs/api.md: JSON calls, the upload with browser-side progress, and the
// Server-Sent Events stream. Errors become ApiError with the server's sentence in `message`.

export class ApiError extends Error {
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}

async function errorFrom(response) {
  let detail = "";
  try {
    const body = await response.json();
    detail = typeof body.detail === "string" ? body.detail : "";
  } catch {
    // Not JSON (a proxy page, an empty body): fall back to the status text.
  }
  return new ApiError(detail || `The server answered ${response.status} ${response.statusText}`.trim(), response.status);
}

/** Call the API and return parsed JSON (or null for 204). */
export async function call(method, path, body) {
  const init = { method, headers: { Accept: "application/json" }, credentials: "same-origin" };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError("The panel is not reachable. Is the server still running?", 0);
  }
  if (!response.ok) throw await errorFrom(response);
  if (response.status === 204) return null;
  return response.json();
}

export const api = {
  config: () => call("GET", "/api/config"),
  jobs: () => call("GET", "/api/jobs"),
  job: (id) => call("GET", `/api/jobs/${encodeURIComponent(id)}`),
  start: (id, options) => call("POST", `/api/transcribe/${encodeURIComponent(id)}`, options),
  cancel: (id) => call("POST", `/api/jobs/${encodeURIComponent(id)}/cancel`),
  retry: (id) => call("POST", `/api/jobs/${encodeURIComponent(id)}/retry`),
  remove: (id) => call("DELETE", `/api/jobs/${encodeURIComponent(id)}`),
  result: (id) => call("GET", `/api/results/${encodeURIComponent(id)}`),
  rename: (id, speakers) => call("PUT", `/api/jobs/${encodeURIComponent(id)}/speakers`, speakers),
  edit: (id, op) => call("POST", `/api/jobs/${encodeURIComponent(id)}/edits`, op),
  undo: (id) => call("POST", `/api/jobs/${encodeURIComponent(id)}/undo`),
  retryWith: (id, options) => call("POST", `/api/jobs/${encodeURIComponent(id)}/retry-with`, options),
  estimate: (id) => call("GET", `/api/jobs/${encodeURIComponent(id)}/estimate`),
  openUpload: (file) => call("POST", "/api/uploads", file),
  uploadState: (id) => call("GET", `/api/uploads/${encodeURIComponent(id)}`),
  finishUpload: (id) => call("POST", `/api/uploads/${encodeURIComponent(id)}/finish`),
  dropUpload: (id) => call("DELETE", `/api/uploads/${encodeURIComponent(id)}`),
};

/**
 * PUT one piece of a file at `offset` (XMLHttpRequest, for the browser's upload progress).
 * Returns {done: Promise<UploadOut>, abort()}; `onProgress(bytesOfThisPiece)`.
 */
export function putPiece(id, offset, blob, onProgress) {
  const xhr = new XMLHttpRequest();
  const done = new Promise((resolve, reject) => {
    xhr.open("PUT", `/api/uploads/${encodeURIComponent(id)}?offset=${offset}`);
    xhr.responseType = "json";
    xhr.setRequestHeader("Content-Type", "application/octet-stream");
    xhr.upload.onprogress = (event) => onProgress(event.loaded);
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300 && xhr.response) resolve(xhr.response);
      else reject(new ApiError(xhr.response?.detail || `Upload failed (${xhr.status}).`, xhr.status));
    };
    xhr.onerror = () => reject(new ApiError("The upload was interrupted: the panel is not reachable.", 0));
    xhr.onabort = () => reject(new ApiError("The upload was cancelled.", -1));
    xhr.send(blob);
  });
  return { done, abort: () => xhr.abort() };
}

export const audioUrl = (id) => `/api/jobs/${encodeURIComponent(id)}/audio`;

/** The export URL with the download options as query parameters (only non-defaults are sent). */
export function exportUrl(id, fmt, { timestamps = true, speakers = true, includeFlagged = false } = {}) {
  const query = new URLSearchParams();
  if (!timestamps) query.set("timestamps", "0");
  if (!speakers) query.set("speakers", "0");
  if (includeFlagged) query.set("include_flagged", "1");
  const qs = query.toString();
  return `/api/jobs/${encodeURIComponent(id)}/export/${encodeURIComponent(fmt)}${qs ? `?${qs}` : ""}`;
}

/**
 * POST one file to /api/upload with XMLHttpRequest so the browser's own upload progress shows.
 * `onProgress(percent)`; resolves with the JobOut, rejects with ApiError.
 */
export function upload(file, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/upload");
    xhr.responseType = "json";
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress((100 * event.loaded) / event.total);
    };
    xhr.onload = () => {
      const body = xhr.response;
      if (xhr.status >= 200 && xhr.status < 300 && body) {
        resolve(body);
        return;
      }
      const detail = body && typeof body.detail === "string" ? body.detail : "";
      const fallback =
        xhr.status === 413 ? "The file is larger than the panel accepts." : `Upload failed (${xhr.status}).`;
      reject(new ApiError(detail || fallback, xhr.status));
    };
    xhr.onerror = () => reject(new ApiError("The upload was interrupted: the panel is not reachable.", 0));
    xhr.onabort = () => reject(new ApiError("The upload was cancelled.", 0));
    const form = new FormData();
    form.append("file", file, file.name);
    xhr.send(form);
  });
}

/**
 * Follow /api/events. `handlers.job(jobOut)`, `handlers.deleted({job_id})`,
 * `handlers.connection(isUp)`. EventSource reconnects by itself after a drop.
 */
export function followEvents(handlers) {
  const source = new EventSource("/api/events");
  const parse = (fn) => (event) => {
    try {
      fn(JSON.parse(event.data));
    } catch (error) {
      console.error("Bad event from the server", error);
    }
  };
  source.addEventListener("job", parse(handlers.job));
  source.addEventListener("deleted", parse(handlers.deleted));
  source.addEventListener("open", () => handlers.connection(true));
  source.addEventListener("error", () => handlers.connection(source.readyState === EventSource.OPEN));
  return source;
}
