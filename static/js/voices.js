// Speakers found on this computer: says so above the transcript, and offers the voice memory's
// suggestions ("SPEAKER_01 sounds like Interviewer") with one click to accept. Mounts itself on
// #voice-notes; talks to the rest only through the bus (result:loaded in, edit out).
import { call } from "./api.js";
import { emit, on } from "./bus.js";

const root = document.getElementById("voice-notes");

function line(text, className) {
  const p = document.createElement("p");
  p.className = className;
  p.textContent = text;
  return p;
}

function suggestionLine(result, suggestion) {
  const shown = result.speakers?.[suggestion.label] || suggestion.label;
  const p = line(`${shown} sounds like ${suggestion.name}. `, "voice-suggestion small");
  const accept = document.createElement("button");
  accept.type = "button";
  accept.className = "link-button";
  accept.textContent = `Name them ${suggestion.name}`;
  accept.addEventListener("click", () => {
    accept.disabled = true;
    emit("edit", { op: { op: "rename", speakers: { [suggestion.label]: suggestion.name } } });
  });
  p.append(accept);
  return p;
}

let shownFor = null;

async function show(result) {
  shownFor = result;
  root.replaceChildren();
  root.hidden = result?.source?.diarization !== "local";
  if (root.hidden) return;
  root.append(line("Speakers estimated on this computer.", "voice-origin muted small"));
  let data;
  try {
    data = await call("GET", `/api/jobs/${encodeURIComponent(result.job_id)}/voice-suggestions`);
  } catch {
    return; // suggestions are a help, never a reason to show an error
  }
  if (shownFor !== result) return; // another job (or an edit) arrived meanwhile
  for (const suggestion of data.suggestions ?? []) root.append(suggestionLine(result, suggestion));
}

if (root) on("result:loaded", ({ result }) => show(result));
