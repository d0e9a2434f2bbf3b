// One job: what it is, its args and result, every failed attempt with its stack trace, a
// timeline, its log lines, and retry/cancel/delete. It reloads when the job changes state.

import { html, nothing } from "../lib.js";
import { Page, Resource } from "../page.js";
import { get, post, del } from "../api.js";
import { events } from "../live.js";
import { session } from "../session.js";
import { Actions, stateBadge } from "../components.js";
import { duration, json, relative, timestamp, clock } from "../format.js";
import { navigate } from "../router.js";

const RETRYABLE = ["discarded", "cancelled", "retryable", "scheduled"];
const FINAL = ["completed", "discarded", "cancelled"];

export class JobPage extends Page {
  constructor(app, params) {
    super(app, params);
    this.id = params.id;
    this.title = `Job #${params.id}`;
  }

  start() {
    this.actions = new Actions(this);
    this.job = new Resource(this, () => get(`/api/jobs/${encodeURIComponent(this.id)}`));
    this.logs = new Resource(this, () => get(`/api/logs?job_id=${encodeURIComponent(this.id)}&limit=200`));
    this.load();
    this.own(events.on("jobs", (d) => {
      if (d.events.some((e) => String(e.id) === String(this.id))) this.load();
    }));
    this.own(events.on("reset", () => this.load()));
  }

  async load() {
    await Promise.all([this.job.refresh(), this.logs.refresh()]);
    if (this.job.data || this.job.error) this.ready("job");
  }

  async act(what) {
    if (what === "delete") {
      await del(`/api/jobs/${this.id}`);
      navigate("jobs");
      return `Job #${this.id} deleted.`;
    }
    const j = await post(`/api/jobs/${this.id}/${what}`);
    this.job.data = j;
    this.load();
    if (what === "retry") return `Job #${this.id} is available again and runs next.`;
    return j.state === "cancelled" ? `Job #${this.id} cancelled.` : `Cancel requested: the worker running #${this.id} interrupts it.`;
  }

