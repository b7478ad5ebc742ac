// The live stream: a WebSocket per session (docs/protocol.md) that reconnects by itself.
import { decodeFrame } from "./protocol.js";

const CLOSE_SESSION_GONE = new Set([4404, 4410]);
const CLOSE_REFUSED = new Set([1008, 4403, 4429]);  // retrying would be refused again
// Errors the server sends just before it closes the stream (docs/protocol.md): kept for the close handler,
// which shows them (in the page's language, by errorText) instead of the close's short English reason.
const CLOSING_CODES = new Set(["session.not_found", "session.lost", "auth.missing", "auth.wrong", "stream.too_many",
  "stream.session_ended", "stream.message_too_large", "stream.origin", "session.restarting"]);

export class Stream {
  /** handlers: {onHello(hello), onFrame(frame), onError({message, code, params}),
   *  onStatus("connecting"|"connected"|"disconnected", seconds, why), onGone(why), onRefused(why)};
   *  why: the server's error ({message, code, params}) saying why it closed the stream, or null (onRefused:
   *  {message: the close reason} when the server said nothing before) */
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
    let closing = null;  // the error the server sent before closing, if any
    ws.onopen = () => {
      this.retry = 0;
      this.handlers.onStatus("connected");
      if (this.view) this.send({ type: "view", ...this.view });
      if (this.fps !== 30) this.send({ type: "fps", value: this.fps });
      // The current view went first; a view queued before the socket opened would only repeat it.
      for (const message of this.queue.splice(0)) if (message.type !== "view") ws.send(JSON.stringify(message));
    };
    ws.onmessage = (event) => {
      if (typeof event.data === "string") {
        const message = JSON.parse(event.data);
        if (message.type === "hello") this.handlers.onHello(message);
        else if (message.type === "error") {  // code and params when the server gives them (i18n.js's errorText)
          const error = { message: message.message, code: message.code ?? null, params: message.params ?? {} };
          if (CLOSING_CODES.has(error.code)) closing = error;  // the close follows; its handler shows it
          else this.handlers.onError(error);
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
        this.handlers.onGone(closing);
        return;
      }
      if (CLOSE_REFUSED.has(event.code)) {
        this.closed = true;
        this.handlers.onRefused(closing ?? { message: event.reason || `closed (${event.code})` });
        return;
      }
      const seconds = Math.min(10, 2 ** this.retry);
      this.retry += 1;
      this.handlers.onStatus("disconnected", seconds, closing);  // e.g. 1009: a control message too large
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
