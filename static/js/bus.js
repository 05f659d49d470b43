// The event bus components talk through: CustomEvents on one EventTarget, so no component
// imports another. Event names are listed here so a typo is easy to spot.

const target = new EventTarget();

/** Send `name` with `detail` to every listener. */
export function emit(name, detail = {}) {
  target.dispatchEvent(new CustomEvent(name, { detail }));
}

/** Listen for `name`; the handler gets the detail object. Returns an unsubscribe function. */
export function on(name, handler) {
  const listener = (event) => handler(event.detail);
  target.addEventListener(name, listener);
  return () => target.removeEventListener(name, listener);
}

// Events in use:
//   files:chosen    {files}                  the user dropped or picked audio files
//   job:select      {id}                     show this job in the desk
//   jobs:changed    {}                       the job list or a job in it changed
//   result:loaded   {result}                 the selected job's transcript (after any edit too)
//   seek            {time, play}             move the playhead (and maybe play)
//   player:rate     {rate}                   playback speed changed
//   notice          {message, tone}          show a message where the user is looking
//   edit            {op}                     POST an edit op for the selected job
//   speaker:open    {label, segmentId}       open the speaker dialog for a pill
