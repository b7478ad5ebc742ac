// The playground's whole state in the URL's hash: open the link, get the same playground.
// Readable keys for the usual settings; the user's own points travel as base64url JSON.

const SIMPLE = {  // url key -> [config path, parse]
  dataset: [["data", "name"], String],
  noise: [["data", "noise"], Number],
  points: [["data", "n_points"], Number],
  ratio: [["data", "train_ratio"], Number],
  dseed: [["data", "seed"], Number],
  output: [["output"], String],
  loss: [["loss"], String],
  opt: [["optimizer"], String],
  lr: [["learning_rate"], Number],
  batch: [["batch_size"], Number],
  reg: [["regularization"], String],
  rate: [["reg_rate"], Number],
  init: [["initializer"], String],
  seed: [["seed"], Number],
};

function encodeJSON(value) {
  const bytes = new TextEncoder().encode(JSON.stringify(value));
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function decodeJSON(text) {
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))));
}

/** The hash for a config and the view options. */
export function toHash(config, ui) {
  const params = new URLSearchParams();
  for (const [key, [path]] of Object.entries(SIMPLE)) {
    const value = path.reduce((node, part) => node?.[part], config);
    if (value !== undefined && value !== null) params.set(key, String(value));
  }
  params.set("features", config.features.join(","));
  params.set("layers", config.hidden_layers.join(","));
  params.set("act", Array.isArray(config.activation) ? config.activation.join(",") : config.activation);
  if (config.data.params && Object.keys(config.data.params).length) params.set("dparams", encodeJSON(config.data.params));
  if (config.data.points) params.set("custom", encodeJSON(config.data.points));
  params.set("test", ui.showTest ? "1" : "0");
  params.set("disc", ui.discretize ? "1" : "0");
  return `#${params.toString()}`;
}

/** {config, ui} from a hash, starting from the defaults; unknown keys are ignored, and the server
 *  validates the rest (a bad value comes back as a readable error). */
export function fromHash(hash, defaults) {
  const config = structuredClone(defaults);
  config.data.csv = null;
  const ui = { showTest: false, discretize: false };
  const params = new URLSearchParams(hash.replace(/^#/, ""));
  for (const [key, [path, parse]] of Object.entries(SIMPLE)) {
    if (!params.has(key)) continue;
    const target = path.slice(0, -1).reduce((node, part) => node[part], config);
    target[path[path.length - 1]] = parse(params.get(key));
  }
  if (params.has("features")) config.features = params.get("features").split(",").filter(Boolean);
  if (params.has("layers")) config.hidden_layers = params.get("layers").split(",").filter(Boolean).map(Number);
  if (params.get("act")) {
    const acts = params.get("act").split(",");
    config.activation = acts.length === 1 ? acts[0] : acts;
  }
  if (Array.isArray(config.activation) && config.activation.length !== config.hidden_layers.length) {
    config.activation = config.activation[0] ?? "tanh";  // one name for every layer, whatever their number
  }
  try {
    if (params.has("dparams")) config.data.params = decodeJSON(params.get("dparams"));
    if (params.has("custom")) config.data.points = decodeJSON(params.get("custom"));
  } catch {
    // A damaged link: keep the defaults for these parts.
  }
  ui.showTest = params.get("test") === "1";
  ui.discretize = params.get("disc") === "1";
  return { config, ui };
}
