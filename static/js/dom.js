// Tiny DOM helpers. Data always goes in through textContent or attributes, never innerHTML.

/**
 * Create an element: el("button", {class: "x", "aria-label": "y", dataset: {id: 1}}, "text", child).
 * Attribute values are set with setAttribute; `text` children become text nodes.
 */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "dataset") Object.assign(node.dataset, value);
    else if (key === "class") node.className = value;
    else if (value === true) node.setAttribute(key, "");
    else node.setAttribute(key, String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** Set textContent only when it changed (keeps update() cheap and screen readers quiet). */
export function setText(node, text) {
  const value = text ?? "";
  if (node.textContent !== value) node.textContent = value;
}

/** Show or hide a node with the hidden attribute. */
export function show(node, visible) {
  if (node.hidden === visible) node.hidden = !visible;
}

/** Remove every child. */
export function clear(node) {
  node.replaceChildren();
}

/** True when the key event comes from somewhere the user types text. */
export function isTyping(target) {
  if (!(target instanceof Element)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  if (tag !== "INPUT") return false;
  const type = (target.getAttribute("type") || "text").toLowerCase();
  return !["checkbox", "radio", "button", "submit", "reset", "range", "file"].includes(type);
}

/**
 * A component's elements, found under its own root by id: refs(root, {play: "play-button"}).
 * A missing element is a bug in index.html: say which at once instead of failing later.
 */
export function refs(root, ids) {
  const out = {};
  for (const [name, id] of Object.entries(ids)) {
    const node = root.id === id ? root : root.querySelector(`#${id}`);
    if (!node) throw new Error(`#${id} is missing under #${root.id || root.tagName}`);
    out[name] = node;
  }
  return out;
}
