// The network diagram's geometry and keyboard, apart from its drawing (network.js): a link's curve, the
// link nearest the pointer, where an arrow key goes from a focused neuron or link, and what a focused item
// tells a screen reader.

/** A link's cubic curve (horizontal at both ends, control points at the middle x) at t in [0, 1]. */
export function curveAt({ x0, y0, x1, y1, xm }, t) {
  const u = 1 - t;
  return [u * u * u * x0 + 3 * u * t * xm + t * t * t * x1, u * u * u * y0 + 3 * u * u * t * y0 + 3 * u * t * t * y1 + t * t * t * y1];
}

/** Of the links under the pointer (x, y in the diagram's pixels), the one whose curve passes nearest
 *  (sampled over the clickable part [from, to]): where hit areas overlap, the link the pointer is really on. */
export function nearestLink(links, x, y, from, to) {
  const distance = (link) => {
    let best = Infinity;
    for (let j = 0; j <= 32; j++) {
      const [px, py] = curveAt(link.geom, from + ((to - from) * j) / 32);
      best = Math.min(best, (px - x) ** 2 + (py - y) ** 2);
    }
    return best;
  };
  return links.reduce((best, link) => (distance(link) < distance(best) ? link : best));
}

/** Where an arrow key goes. From a neuron: Left to its first incoming link, Right to its first outgoing one,
 *  Up/Down to its neighbours in the column. From a link: Up/Down to the previous/next link, Left/Right to
 *  the neurons at its ends (not an input, which takes no focus). null: the key is not ours. */
export function keyTarget(view, { link, node }, key) {
  if (node?.k) {
    const start = view.linkStart[node.k] + node.i * view.structure.layers[node.k - 1][1];
    const out = view.links.find((l) => l.layer === node.k + 1 && l.col === node.i);
    const column = view.columns[node.k];
    return { ArrowLeft: view.links[start]?.hit, ArrowRight: out?.hit, ArrowUp: column[node.i - 1]?.el,
      ArrowDown: column[node.i + 1]?.el }[key] ?? null;
  }
  if (!link) return null;
  const i = view.links.indexOf(link);
  const from = view.columns[link.layer - 1][link.col];
  return { ArrowUp: view.links[i - 1]?.hit, ArrowDown: view.links[i + 1]?.hit, ArrowLeft: from.k ? from.el : null,
    ArrowRight: view.columns[link.layer][link.row].el }[key] ?? null;
}

/** A neuron or link got the focus: its accessible name now carries its current value (names are not
 *  updated on every frame). Whether the item is one that takes the focus. */
export function describeFocused(view, { link, node }, fmt) {
  if (node?.k) {
    node.el.setAttribute("aria-label", view._t("nn_neuron_label", { name: node.name, b: fmt(node.bias) }));
    return true;
  }
  if (!link) return false;
  const from = view.columns[link.layer - 1][link.col].name, to = view.columns[link.layer][link.row].name;
  link.hit.setAttribute("aria-label", view._t("nn_link_label", { from, to, w: fmt(link.w) }));
  return true;
}

/** After a rebuild, the control, neuron or link that had the focus (view.refocus: its data-focus key) gets it
 *  again, unless the student has gone elsewhere meanwhile. */
export function restoreFocus(view) {
  const active = document.activeElement;
  if (!view.refocus) return;
  if (active && active !== document.body && !view.container.contains(active)) {
    view.refocus = null; // the student has moved on: leave the focus where it is
    return;
  }
  const el = view.container.querySelector(`[data-focus="${view.refocus}"]`);
  if (!el) return; // not built yet (the new structure's frame is still on its way)
  if (!el.disabled) el.focus();
  view.refocus = null;
}

/** A column's name as Fig. 3-9 has it: the input layer (k = 0), hidden layer k, the output layer. */
export function layerName(view, k) {
  if (k === 0) return view._t("nn_input_layer");
  return k === view.structure.layers.length ? view._t("nn_output_layer") : view._t("nn_hidden_layer", { k });
}
