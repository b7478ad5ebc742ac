// The first picture of a new default playground, painted from the copy the page came with (boot.first, made by
// app/web/first_frame.py) while the page's own session is being created: every new session of the default config
// starts from this very frame and these points (their seeds are fixed). The session's own first frame, which looks
// the same, replaces it. Only the views are painted: the playground's own state (its outputs, data, structure,
// metrics.firstBoundaryMs) waits for its session, so that nothing takes the picture for a running session.
import { decodeFrame, splitWeights } from "./protocol.js";
import { fromHash, toHash } from "./state.js";

const PLAIN_VIEW = { showTest: false, discretize: false };  // view options are not part of the config

/** Whether the URL's hash asks for the default config (the picture is of that config only). */
export function asksForDefaults(hash, defaults) {
  return toHash(fromHash(hash, defaults).config, PLAIN_VIEW) === toHash(fromHash("", defaults).config, PLAIN_VIEW);
}

function arrayBufferOf(base64) {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes.buffer;
}

/** Paint boot.first in the playground's output and network views, unless the URL asks for another config or the
 *  session's own first frame has come already. Call it after playground.start() (which reads the view options
 *  from the URL). Resolves to whether it painted; metrics.firstPictureMs says when. */
export async function paintFirstPicture(playground, boot) {
  if (!boot.first || !asksForDefaults(location.hash, boot.defaults)) return false;
  const frame = await decodeFrame(arrayBufferOf(boot.first.frame));
  const { structure } = frame.header;
  const outputs = [];
  for (const map of frame.maps) if (map.kind === "output") outputs[map.neuron] = map;
  if (playground.structure) return false;  // the session's own frame came first: it is drawn already
  playground.output.setThreshold(structure.threshold);
  if (playground.ui) playground.output.setOptions(playground.ui);
  playground.output.setData(boot.first.data);
  playground.output.setOutputs(outputs);
  playground.output.draw();  // now, not in an animation frame: the browser shows it in its next one
  playground.output.updateLegendRange();
  playground.metrics.firstPictureMs = performance.now();
  // The network's diagram (tens of ms to build) after the next frame is rendered, so that the output shows first.
  requestAnimationFrame(() => setTimeout(() => {
    if (playground.structure) return;  // the session's own frame has drawn it
    playground.network.setStructure({ layers: structure.layers, features: structure.features });
    if (frame.weights) playground.network.setWeights(splitWeights(frame.weights, structure.layers));
    playground.network.setMaps(frame.maps);
  }));
  return true;
}
