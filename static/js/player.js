// The player: a hidden <audio> driven by our own controls (play, ±5 s, speed, follow toggle).
// While playing it emits player:tick {time} once per animation frame, so the transcript and the
// timeline move together; it listens for seek, player:toggle, player:nudge and player:rate-step.

import { emit, on } from "./bus.js";
import { refs, setText } from "./dom.js";
import { clock, rateText } from "./format.js";
import { icon } from "./icons.js";
import { clampTime, SEEK_STEP, stepRate } from "./keys.js";

/** Mount on the player section; returns {setSource(src, duration), audio, follows(), duration()}. */
export function mountPlayer(root) {
  const r = refs(root, {
    audio: "audio", play: "play-button", back: "back-button", forward: "forward-button", slower: "slower-button",
    faster: "faster-button", rate: "rate-value", now: "time-now", total: "time-total", follow: "follow-toggle",
  });
  const { audio } = r;
  let knownDuration = null;
  let frame = 0;

  r.back.append(icon("back"));
  r.forward.append(icon("forward"));
  const playIcon = icon("play");
  const pauseIcon = icon("pause");
  r.play.append(playIcon);

  const duration = () => (Number.isFinite(audio.duration) ? audio.duration : knownDuration);

  function showTime() {
    setText(r.now, clock(audio.currentTime));
    setText(r.total, clock(duration()));
  }

  function tick() {
    emit("player:tick", { time: audio.currentTime, duration: duration() });
    showTime();
    frame = audio.paused ? 0 : requestAnimationFrame(tick);
  }

  function showPlaying() {
    const playing = !audio.paused;
    r.play.replaceChildren(playing ? pauseIcon : playIcon);
    r.play.setAttribute("aria-label", playing ? "Pause" : "Play");
  }

  async function play() {
    try {
      await audio.play();
    } catch (error) {
      if (error.name !== "AbortError") emit("notice", { message: `The audio cannot play: ${error.message}` });
    }
  }
  const toggle = () => (audio.paused ? play() : audio.pause());
  function seek(time, andPlay = false) {
    if (!audio.src) return;
    audio.currentTime = clampTime(time, duration());
    if (!frame) tick(); // show the new position even while paused
    if (andPlay && audio.paused) play();
  }
  function setRate(rate) {
    audio.playbackRate = rate;
    audio.defaultPlaybackRate = rate; // survives a source change
    setText(r.rate, rateText(rate));
  }

  wire(r, { toggle, seek, setRate, tick, showTime, showPlaying, duration, frame: () => frame, setFrame: (f) => (frame = f) });

  function setSource(src, length) {
    knownDuration = Number.isFinite(length) ? length : knownDuration;
    if (audio.getAttribute("src") === src) return;
    audio.pause();
    if (src) audio.setAttribute("src", src);
    else audio.removeAttribute("src");
    audio.load();
    showPlaying();
    showTime();
    emit("player:tick", { time: 0, duration: duration() });
  }

  return { setSource, audio, follows: () => r.follow.checked, duration };
}

/** The buttons, the <audio> element's events and the bus, wired to the player's actions. */
function wire(r, p) {
  const { audio } = r;
  r.play.addEventListener("click", p.toggle);
  r.back.addEventListener("click", () => p.seek(audio.currentTime - SEEK_STEP));
  r.forward.addEventListener("click", () => p.seek(audio.currentTime + SEEK_STEP));
  r.slower.addEventListener("click", () => p.setRate(stepRate(audio.playbackRate, -1)));
  r.faster.addEventListener("click", () => p.setRate(stepRate(audio.playbackRate, 1)));
  audio.addEventListener("play", () => {
    p.showPlaying();
    if (!p.frame()) p.setFrame(requestAnimationFrame(p.tick));
  });
  audio.addEventListener("pause", () => {
    p.showPlaying();
    p.tick();
  });
  audio.addEventListener("seeked", () => emit("player:tick", { time: audio.currentTime, duration: p.duration() }));
  audio.addEventListener("loadedmetadata", () => {
    p.showTime();
    emit("player:tick", { time: audio.currentTime, duration: p.duration() });
  });
  audio.addEventListener("error", () => {
    if (audio.getAttribute("src")) emit("notice", { message: "The audio could not be loaded for playback." });
  });
  on("seek", ({ time, play: andPlay }) => p.seek(time, andPlay));
  on("player:toggle", p.toggle);
  on("player:nudge", ({ delta }) => p.seek(audio.currentTime + delta));
  on("player:rate-step", ({ dir }) => p.setRate(stepRate(audio.playbackRate, dir)));
}
