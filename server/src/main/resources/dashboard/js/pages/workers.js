// Workers: a card per worker with its status in colour, a ticking heartbeat age, its queues and
// counts, and (for operators) the commands: start, stop, restart, pause/resume a queue,
// shutdown and a live configuration form. Each command waits for the worker's acknowledgement.

import { html, nothing, repeat } from "../lib.js";
import { Page, Resource } from "../page.js";
import { get, post } from "../api.js";
import { events } from "../live.js";
import { session } from "../session.js";
import { Actions, livenessBadge, freshness } from "../components.js";
import { count, duration, relative, timestamp } from "../format.js";

const WAIT_MS = 10000;
const LOG_LEVELS = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR"];

/** Sends a command and turns the acknowledgement into a sentence. */
export async function sendCommand(workerId, command, payload = {}) {
  const target = workerId === null ? "/api/workers/commands" : `/api/workers/${encodeURIComponent(workerId)}/commands`;
  const c = await post(`${target}?wait_ms=${WAIT_MS}`, { command, payload });
  const copies = c.workers || [];
  const failed = copies.filter((w) => w.status === "failed" || w.status === "expired");
  if (failed.length > 0) {
    throw new Error(`${command}: ${failed.map((w) => `${w.worker_id}: ${w.error || w.status}`).join("; ")}`);
  }
  if (c.status === "pending") {
    return `${command} sent; not acknowledged within ${WAIT_MS / 1000} s yet (the worker may be busy or slow to poll).`;
  }
  const who = copies.length === 1 ? copies[0].worker_id : `${copies.length} workers`;
  const took = copies.length === 1 && copies[0].processed_at ? ` in ${duration(Date.parse(copies[0].processed_at) - Date.parse(c.created_at))}` : "";
  return `${command} acknowledged by ${who}${took}.`;
}

export class WorkersPage extends Page {
  title = "Workers";

  start() {
    this.actions = new Actions(this);
    this.hideDead = false;
    this.openConfig = new Set();
    this.list = new Resource(this, async () => {
      const r = await get("/api/workers");
      const at = Date.now();
      return new Map(r.workers.map((w) => [w.id, { ...w, receivedAt: at }]));
    });
    this.load();
    this.every(15000, () => this.list.refresh());
    this.own(events.on("worker", (w) => this.upsert(w)));
    this.own(events.on("worker_removed", (w) => {
      if (this.list.data) this.list.data.delete(w.id);
      this.invalidate();
    }));
    this.own(events.on("reset", () => this.list.refresh()));
  }

  async load() {
    await this.list.refresh();
    if (this.list.data) this.ready("workers");
  }

  upsert(w) {
    if (!this.list.data) return;
    this.list.data.set(w.id, { ...w, receivedAt: Date.now() });
    this.invalidate();
  }

  view() {
    return html`<section class="page workers">
      <div class="page-head">
        <h1 tabindex="-1">Workers</h1>
        ${freshness(this.list.updatedAt, 45000)}
      </div>
      ${this.list.view((map) => this.content([...map.values()]), { what: "workers" })}
    </section>`;
  }

  content(all) {
    const now = Date.now();
    const shown = all
      .map((w) => ({ w, live: liveness(w, now) }))
      .filter((x) => !(this.hideDead && x.live === "dead"))
      .sort((a, b) => (a.live === "dead") - (b.live === "dead") || a.w.id.localeCompare(b.w.id));
    const dead = all.filter((w) => liveness(w, now) === "dead").length;
    const operator = session.can("operator");
    return html`
      <div class="toolbar">
        <p class="summary">${all.length} worker${all.length === 1 ? "" : "s"}: ${all.length - dead} alive${dead ? html`, <span class="bad-text">${dead} dead</span>` : nothing}</p>
        <label class="check"><input type="checkbox" .checked=${this.hideDead} @change=${(e) => { this.hideDead = e.target.checked; this.invalidate(); }}> Hide dead workers</label>
        ${operator && all.length > 0
          ? html`<div class="group" role="group" aria-label="Commands to every live worker">
              ${this.actions.button("all:start", "Start all", () => sendCommand(null, "start"), { busy: "Starting all…" })}
              ${this.actions.button("all:stop", "Stop all", () => sendCommand(null, "stop"), { busy: "Stopping all…",
                confirm: "Stop every live worker? Running jobs finish; no new jobs are claimed until they are started again." })}
            </div>`
          : nothing}
      </div>
      ${this.actions.result("all:start")}${this.actions.result("all:stop")}
      ${all.length === 0
        ? html`<p class="panel empty">No worker has registered yet. Start one with <code>gantry worker</code> (or <code>gantry server</code>, which runs one) against this database.</p>`
        : html`<ul class="cards worker-cards" aria-label="Workers">
            ${repeat(shown, (x) => x.w.id, (x) => this.card(x.w, x.live, now, operator))}
          </ul>`}`;
  }

