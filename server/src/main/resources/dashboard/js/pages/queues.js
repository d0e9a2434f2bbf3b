// Queues: counts by state, the pause that holds for every worker, and each worker's
// concurrency on the queue (editable by operators, sent as an update_config command).

import { html, nothing, repeat } from "../lib.js";
import { Page, Resource } from "../page.js";
import { get, post } from "../api.js";
import { events } from "../live.js";
import { session } from "../session.js";
import { Actions, JOB_STATES, stateBadge, freshness } from "../components.js";
import { count, duration, relative, timestamp } from "../format.js";
import { sendCommand } from "./workers.js";

const REFRESH_MS = 5000;

export class QueuesPage extends Page {
  title = "Queues";

  start() {
    this.actions = new Actions(this);
    this.list = new Resource(this, () => get("/api/queues"));
    this.load();
    this.every(REFRESH_MS, () => this.list.refresh());
    this.own(events.on("reset", () => this.list.refresh()));
  }

  async load() {
    await this.list.refresh();
    if (this.list.data) this.ready("queues");
  }

  async pause(name, pause) {
    const q = await post(`/api/queues/${encodeURIComponent(name)}/${pause ? "pause" : "resume"}`);
    await this.list.refresh();
    return pause ? `${name} paused for every worker${q.paused_by ? ` (by ${q.paused_by})` : ""}.` : `${name} resumed.`;
  }

  setConcurrency(e, queue, workerId) {
    e.preventDefault();
    const value = Number(e.target.elements.concurrency.value);
    this.actions.run(`${queue}:${workerId}:concurrency`, async () => {
      const message = await sendCommand(workerId, "update_config", { concurrency: { [queue]: value } });
      await this.list.refresh();
      return message;
    });
  }

  view() {
    return html`<section class="page queues">
      <div class="page-head">
        <h1 tabindex="-1">Queues</h1>
        ${freshness(this.list.updatedAt, REFRESH_MS * 3)}
      </div>
      ${this.list.view((r) => this.content(r.queues), { what: "queues" })}
    </section>`;
  }

  content(queues) {
    if (queues.length === 0) {
      return html`<p class="panel empty">No queues yet: a queue appears when it has jobs or a worker serves it.</p>`;
    }
    const operator = session.can("operator");
    return html`<ul class="cards queue-cards" aria-label="Queues">
      ${repeat(queues, (q) => q.name, (q) => html`<li class="card queue-card ${q.paused ? "is-paused" : ""}" data-queue=${q.name} aria-labelledby="q-${q.name}">
        <div class="card-head">
          <h2 id="q-${q.name}"><a href="#/jobs?queue=${encodeURIComponent(q.name)}">${q.name}</a></h2>
          ${q.paused ? html`<span class="badge worker-paused">paused</span>` : html`<span class="badge worker-running">active</span>`}
        </div>
        ${q.paused ? html`<p class="help">Paused ${q.paused_at ? html`<span title=${timestamp(q.paused_at)}>${relative(q.paused_at)}</span>` : nothing}
          ${q.paused_by ? `by ${q.paused_by}` : ""}: running jobs finish, new ones wait, on every worker.</p>` : nothing}
        <ul class="state-counts" aria-label="Jobs in ${q.name} by state">
          ${JOB_STATES.map((st) => html`<li><a href="#/jobs?queue=${encodeURIComponent(q.name)}&state=${st}">${stateBadge(st)} <span class="num">${count(q.counts[st])}</span></a></li>`)}
        </ul>
        <p class="help">Oldest available: ${q.oldest_available_age_seconds === null ? "none waiting" : duration(q.oldest_available_age_seconds * 1000)}</p>
        ${operator ? html`<div class="controls">
            ${q.paused
              ? this.actions.button(`${q.name}:resume`, "Resume", () => this.pause(q.name, false), { busy: "Resuming…", kind: "primary" })
              : this.actions.button(`${q.name}:pause`, "Pause for all workers", () => this.pause(q.name, true), { busy: "Pausing…",
                  confirm: `Pause ${q.name} on every worker, including ones started later, until it is resumed?` })}
          </div>
          ${this.actions.result(`${q.name}:pause`)}${this.actions.result(`${q.name}:resume`)}` : nothing}
        ${q.workers.length === 0 ? html`<p class="empty">No live worker serves this queue.</p>` : html`<table class="queues-mini">
          <caption>Workers serving ${q.name}</caption>
          <thead><tr><th scope="col">Worker</th><th scope="col">Running</th><th scope="col">Concurrency</th></tr></thead>
          <tbody>${q.workers.map((w) => html`<tr>
            <th scope="row">${w.worker_id}${w.paused_locally ? html` <span class="badge worker-paused">paused here</span>` : nothing}</th>
            <td class="num">${count(w.running)}</td>
            <td>${operator
              ? html`<form class="inline" @submit=${(e) => this.setConcurrency(e, q.name, w.worker_id)}>
                  <label class="visually-hidden" for="cc-${q.name}-${w.worker_id}">Concurrency of ${q.name} on ${w.worker_id}</label>
                  <input id="cc-${q.name}-${w.worker_id}" name="concurrency" type="number" min="1" max="10000" required .value=${String(w.concurrency)}>
                  <button type="submit" class="small" ?disabled=${this.actions.isRunning(`${q.name}:${w.worker_id}:concurrency`)}>Set</button>
                </form>${this.actions.result(`${q.name}:${w.worker_id}:concurrency`)}`
              : count(w.concurrency)}</td>
          </tr>`)}</tbody></table>`}
      </li>`)}
    </ul>`;
  }
}
