// Decoder for nnplay's binary stream frames. Follows docs/protocol.md exactly; the Python mirror is
// app/host/frames.py:decode. No dependencies: DataView, TextDecoder and DecompressionStream.

export const MAGIC = "NNPF";
export const VERSION = 1;
export const FLAG_DEFLATE = 1;
const PREFIX_BYTES = 12;

// IEEE 754 half precision to a JavaScript number.
export function float16ToNumber(bits) {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x03ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

async function inflate(bytes) {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

// Decode one frame (an ArrayBuffer from a binary WebSocket message).
// Returns {header, weights: Float32Array | null, maps: [{kind, layer, neuron, shape, lo, hi, bytes, values}]}
// where bytes is the Uint8Array of quantized cells (row 0 = top) and values the decoded Float32Array.
export async function decodeFrame(buffer) {
  const view = new DataView(buffer);
  const magic = String.fromCharCode(...new Uint8Array(buffer, 0, 4));
  if (magic !== MAGIC) throw new Error("not an nnplay frame");
  const version = view.getUint8(4);
  if (version !== VERSION) throw new Error(`unsupported frame version ${version}`);
  const flags = view.getUint8(5);
  const headerLength = view.getUint32(8, true);
  const header = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, PREFIX_BYTES, headerLength)));
  let payload = new Uint8Array(buffer, PREFIX_BYTES + headerLength);
  if (flags & FLAG_DEFLATE) payload = await inflate(payload);
  const data = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);

  let weights = null;
  if (header.weights) {
    weights = new Float32Array(header.weights.count);
    for (let i = 0; i < weights.length; i++) {
      weights[i] = float16ToNumber(data.getUint16(header.weights.offset + 2 * i, true));
    }
  }
  const maps = header.maps.map(([kind, layer, neuron, lo, hi, offset]) => {
    const shape = header.shapes[kind];
    const size = shape.reduce((a, b) => a * b, 1);
    const bytes = payload.subarray(offset, offset + size);
    const step = Math.fround((hi - lo) / 255);
    const values = new Float32Array(size);
    for (let i = 0; i < size; i++) values[i] = Math.fround(lo) + bytes[i] * step;
    return { kind, layer, neuron, shape, lo, hi, bytes, values };
  });
  return { header, weights, maps };
}

// Split a flat weights array (get_weights() order: W1 row-major, b1, W2, b2, ...) into layers,
// given the hello message's layers: [[units, inputs, activation], ...].
export function splitWeights(weights, layers) {
  const out = [];
  let at = 0;
  for (const [units, inputs] of layers) {
    const W = [];
    for (let r = 0; r < units; r++) W.push(Array.from(weights.subarray(at + r * inputs, at + (r + 1) * inputs)));
    at += units * inputs;
    const b = Array.from(weights.subarray(at, at + units));
    at += units;
    out.push({ W, b });
  }
  return out;
}
