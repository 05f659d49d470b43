// A few SVG icons built with the DOM (no inline markup strings, no icon font from the internet).

const PATHS = {
  play: "M7 4.5v15a1 1 0 0 0 1.5.86l12-7.5a1 1 0 0 0 0-1.72l-12-7.5A1 1 0 0 0 7 4.5z",
  pause: "M6 4h4v16H6zM14 4h4v16h-4z",
  back: "M11 6v12l-8.5-6zM21 6v12l-8.5-6z",
  forward: "M13 6v12l8.5-6zM3 6v12l8.5-6z",
};

/** An <svg> for `name`, hidden from screen readers (the button carries the name). */
export function icon(name) {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const path = document.createElementNS(ns, "path");
  path.setAttribute("d", PATHS[name]);
  svg.append(path);
  return svg;
}