  view() {
    return html`<section class="page job">
      <p class="crumbs"><a href="#/jobs">← Jobs</a></p>
      ${this.job.view((j) => this.content(j), { what: `job #${this.id}` })}
    </section>`;
  }

  content(j) {
    const operator = session.can("operator");
    return html`
      <div class="page-head">
        <h1 tabindex="-1">Job #${j.id} <span class="kind">${j.kind}</span></h1>
        ${stateBadge(j.state)}
        ${j.cancel_requested && !FINAL.includes(j.state) ? html`<span class="badge state-cancelled">cancel requested</span>` : nothing}
      </div>
      ${operator ? html`<div class="controls" role="group" aria-label="Actions on job ${j.id}">
          ${this.actions.button("retry", "Retry now", () => this.act("retry"), { busy: "Retrying…", disabled: !RETRYABLE.includes(j.state), kind: "primary",
            title: RETRYABLE.includes(j.state) ? "Make it available to run now" : `A ${j.state} job cannot be retried` })}
          ${this.actions.button("cancel", "Cancel", () => this.act("cancel"), { busy: "Cancelling…", disabled: FINAL.includes(j.state) || j.cancel_requested,
            confirm: j.state === "running" ? `Job #${j.id} is running: its worker interrupts it. Cancel it?` : undefined })}
          ${this.actions.button("delete", "Delete", () => this.act("delete"), { busy: "Deleting…", disabled: j.state === "running", kind: "danger",
            confirm: `Delete job #${j.id} for good?`, title: j.state === "running" ? "Cancel it first: a running job cannot be deleted" : undefined })}
        </div>
        ${["retry", "cancel", "delete"].map((k) => this.actions.result(k))}` : nothing}
      <div class="job-grid">
        <section class="card" aria-labelledby="facts-h">
          <h2 id="facts-h">Details</h2>
          <dl class="facts">
            <div><dt>Queue</dt><dd><a href="#/jobs?queue=${encodeURIComponent(j.queue)}">${j.queue}</a></dd></div>
            <div><dt>Kind</dt><dd><a href="#/jobs?kind=${encodeURIComponent(j.kind)}">${j.kind}</a></dd></div>
            <div><dt>Attempt</dt><dd>${j.attempt} of ${j.max_attempts}</dd></div>
            <div><dt>Priority</dt><dd>${j.priority}</dd></div>
            <div><dt>Created</dt><dd title=${timestamp(j.created_at)}>${relative(j.created_at)}</dd></div>
            <div><dt>Run at</dt><dd title=${timestamp(j.run_at)}>${relative(j.run_at)}</dd></div>
            ${j.finished_at ? html`<div><dt>Finished</dt><dd title=${timestamp(j.finished_at)}>${relative(j.finished_at)}</dd></div>` : nothing}
            ${j.worker_id ? html`<div><dt>Worker</dt><dd><a href="#/workers">${j.worker_id}</a></dd></div>` : nothing}
            ${j.lease_expires_at ? html`<div><dt>Lease until</dt><dd>${clock(j.lease_expires_at)}</dd></div>` : nothing}
            <div><dt>Timeout</dt><dd>${j.timeout_ms ? duration(j.timeout_ms) : "the worker's"}</dd></div>
            ${j.unique_key ? html`<div><dt>Unique key</dt><dd><code>${j.unique_key}</code></dd></div>` : nothing}
            ${j.tags.length ? html`<div><dt>Tags</dt><dd>${j.tags.map((t) => html`<a class="chip" href="#/jobs?tag=${encodeURIComponent(t)}">${t}</a> `)}</dd></div>` : nothing}
          </dl>
        </section>
        <section class="card" aria-labelledby="timeline-h">
          <h2 id="timeline-h">Timeline</h2>
          <ol class="timeline">${timeline(j).map((t) => html`<li class="tl-${t.tone}"><time datetime=${t.at} title=${timestamp(t.at)}>${clock(t.at)}</time> ${t.text}</li>`)}</ol>
        </section>
      </div>
      <section class="card" aria-labelledby="args-h">
        <h2 id="args-h">Args</h2>
        <pre class="json" tabindex="0" aria-labelledby="args-h">${json(j.args)}</pre>
      </section>
      ${j.result !== null ? html`<section class="card" aria-labelledby="result-h"><h2 id="result-h">Result</h2>
          <pre class="json" tabindex="0" aria-labelledby="result-h">${json(j.result)}</pre></section>` : nothing}
      <section class="card" aria-labelledby="errors-h">
        <h2 id="errors-h">Errors (${j.errors.length})</h2>
        ${j.errors.length === 0 ? html`<p class="empty">No failed attempt.</p>` : html`<ol class="errors">
          ${[...j.errors].reverse().map((e) => html`<li class="error-entry">
            <p><strong>Attempt ${e.attempt}</strong> on ${e.worker_id || "?"}, <time title=${timestamp(e.at)}>${relative(e.at)}</time>:
              <span class="error-class">${e.error_class || ""}</span></p>
            <p class="error-message">${e.error}</p>
            ${e.trace ? html`<details><summary>Stack trace</summary><pre class="trace" tabindex="0">${e.trace}</pre></details>` : nothing}
          </li>`)}</ol>`}
      </section>
      <section class="card" aria-labelledby="logs-h">
        <h2 id="logs-h">Log lines <a class="small-link" href="#/logs?job_id=${j.id}">follow live</a></h2>
        ${this.logs.view((r) => r.logs.length === 0
          ? html`<p class="empty">No log lines from this job (handlers log through SLF4J; lines are shipped by the worker).</p>`
          : html`<ol class="log-lines compact">${[...r.logs].reverse().map((l) => html`<li class="log lvl-${l.level}">
              <time title=${timestamp(l.created_at)}>${clock(l.created_at)}</time> <span class="lvl">${l.level}</span> <span class="msg">${l.message}</span></li>`)}</ol>`,
          { what: "log lines" })}
      </section>`;
  }
}

/** Created, due, each failed attempt, the current attempt and the end, in time order. */
function timeline(j) {
  const t = [{ at: j.created_at, text: "Enqueued", tone: "info" }];
  if (j.run_at && Date.parse(j.run_at) - Date.parse(j.created_at) > 1000 && j.errors.length === 0) {
    t.push({ at: j.run_at, text: "Due", tone: "info" });
  }
  for (const e of j.errors) {
    t.push({ at: e.at, text: `Attempt ${e.attempt} failed on ${e.worker_id || "?"}: ${e.error}`, tone: "bad" });
  }
  if (j.attempted_at) {
    t.push({ at: j.attempted_at, text: `Attempt ${j.attempt} started${j.worker_id ? " on " + j.worker_id : ""}`, tone: "info" });
  }
  if (j.finished_at) {
    const took = j.attempted_at ? ` after ${duration(Date.parse(j.finished_at) - Date.parse(j.attempted_at))}` : "";
    t.push({ at: j.finished_at, text: `${j.state[0].toUpperCase()}${j.state.slice(1)}${j.state === "completed" ? took : ""}`, tone: j.state === "completed" ? "ok" : "bad" });
  } else if (["retryable", "scheduled"].includes(j.state)) {
    t.push({ at: j.run_at, text: `Next attempt due`, tone: "warn" });
  }
  return t.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}