  card(w, live, now, operator) {
    const age = w.heartbeat_age_ms + (now - w.receivedAt);
    const alive = live !== "dead";
    const id = w.id;
    const key = (k) => `${id}:${k}`;
    const headingId = `worker-${cssId(id)}`;
    const queues = Array.isArray(w.queues) ? w.queues : [];
    const config = w.config || {};
    return html`<li class="card worker-card live-${live}" data-worker=${id} aria-labelledby=${headingId}>
      <div class="card-head">
        <h2 id=${headingId}>${id}</h2>
        ${livenessBadge(live)}
      </div>
      <dl class="facts">
        <div><dt>Heartbeat</dt><dd class="heartbeat ${age > w.heartbeat_interval_ms * 3 ? "late" : ""}" data-age-ms=${Math.round(age)}>${duration(Math.max(0, age))} ago</dd></div>
        <div><dt>Host</dt><dd>${w.host} (pid ${w.pid})</dd></div>
        <div><dt>Version</dt><dd>${w.version || "–"}</dd></div>
        <div><dt>Started</dt><dd title=${timestamp(w.started_at)}>${relative(w.started_at)}</dd></div>
        <div><dt>Processed</dt><dd>${count(w.jobs_processed)}</dd></div>
        <div><dt>Failed</dt><dd class=${w.jobs_failed > 0 ? "bad-text" : ""}>${count(w.jobs_failed)}</dd></div>
        <div><dt>Running</dt><dd>${count(w.running_jobs)}</dd></div>
        <div><dt>Poll interval</dt><dd>${config.poll_interval_ms ? duration(config.poll_interval_ms) : "–"}</dd></div>
        ${config.log_level ? html`<div><dt>Log level</dt><dd>${config.log_level}</dd></div>` : nothing}
      </dl>
      ${w.error ? html`<p class="result fail">Error: ${w.error}</p>` : nothing}
      ${!alive ? html`<p class="help">No heartbeat for ${duration(age)} (dead after ${duration(w.dead_timeout_ms)}); its running jobs are rescued when their leases expire.</p>` : nothing}
      <table class="queues-mini">
        <caption class="visually-hidden">Queues of ${id}</caption>
        <thead><tr><th scope="col">Queue</th><th scope="col">Concurrency</th><th scope="col">Running</th><th scope="col">State</th>${operator ? html`<th scope="col"><span class="visually-hidden">Actions</span></th>` : nothing}</tr></thead>
        <tbody>${queues.map((q) => html`<tr>
          <th scope="row"><a href="#/jobs?queue=${encodeURIComponent(q.name)}">${q.name}</a></th>
          <td class="num">${q.concurrency}</td><td class="num">${q.running}</td>
          <td>${q.paused_locally ? html`<span class="badge worker-paused">paused here</span>` : nothing}
              ${q.paused_globally ? html`<span class="badge worker-paused" title="Paused for all workers on the Queues page">paused everywhere</span>` : nothing}
              ${!q.paused ? html`<span class="badge worker-running">active</span>` : nothing}</td>
          ${operator
            ? html`<td>${q.paused_locally
                ? this.actions.button(key(`resume:${q.name}`), "Resume", () => sendCommand(id, "resume_queue", { queue: q.name }),
                    { busy: "Resuming…", disabled: !alive, kind: "small", title: `Resume ${q.name} on ${id}` })
                : this.actions.button(key(`pause:${q.name}`), "Pause", () => sendCommand(id, "pause_queue", { queue: q.name }),
                    { busy: "Pausing…", disabled: !alive, kind: "small", title: `Pause ${q.name} on ${id}` })}</td>`
            : nothing}
        </tr>`)}</tbody>
      </table>
      ${queues.map((q) => html`${this.actions.result(key(`pause:${q.name}`))}${this.actions.result(key(`resume:${q.name}`))}`)}
      ${operator ? this.controls(w, live, alive, key) : nothing}
    </li>`;
  }

