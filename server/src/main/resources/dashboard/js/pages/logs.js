// Live log viewer: the last lines, then new ones as workers ship them (/api/logs/stream).
// Filters live in the address. Follow keeps the newest line in view; Pause holds new lines
// back (counted) until Resume.

import { html, nothing, repeat } from "../lib.js";
import { Page } from "../page.js";
import { get } from "../api.js";
import { Stream, STATUS } from "../live.js";
import { timestamp, clock, count } from "../format.js";
import { navigate } from "../router.js";

const LEVELS = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR"];
const TAIL = 200;
const MAX_LINES = 2000;
const MAX_HELD = 10000;

export class LogsPage extends Page {
  title = "Logs";

  start() {
    this.follow = true;
    this.paused = false;
    this.workers = [];
    get("/api/workers").then((r) => { this.workers = r.workers.map((w) => w.id); this.invalidate(); }).catch(() => {});
    this.own(() => this.stream && this.stream.close());
    this.routeChanged(this.params);
  }

  routeChanged(route) {
    const q = route.query;
    this.filter = { worker: q.get("worker") || "", level: q.get("level") || "", job_id: q.get("job_id") || "", q: q.get("q") || "" };
    this.connect();
  }

  connect() {
    if (this.stream) this.stream.close();
    this.lines = [];
    this.held = [];
    this.dropped = 0;
    this.streamError = null;
    this.gotTail = false;
    const params = { tail: TAIL };
    for (const [k, v] of Object.entries(this.filter)) if (v) params[k] = v;
    this.stream = new Stream("/api/logs/stream", params, {
      log: (line) => this.add(line),
      error: (e) => { this.streamError = e.message; this.invalidate(); },
    }, (status) => {
      if (status === STATUS.live) {
        this.streamError = null;
        // The tail arrives right after the stream opens; an empty result is ready too.
        setTimeout(() => this.ready("logs"), 300);
      }
      this.invalidate();
    }).start();
    this.invalidate();
  }

  add(line) {
    if (this.paused) {
      this.held.push(line);
      if (this.held.length > MAX_HELD) {
        this.held.shift();
        this.dropped++;
      }
    } else {
      this.lines.push(line);
      if (this.lines.length > MAX_LINES) this.lines.splice(0, this.lines.length - MAX_LINES);
    }
    this.invalidate();
  }

  togglePause() {
    this.paused = !this.paused;
    if (!this.paused) {
      this.lines.push(...this.held);
      if (this.lines.length > MAX_LINES) this.lines.splice(0, this.lines.length - MAX_LINES);
      this.held = [];
      this.dropped = 0;
    }
    this.invalidate();
  }

  rendered() {
    if (!this.follow || this.paused) return;
    const box = document.getElementById("log-box");
    if (box) box.scrollTop = box.scrollHeight;
  }

  applyForm(e) {
    e.preventDefault();
    const form = e.target;
    const params = {};
    for (const k of ["worker", "level", "job_id", "q"]) {
      const v = form.elements[k].value.trim();
      if (v) params[k] = v;
    }
    navigate("logs", params);
  }

  view() {
    const f = this.filter;
    const status = this.stream ? this.stream.status : STATUS.closed;
    return html`<section class="page logs">
      <div class="page-head"><h1 tabindex="-1">Logs</h1>
        <p class="connection conn-${status}" role="status" id="log-stream-status"><span class="dot" aria-hidden="true"></span>${statusText(status)}</p>
      </div>
      <form class="filters card" @submit=${(e) => this.applyForm(e)} aria-label="Filter log lines">
        <div class="fields">
          <label>Worker <select name="worker">
            <option value="" ?selected=${!f.worker}>all workers</option>
            ${[...new Set([...this.workers, ...(f.worker ? [f.worker] : [])])].map((w) => html`<option ?selected=${f.worker === w}>${w}</option>`)}
          </select></label>
          <label>Level at least <select name="level">
            <option value="" ?selected=${!f.level}>any</option>
            ${LEVELS.map((l) => html`<option ?selected=${f.level === l}>${l}</option>`)}
          </select></label>
          <label>Job ID <input name="job_id" inputmode="numeric" pattern="[0-9]*" .value=${f.job_id} autocomplete="off"></label>
          <label>Text <input name="q" type="search" .value=${f.q} placeholder="in the message" autocomplete="off"></label>
        </div>
        <div class="buttons">
          <button type="submit" class="primary">Apply filters</button>
          <button type="button" @click=${() => navigate("logs")}>Clear</button>
        </div>
      </form>
      <div class="toolbar">
        <label class="check"><input type="checkbox" id="follow" .checked=${this.follow}
          @change=${(e) => { this.follow = e.target.checked; this.invalidate(); }}> Follow (keep the newest line in view)</label>
        <button type="button" id="pause-logs" aria-pressed=${this.paused ? "true" : "false"} @click=${() => this.togglePause()}>
          ${this.paused ? `Resume (${count(this.held.length)} new)` : "Pause"}</button>
        <span class="help">${count(this.lines.length)} line${this.lines.length === 1 ? "" : "s"} shown (the last ${TAIL}, then live; at most ${count(MAX_LINES)})</span>
      </div>
      ${this.dropped ? html`<p class="banner warn" role="status">${count(this.dropped)} older held lines were dropped while paused.</p>` : nothing}
      ${this.streamError ? html`<p class="banner error" role="alert">The log stream failed: ${this.streamError}. Reconnecting…</p>` : nothing}
      ${status === STATUS.reconnecting ? html`<p class="banner warn" role="status">The log stream dropped; reconnecting and resuming after the last line shown.</p>` : nothing}
      <div id="log-box" class="log-box" role="log" aria-live="off" aria-label="Log lines, oldest first" tabindex="0">
        ${this.lines.length === 0
          ? html`<p class="empty">${status === STATUS.live ? "No log lines match yet. New ones appear here as workers ship them." : "Connecting…"}</p>`
          : html`<ol class="log-lines">${repeat(this.lines, (l) => l.id, line)}</ol>`}
      </div>
    </section>`;
  }
}

function line(l) {
  const fields = l.fields && Object.keys(l.fields).length ? Object.entries(l.fields).map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`).join(" ") : "";
  return html`<li class="log lvl-${l.level}" data-log=${l.id}>
    <time datetime=${l.created_at} title=${timestamp(l.created_at)}>${clock(l.created_at)}</time>
    <span class="lvl">${l.level}</span>
    <span class="worker" title="worker">${l.worker_id}</span>
    ${l.job_id !== null ? html`<a class="job-link" href="#/jobs/${l.job_id}" title="Open job ${l.job_id}">job #${l.job_id}</a>` : nothing}
    <span class="logger" title=${l.logger || ""}>${shortLogger(l.logger)}</span>
    <span class="msg">${l.message}</span>
    ${fields ? html`<span class="fields">${fields}</span>` : nothing}
    ${l.exception ? html`<details><summary>exception</summary><pre class="trace">${l.exception}</pre></details>` : nothing}
  </li>`;
}

function shortLogger(name) {
  if (!name) return "";
  const parts = name.split(".");
  return parts.length <= 2 ? name : parts.slice(0, -1).map((p) => p[0]).join(".") + "." + parts[parts.length - 1];
}

function statusText(status) {
  return { live: "Live", connecting: "Connecting…", reconnecting: "Reconnecting…", closed: "Not connected" }[status] || status;
}
