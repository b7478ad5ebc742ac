// Colours shared by every view: TensorFlow Playground's orange (negative) / light grey (zero) / blue
// (positive) scale, class colours, and the painting of a uint8 heatmap onto a canvas.

/** Colour of negative values (orange). */
export const NEGATIVE = "#f59322";
/** Colour of zero (light grey, almost white). */
export const ZERO = "#e8eaeb";
/** Colour of positive values (blue). */
export const POSITIVE = "#0877bd";

/** Six distinguishable class colours: orange, blue, green, purple, red, teal. */
export const CLASS_COLORS = Object.freeze([NEGATIVE, POSITIVE, "#2ca02c", "#9467bd", "#d62728", "#17becf"]);

/**
 * "#rrggbb" -> [r, g, b].
 * @param {string} hex
 * @returns {number[]}
 */
function hexToRgb(hex) {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

const RGB_NEGATIVE = hexToRgb(NEGATIVE);
const RGB_ZERO = hexToRgb(ZERO);
const RGB_POSITIVE = hexToRgb(POSITIVE);

/** Linear mix of two RGB triples, t = 0 -> a, t = 1 -> b. */
function mix(a, b, t) {
  return [0, 1, 2].map((i) => Math.round(a[i] + (b[i] - a[i]) * t));
}

let lut = null;

/**
 * The diverging lookup table: 256 RGBA entries, index 0 = NEGATIVE, 128 = ZERO, 255 = POSITIVE,
 * linear in between. Built once and shared; do not modify it.
 * @returns {Uint8ClampedArray} 256 * 4 bytes
 */
export function divergingLUT() {
  if (lut) return lut;
  lut = new Uint8ClampedArray(256 * 4);
  for (let i = 0; i < 256; i++) {
    const rgb = i <= 128 ? mix(RGB_NEGATIVE, RGB_ZERO, i / 128) : mix(RGB_ZERO, RGB_POSITIVE, (i - 128) / 127);
    lut.set([rgb[0], rgb[1], rgb[2], 255], i * 4);
  }
  return lut;
}

// One offscreen canvas (and its ImageData) per map size, reused from call to call.
const offscreens = new Map();

function offscreenFor(width, height) {
  const key = `${width}x${height}`;
  let entry = offscreens.get(key);
  if (!entry) {
    const canvas = document.createElement("canvas");
    canvas.width = width;
    canvas.height = height;
    const ctx = canvas.getContext("2d");
    entry = { canvas, ctx, image: ctx.createImageData(width, height) };
    offscreens.set(key, entry);
  }
  return entry;
}

/**
 * Draw a uint8 map through a lookup table, scaled (smoothly) to the whole canvas of `ctx`.
 * @param {CanvasRenderingContext2D} ctx the target 2-D context
 * @param {Uint8Array} bytes width * height cells, row-major, row 0 at the top
 * @param {number} width cells per row
 * @param {number} height rows (1 for a 1-D map)
 * @param {Uint8ClampedArray} lut 256 * 4 RGBA bytes, e.g. divergingLUT()
 */
export function paintMap(ctx, bytes, width, height, lut) {
  if (!(width > 0 && height > 0) || bytes.length < width * height) return;
  const { canvas, ctx: offCtx, image } = offscreenFor(width, height);
  const pixels = image.data;
  for (let i = 0, n = width * height; i < n; i++) {
    const at = bytes[i] * 4;
    const out = i * 4;
    pixels[out] = lut[at];
    pixels[out + 1] = lut[at + 1];
    pixels[out + 2] = lut[at + 2];
    pixels[out + 3] = lut[at + 3];
  }
  offCtx.putImageData(image, 0, 0);
  const target = ctx.canvas;
  ctx.save();
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = "high";
  ctx.clearRect(0, 0, target.width, target.height);
  ctx.drawImage(canvas, 0, 0, width, height, 0, 0, target.width, target.height);
  ctx.restore();
}

/**
 * Stroke style of a link of weight w: the sign's colour (mixed towards ZERO for small |w|) and a
 * width from 0.5 px (w = 0) to 6 px (|w| >= maxAbs).
 * @param {number} w the weight
 * @param {number} maxAbs the largest |w| shown (the scale's end)
 * @returns {{color: string, width: number}} color as "rgb(r, g, b)"
 */
export function weightStyle(w, maxAbs) {
  const scale = maxAbs > 0 && Number.isFinite(maxAbs) ? maxAbs : 1;
  const t = Number.isFinite(w) ? Math.min(1, Math.abs(w) / scale) : 0;
  const end = w < 0 ? RGB_NEGATIVE : RGB_POSITIVE;
  const rgb = w === 0 || !Number.isFinite(w) ? RGB_ZERO : mix(RGB_ZERO, end, 0.4 + 0.6 * t);
  return { color: `rgb(${rgb[0]}, ${rgb[1]}, ${rgb[2]})`, width: 0.5 + 5.5 * t };
}