  controls(w, live, alive, key) {
    const id = w.id;
    const status = w.status;
    const canStart = alive && (status === "stopped" || status === "error");
    const canStop = alive && (status === "running" || status === "paused");
    const settled = alive && status !== "stopping";
    const busy = this.actions.anyRunning(`${id}:`);
    return html`<div class="controls" role="group" aria-label="Commands for ${id}">
        ${this.actions.button(key("start"), "Start", () => sendCommand(id, "start"), { busy: "Starting…", disabled: !canStart || busy, kind: "primary" })}
        ${this.actions.button(key("stop"), "Stop", () => sendCommand(id, "stop"), { busy: "Stopping…", disabled: !canStop || busy })}
        ${this.actions.button(key("restart"), "Restart", () => sendCommand(id, "restart"), { busy: "Restarting…", disabled: !settled || busy })}
        ${this.actions.button(key("shutdown"), "Shut down", () => sendCommand(id, "shutdown"), { busy: "Shutting down…", disabled: !settled || busy, kind: "danger",
          confirm: `Shut down ${id}? The process finishes its running jobs and exits; something outside Gantry (systemd, Kubernetes) must start it again.` })}
        <button type="button" class="link" aria-expanded=${this.openConfig.has(id) ? "true" : "false"} ?disabled=${!alive}
          @click=${() => { this.openConfig.has(id) ? this.openConfig.delete(id) : this.openConfig.add(id); this.invalidate(); }}>Configure…</button>
      </div>
      ${["start", "stop", "restart", "shutdown", "config"].map((k) => this.actions.result(key(k)))}
      ${this.openConfig.has(id) && alive ? this.configForm(w, key) : nothing}`;
  }

  configForm(w, key) {
    const id = w.id;
    const queues = Array.isArray(w.queues) ? w.queues : [];
    const config = w.config || {};
    const submit = (e) => {
      e.preventDefault();
      const form = e.target;
      const payload = {};
      const concurrency = {};
      for (const q of queues) {
        const v = Number(form.elements[`concurrency-${q.name}`].value);
        if (v !== q.concurrency) concurrency[q.name] = v;
      }
      if (Object.keys(concurrency).length) payload.concurrency = concurrency;
      const poll = Number(form.elements.poll_interval_ms.value);
      if (poll !== config.poll_interval_ms) payload.poll_interval_ms = poll;
      const level = form.elements.log_level.value;
      if (level && level !== (config.log_level || "")) payload.log_level = level;
      if (Object.keys(payload).length === 0) {
        this.actions.run(key("config"), async () => "Nothing changed.");
        return;
      }
      this.actions.run(key("config"), () => sendCommand(id, "update_config", payload));
    };
    const fid = cssId(id);
    return html`<form class="config-form" @submit=${submit} aria-label="Configuration of ${id}">
      <fieldset>
        <legend>Concurrency per queue</legend>
        ${queues.map((q) => html`<label for="c-${fid}-${cssId(q.name)}">${q.name}</label>
          <input id="c-${fid}-${cssId(q.name)}" name="concurrency-${q.name}" type="number" min="1" max="10000" required .value=${String(q.concurrency)}>`)}
      </fieldset>
      <label for="p-${fid}">Poll interval (ms)</label>
      <input id="p-${fid}" name="poll_interval_ms" type="number" min="10" max="3600000" required .value=${String(config.poll_interval_ms ?? 1000)}>
      <label for="l-${fid}">Log level</label>
      <select id="l-${fid}" name="log_level">
        <option value="" ?selected=${!config.log_level}>(unchanged)</option>
        ${LOG_LEVELS.map((l) => html`<option ?selected=${config.log_level === l}>${l}</option>`)}
      </select>
      ${this.actions.isRunning(key("config"))
        ? html`<button type="submit" disabled aria-busy="true"><span class="spinner" aria-hidden="true"></span>Applying…</button>`
        : html`<button type="submit" class="primary">Apply</button>`}
    </form>`;
  }
}

/** What the card shows: the server's liveness, or dead once the heartbeat is overdue here. */
function liveness(w, now) {
  const age = w.heartbeat_age_ms + (now - w.receivedAt);
  if (!w.alive || age > w.dead_timeout_ms) return "dead";
  return w.status;
}

function cssId(s) {
  return String(s).replace(/[^A-Za-z0-9_-]/g, "_");
}
