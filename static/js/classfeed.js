// What the dashboard hears of its class. One multiplexed WebSocket, /api/classes/{id}/stream: a hello with the
// class, a roster on every change (and every few seconds), and binary tiles, each
//   [uint16 big-endian n][n bytes: the student's id, ASCII][one frame of their session (docs/protocol.md)].
// While that stream is not open (a server without it, or between reconnects) the dashboard asks
// GET /api/classes/{id} every 2 s instead: it works either way, only without thumbnails.
import { call } from "./classpage.js";
import { decodeFrame } from "./protocol.js";

const POLL_MS = 2000;
const CLOSE_REFUSED = new Set([1008, 4403, 4404]);  // retrying soon would be refused again

/** ws(s)://this host + path. */
export function socketUrl(path) {
  return `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}${path}`;
}

/** The subprotocols that carry a teacher's token; without one the dashboard's cookie goes with the handshake. */
export function protocolsFor(token) {
  return token ? ["nnplay", `token.${token}`] : ["nnplay"];
}

/** A tile's student id and frame. */
export async function decodeTile(buffer) {
  const length = new DataView(buffer).getUint16(0, false);
  const id = new TextDecoder("ascii").decode(new Uint8Array(buffer, 2, length));
  return { id, frame: await decodeFrame(buffer.slice(2 + length)) };
}

export class ClassFeed {
  /** handlers: {onDescribed(cls): the whole class (GET), onClass(info): the class without its students,
   *  onRoster(students), onTile(id, frame), onMode("stream" | "polling"), onEnded(): the class was deleted,
   *  onFailed(error): a GET failed (401/403/404: stop)} */
  constructor(classId, token, handlers) {
    Object.assign(this, { classId, token, handlers, ws: null, streaming: false, closed: false, retry: 0,
      fps: null, decoding: Promise.resolve(), timer: null });
  }

  /** Connect; the class was just read, so the first poll (if the stream does not come) waits a beat. */
  start() {
    this.connect();
    this.timer = setTimeout(() => this.poll(), POLL_MS);
  }

  /** GET the class now (after an action, or on the polling beat while there is no stream). */
  async refresh() {
    try {
      this.handlers.onDescribed(await call("GET", `/api/classes/${this.classId}`, { token: this.token }));
      return true;
    } catch (error) {
      this.handlers.onFailed(error);
      return ![401, 403, 404].includes(error.status);
    }
  }

  async poll() {
    clearTimeout(this.timer);
    if (this.closed || this.streaming || this.polling) return;
    this.polling = true;
    const goOn = await this.refresh();
    this.polling = false;
    if (!goOn) return this.close();  // no access any more: nothing to poll for
    if (!this.closed && !this.streaming) this.timer = setTimeout(() => this.poll(), POLL_MS);
  }

  connect() {
    if (this.closed) return;
    const ws = new WebSocket(socketUrl(`/api/classes/${this.classId}/stream`), protocolsFor(this.token));
    ws.binaryType = "arraybuffer";
    this.ws = ws;
    let opened = false;
    let hello = false;
    ws.onopen = () => { opened = true; };
    ws.onmessage = (event) => {
      if (typeof event.data !== "string") {
        this.decoding = this.decoding.then(() => decodeTile(event.data))  // in arrival order (inflating waits)
          .then(({ id, frame }) => this.handlers.onTile(id, frame))
          .catch(() => {});  // one bad tile: the next one comes within a second
        return;
      }
      const message = JSON.parse(event.data);
      if (message.type === "hello") {
        hello = true;
        this.retry = 0;
        this.streaming = true;
        clearTimeout(this.timer);
        this.handlers.onMode("stream");
        if (message.class) this.handlers.onClass(message.class);
        if (this.fps !== null) this.send({ type: "fps", value: this.fps });
      } else if (message.type === "roster") {
        if (message.class) this.handlers.onClass(message.class);
        this.handlers.onRoster(message.students ?? []);
      } else if (message.type === "class") {
        this.handlers.onClass(message);
      } else if (message.type === "ended") {  // the class was deleted (on this dashboard or another)
        this.close();
        this.handlers.onEnded();
      }
    };
    ws.onclose = (event) => {
      if (this.ws !== ws || this.closed) return;
      this.streaming = false;
      this.handlers.onMode("polling");
      this.poll();
      // A stream that worked comes back quickly; one that never said hello (a server without it) is tried
      // again now and then, so a dashboard left open picks it up after an upgrade.
      const worked = opened && hello && !CLOSE_REFUSED.has(event.code);
      const seconds = worked ? Math.min(10, 2 ** this.retry) : Math.min(120, 15 * 2 ** this.retry);
      this.retry += 1;
      setTimeout(() => this.connect(), seconds * 1000);
    };
  }

  send(message) {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
  }

  /** Tiles per second per student (the server takes 0.2 to 5). */
  setFps(value) {
    if (value === this.fps) return;
    this.fps = value;
    if (this.streaming) this.send({ type: "fps", value });
  }

  close() {
    this.closed = true;
    clearTimeout(this.timer);
    this.ws?.close();
  }
}
