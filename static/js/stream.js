// The live stream: a WebSocket per session (docs/protocol.md) that reconnects by itself.
import { decodeFrame } from "./protocol.js";

const CLOSE_SESSION_GONE = new Set([4404, 4410]);
const CLOSE_REFUSED = new Set([1008, 4403, 4429]);  // retrying would be refused again

export class Stream {
  /** handlers: {onHello(hello), onFrame(frame), onError({message, code, params}),
   *  onStatus("connecting"|"connected"|"disconnected", seconds), onGone(), onRefused(reason)} */
  constructor(session, handlers) {
    this.session = session;
    this.handlers = handlers;
    this.ws = null;
    this.retry = 0;
    this.closed = false;
    this.queue = [];
    this.decoding = Promise.resolve();
    this.view = null;
    this.fps = 30;
    this.connect();
  }

  connect() {
    this.handlers.onStatus("connecting");
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const ws = new WebSocket(`${scheme}://${location.host}/api/sessions/${this.session.id}/stream`,
      ["nnplay", `token.${this.session.token}`]);
    ws.binaryType = "arraybuffer";
    this.ws = ws;
    ws.onopen = () => {
      this.retry = 0;
      this.handlers.onStatus("connected");
      if (this.view) this.send({ type: "view", ...this.view });
      if (this.fps !== 30) this.send({ type: "fps", value: this.fps });
      for (const message of this.queue.splice(0)) ws.send(JSON.stringify(message));
    };
    ws.onmessage = (event) => {
      if (typeof event.data === "string") {
        const message = JSON.parse(event.data);
        if (message.type === "hello") this.handlers.onHello(message);
        else if (message.type === "error") {  // code and params when the server gives them (i18n.js's errorText)
          this.handlers.onError({ message: message.message, code: message.code ?? null, params: message.params ?? {} });
        }
        return;
      }
      // Decode in arrival order (inflating is asynchronous).
      this.decoding = this.decoding
        .then(() => decodeFrame(event.data))
        .then((frame) => this.handlers.onFrame(frame))
        .catch((error) => this.handlers.onError({ message: String(error.message || error) }));
    };
    ws.onclose = (event) => {
      if (this.closed || this.ws !== ws) return;
      if (CLOSE_SESSION_GONE.has(event.code)) {
        this.closed = true;
        this.handlers.onGone();
        return;
      }
      if (CLOSE_REFUSED.has(event.code)) {
        this.closed = true;
        this.handlers.onRefused(event.reason || `closed (${event.code})`);
        return;
      }
      const seconds = Math.min(10, 2 ** this.retry);
      this.retry += 1;
      this.handlers.onStatus("disconnected", seconds);
      setTimeout(() => { if (!this.closed) this.connect(); }, seconds * 1000);
    };
  }

  /** Send a control message now, or as soon as the socket is open. */
  send(message) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
    else this.queue.push(message);
  }

  setView(view) {
    this.view = view;
    this.send({ type: "view", ...view });
  }

  close() {
    this.closed = true;
    if (this.ws) this.ws.close();
  }
}
