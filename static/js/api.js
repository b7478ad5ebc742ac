// The REST client: every call carries the session's token and the page's language, and turns a server
// error into an ApiError carrying the server's code and params (shown to the student in the page's
// language by i18n.js's errorText, never swallowed) and its sentence as the message.
import { currentLanguage } from "./i18n.js";

export class ApiError extends Error {
  /** status: the HTTP status (0: no answer); code and params: from the error body (MESSAGES' keys). */
  constructor(status, message, code = null, params = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.params = params;
  }
}

/** The page's language as an Accept-Language header, so that a server sentence (detail) matches it. */
export function acceptLanguage() {
  return currentLanguage() === "zh" ? "zh-CN,zh;q=0.9,en;q=0.5" : "en";
}

/** A JSON call with the page's language and, if given, a bearer token (fetch sends this server's cookies too); the
 *  answer's body, null for 204; an ApiError for an error answer or no answer at all. */
export async function request(method, url, { token, body } = {}) {
  const headers = { "Accept-Language": acceptLanguage() };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (error) {
    throw new ApiError(0, `the server cannot be reached (${error.message})`, "client.unreachable",
      { reason: error.message });
  }
  if (response.status === 204) return null;
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    throw new ApiError(response.status, (data && data.detail) || `HTTP ${response.status}`,
      (data && data.code) || null, (data && data.params) || {});
  }
  return data;
}

/** One session on the server, seen through REST. */
export class Session {
  constructor(created) {
    this.id = created.id;
    this.token = created.token;
    this.ahead = {};  // answers asked for before the page asks (see answerAhead), by name; each used once
  }

  static async create(config) {
    const created = await request("POST", "/api/sessions", { body: config });
    return new Session(created).answerAhead(created);
  }

  static async import(document) {
    const created = await request("POST", "/api/sessions/import", { body: { document } });
    return { session: new Session(created).answerAhead(created), described: created };
  }

  /** A new session's first paint waits for its description and its points: the description is the creation's
   *  own answer (no GET), and the points are asked for now, while the stream opens, rather than after its first
   *  frame. Each is used once, and only while nothing has changed the session (any call but a GET forgets them). */
  answerAhead(created) {
    const { token: _, ...described } = created;
    const data = request("GET", `/api/sessions/${this.id}/data`, { token: this.token });
    data.catch(() => {});  // a failure is shown when the page asks for the points, not as an unhandled rejection
    this.ahead = { describe: Promise.resolve(described), data };
    return this;
  }

  /** The answer asked for ahead under `name`, once; else ask(). */
  answer(name, ask) {
    const early = this.ahead[name];
    delete this.ahead[name];
    return early ?? ask();
  }

  call(method, path = "", body) {
    if (method !== "GET") this.ahead = {};  // the session may change: answers from before would be stale
    return request(method, `/api/sessions/${this.id}${path}`, { token: this.token, body });
  }

  describe() { return this.answer("describe", () => this.call("GET")); }
  update(changes) { return this.call("PATCH", "", changes); }
  data() { return this.answer("data", () => this.call("GET", "/data")); }
  history() { return this.call("GET", "/history"); }
  exportModel() { return this.call("GET", "/model"); }
  editWeight(layer, row, col, value) { return this.call("PATCH", "/weights", { layer, row, col, value }); }

  /** Best effort: free the server's memory when the page goes away. */
  close() {
    fetch(`/api/sessions/${this.id}`, {
      method: "DELETE", keepalive: true, headers: { Authorization: `Bearer ${this.token}`, "Accept-Language": acceptLanguage() },
    }).catch(() => {});
  }
}

/** One two-input neuron evaluated by the engine: a, its line, and each activation's output. */
export function neuron(body) {
  return request("POST", "/api/neuron", { body });
}

export function preview(dataConfig) {
  return request("POST", "/api/datasets/preview", { body: dataConfig });
}

/** The chapter's error surface and descent paths (a lesson figure). */
export function surface(body) {
  return request("POST", "/api/surface", { body });
}
