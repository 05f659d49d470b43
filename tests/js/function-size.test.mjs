// No function in the page's JavaScript is longer than 80 lines (issue 8): long closures hide
// state; the desk's components are split instead. Counts `function` bodies and block-bodied
// arrows, skipping strings, template literals, regular expressions and comments.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import test from "node:test";

const LIMIT = 80;
const dir = new URL("../../static/js/", import.meta.url);

/** The source with strings, templates, regexes and comments blanked (newlines kept). */
function code(text) {
  let out = "";
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    const two = text.slice(i, i + 2);
    let end = -1;
    if (two === "//") end = text.indexOf("\n", i);
    else if (two === "/*") end = text.indexOf("*/", i) + 1;
    else if (c === '"' || c === "'" || c === "`") {
      end = i + 1;
      while (end < text.length && text[end] !== c) end += text[end] === "\\" ? 2 : 1;
    } else if (c === "/" && /[=(,:!&|?{};\n]\s*$/.test(text.slice(Math.max(0, i - 20), i))) {
      end = i + 1;
      while (end < text.length && text[end] !== "/" && text[end] !== "\n") end += text[end] === "\\" ? 2 : 1;
    }
    if (end < 0) {
      out += c;
      continue;
    }
    out += text.slice(i, end + 1).replace(/[^\n]/g, " ");
    i = end;
  }
  return out;
}

/** Index of the `{` opening a function body, given the index of its parameter list's `(`. */
function bodyStart(src, open) {
  let depth = 0;
  let i = open;
  for (; i < src.length; i += 1) {
    if (src[i] === "(") depth += 1;
    else if (src[i] === ")" && --depth === 0) break;
  }
  return src.indexOf("{", i);
}

function longFunctions(name, text) {
  const src = code(text);
  const found = [];
  const starts = /function\b[^(]*\(|=>\s*\{/g;
  for (const m of src.matchAll(starts)) {
    let depth = 0;
    let i = m.index + m[0].length - 1;
    if (src[i] === "(") i = bodyStart(src, i); // past the parameters (which may hold braces)
    for (; i < src.length; i += 1) {
      if (src[i] === "{") depth += 1;
      else if (src[i] === "}" && --depth === 0) break;
    }
    const first = src.slice(0, m.index).split("\n").length;
    const last = src.slice(0, i).split("\n").length;
    if (last - first + 1 > LIMIT) found.push(`${name}:${first} (${last - first + 1} lines)`);
  }
  return found;
}

test(`no function in static/js is longer than ${LIMIT} lines`, () => {
  const found = readdirSync(dir)
    .filter((name) => name.endsWith(".js"))
    .flatMap((name) => longFunctions(name, readFileSync(new URL(name, dir), "utf8")));
  assert.deepEqual(found, []);
});

test("the counter sees a long function", () => {
  const body = Array.from({ length: LIMIT + 1 }, (_, i) => `  const a${i} = "}";`).join("\n");
  assert.equal(longFunctions("x.js", `function big() {\n${body}\n}`).length, 1);
  assert.equal(longFunctions("x.js", `const f = () => {\n  return 1;\n};`).length, 0);
});
