// Server-Sent Events with an honest status. EventSource reconnects by itself after a dropped
// connection; when the server refuses the stream (a restart in progress, a 401), the browser
// gives up, so this reopens it with a growing delay and resumes from the last event id.

import { session } from "./session.js";
import { query, get, ApiError } from "./api.js";

export const STATUS = {
  connecting: "connecting",
  live: "live",
  reconnecting: "reconnecting",
  closed: "closed",
};

export class Stream {
  /**
   * @param path       "/api/events" or "/api/logs/stream"
   * @param params     query parameters (filters)
   * @param handlers   event name -> function(data, event)
   * @param onStatus   function(status, detail) on every change
   */
  constructor(path, params, handlers, onStatus) {
    this.path = path;
    this.params = params;
    this.handlers = handlers;
    this.onStatus = onStatus || (() => {});
    this.status = STATUS.closed;
    this.lastEventId = null;
    this.source = null;
    this.retryDelay = 1000;
    this.retryTimer = null;
    this.everOpened = false;
  }

  start() {
    this.stopped = false;
    this.open();
    return this;
  }

  open() {
    const params = { ...this.params, access_token: session.token };
    if (this.lastEventId) params.last_event_id = this.lastEventId;
    const source = new EventSource(this.path + query(params));
    this.source = source;
    this.setStatus(this.everOpened ? STATUS.reconnecting : STATUS.connecting);
    source.onopen = () => {
      this.everOpened = true;
      this.retryDelay = 1000;
      this.setStatus(STATUS.live);
    };
    source.onerror = () => {
      if (this.stopped) return;
      if (source.readyState === EventSource.CLOSED) {
        this.setStatus(STATUS.reconnecting, "the server refused the stream");
        this.scheduleReopen();
      } else {
        this.setStatus(STATUS.reconnecting, "connection lost");
      }
    };
    for (const [name, fn] of Object.entries(this.handlers)) {
      source.addEventListener(name, (e) => {
        if (e.lastEventId) this.lastEventId = e.lastEventId;
        let data = null;
        try {
          data = JSON.parse(e.data);
        } catch {
          return;
        }
        fn(data, e);
      });
    }
  }

  scheduleReopen() {
    this.source.close();
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(async () => {
      if (this.stopped) return;
      // A refused stream may mean the token was revoked: ask the API, which ends the session on 401.
      try {
        await get("/api/me");
      } catch (e) {
        if (e instanceof ApiError && e.status === 401) return;
      }
      if (!this.stopped) this.open();
    }, this.retryDelay);
    this.retryDelay = Math.min(this.retryDelay * 2, 15000);
  }

  setStatus(status, detail) {
    if (status === this.status && detail === this.detail) return;
    this.status = status;
    this.detail = detail;
    this.onStatus(status, detail);
  }

  close() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    if (this.source) this.source.close();
    this.setStatus(STATUS.closed);
  }
}

/**
 * The one /api/events connection the pages share: job state changes, workers and commands.
 * Pages subscribe with on(type, fn) and unsubscribe with the function it returns.
 */
class Events {
  constructor() {
    this.subscribers = new Map();
    this.statusListeners = new Set();
    this.stream = null;
    this.status = STATUS.closed;
  }

  start() {
    if (this.stream) return;
    const dispatch = (type) => (data) => (this.subscribers.get(type) || new Set()).forEach((fn) => fn(data));
    this.stream = new Stream(
      "/api/events",
      { types: "jobs,workers,commands" },
      {
        jobs: dispatch("jobs"),
        worker: dispatch("worker"),
        worker_removed: dispatch("worker_removed"),
        command: dispatch("command"),
        reset: dispatch("reset"),
      },
      (status, detail) => {
        const wasDown = this.status === STATUS.reconnecting;
        this.status = status;
        this.detail = detail;
        this.statusListeners.forEach((fn) => fn(status, detail));
        // Events may have been missed while down and the server may not know it (a restart):
        // the pages reload, as they do on a reset.
        if (wasDown && status === STATUS.live) dispatch("reset")({ reason: "reconnected" });
      },
    ).start();
  }

  stop() {
    if (this.stream) this.stream.close();
    this.stream = null;
  }

  on(type, fn) {
    if (!this.subscribers.has(type)) this.subscribers.set(type, new Set());
    this.subscribers.get(type).add(fn);
    return () => this.subscribers.get(type).delete(fn);
  }

  onStatus(fn) {
    this.statusListeners.add(fn);
    return () => this.statusListeners.delete(fn);
  }
}

export const events = new Events();
