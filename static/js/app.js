// Boots the review desk: reads the config, mounts every component on its own root element, and
// hands them to the controller (controller.js), which talks to the API.

import { api } from "./api.js";
import { emit } from "./bus.js";
import { setText, show } from "./dom.js";
import { createController } from "./controller.js";
import { mountDownloads } from "./downloads.js";
import { mountJobList } from "./joblist.js";
import { mountJobView } from "./jobview.js";
import { mountOptions } from "./options.js";
import { mountPlayer } from "./player.js";
import { mountReviewTools } from "./reviewtools.js";
import { mountSegmentMenu } from "./segmenu.js";
import { mountShortcuts } from "./shortcuts.js";
import { mountSpeakers } from "./speakers.js";
import { mountTimeline } from "./timeline.js";
import { mountTitle } from "./title.js";
import { mountTranscript } from "./transcript.js";
import { mountUploader } from "./uploader.js";

const $ = (id) => document.getElementById(id);
const ENGINE_NAMES = { runpod: "RunPod serverless", worker: "GPU worker", local: "local engine", auto: "auto" };

function mount(config) {
  const ui = {};
  ui.jobList = mountJobList($("sidebar"));
  ui.options = mountOptions($("options"), config);
  ui.jobView = mountJobView($("job-view"));
  ui.player = mountPlayer($("player"));
  ui.timeline = mountTimeline($("timeline-wrap"));
  ui.transcript = mountTranscript($("transcript"), { follows: () => $("follow-toggle").checked });
  ui.speakers = mountSpeakers($("speaker-dialog"), $("legend"));
  ui.reviewTools = mountReviewTools($("deck"), ui.transcript, $("transcript"));
  ui.downloads = mountDownloads($("downloads"), config.export_formats ?? []);
  ui.title = mountTitle($("favicon"));
  mountSegmentMenu($("word-menu"), ui.transcript);
  mountUploader($("sidebar"), $("drop-overlay"));
  return ui;
}

/** The sticky player and review bar cover the top of the desk: focus and jumps land below them. */
function keepFocusInView() {
  const deck = $("deck");
  const set = () => document.documentElement.style.setProperty("--deck-h", `${Math.ceil(deck.getBoundingClientRect().height)}px`);
  new ResizeObserver(set).observe(deck);
  set();
}

async function boot() {
  let config;
  try {
    config = await api.config();
  } catch (error) {
    setText($("banner-text"), `The panel did not answer: ${error.message}`);
    show($("banner"), true);
    return;
  }
  const ui = mount(config);
  const page = {
    banner: $("banner"), bannerText: $("banner-text"), empty: $("empty-state"), emptyTitle: $("empty-title"),
    jobView: $("job-view"), player: $("player"), reviewBar: $("review-bar"), review: $("review"), desk: $("desk"),
    reviewError: $("review-error"), connection: $("connection"), confirm: $("confirm-dialog"),
  };
  const controller = createController(ui, page);
  mountShortcuts($("shortcut-sheet"), $("help-button"), {
    hasAudio: () => !$("player").hidden,
    hasTranscript: () => Boolean(controller.state.result),
  });
  $("banner-close").addEventListener("click", () => show($("banner"), false));
  setText($("engine-info"), config.engine ? `Engine: ${ENGINE_NAMES[config.engine] ?? config.engine}` : "");
  keepFocusInView();
  await controller.boot();
  if (new URLSearchParams(location.search).has("testhook")) {
    // Only when asked (bench/ui_render.py): timings of the last transcript load and the view.
    const { timings } = controller.state;
    const select = (key) => controller.select(key);
    const loadResult = (key) => controller.loadResult(key);
    window.__scribedesk = { timings, transcript: ui.transcript, select, emit, loadResult };
  }
  document.documentElement.dataset.ready = "1";
}

boot();
