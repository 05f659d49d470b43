// The event bus components talk through: CustomEvents on one EventTarget, so no component
// imports another. EVENTS lists every event in use (tests/js/bus.test.mjs checks the sources
// against it both ways); emitting or listening to a name not listed throws, so a typo shows at once.

export const EVENTS = {
  "files:chosen": "{files} the user dropped or picked audio files (uploader → controller)",
  "job:select": "{id} show this job in the desk (job list → controller)",
  "job:start": "{key} start the job with the options shown (job view → controller)",
  "job:cancel": "{key} cancel a running job or an upload (job view → controller)",
  "job:retry": "{key} retry a failed job or upload (job view → controller)",
  "job:delete": "{key} delete a job, after asking (job view → controller)",
  seek: "{time, play?} move the playhead, and maybe play (transcript, timeline, review bar, menu → player)",
  "player:tick": "{time, duration} the playhead moved (player → transcript, timeline)",
  "player:toggle": "{} play or pause (shortcuts → player)",
  "player:nudge": "{delta} seek by delta seconds (shortcuts → player)",
  "player:rate-step": "{dir} one speed step faster (1) or slower (-1) (shortcuts → player)",
  notice: "{message} tell the user where they are looking (player → controller)",
  edit: "{op} or {ops} POST edit ops for the selected job (transcript, editor, menu, speakers → controller)",
  "speakers:rename": "{label, name} rename a speaker everywhere (speaker dialog → controller)",
  "speaker:open": "{label, segmentIds, opener} open the speaker dialog (pill, menu → speakers)",
  undo: "{} undo the last edit (review bar, shortcuts → controller)",
  "find:open": "{} open Find (shortcuts → review bar)",
  "result:loaded": "{result} the selected job's Result, after loading or an edit (controller → voices)",
  "transcript:rendered": "{} the transcript DOM was rebuilt (transcript → review bar)",
  "segment:menu": "{position, word, x, y} open the segment menu at a word (transcript, editor → menu)",
};

const target = new EventTarget();

function known(name) {
  if (!Object.hasOwn(EVENTS, name)) throw new Error(`unknown bus event ${name}`);
}

/** Send `name` with `detail` to every listener. */
export function emit(name, detail = {}) {
  known(name);
  target.dispatchEvent(new CustomEvent(name, { detail }));
}

/** Listen for `name`; the handler gets the detail object. Returns an unsubscribe function. */
export function on(name, handler) {
  known(name);
  const listener = (event) => handler(event.detail);
  target.addEventListener(name, listener);
  return () => target.removeEventListener(name, listener);
}
