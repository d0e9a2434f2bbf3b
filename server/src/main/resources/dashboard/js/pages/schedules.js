// Schedules: jobs made on a clock (docs/schedules.md). Each row says its spec in words, its
// next run and its last run (with the job it made); operators pause, resume, delete, create
// and edit. A row's "next runs" opens the schedule's next five run times.

import { html, nothing, repeat } from "../lib.js";
import { Page, Resource } from "../page.js";
import { api, get, post, del } from "../api.js";
import { session } from "../session.js";
import { Actions, freshness } from "../components.js";
import { relative, timestamp, json, serverNow } from "../format.js";

const REFRESH_MS = 5000;
const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const UNITS = { s: "second", m: "minute", h: "hour", d: "day" };

/** A spec in words where it is a common shape; the spec itself otherwise. */
export function describeSpec(spec) {
  const every = /^every (\d+)([smhd])$/.exec(spec);
  if (every) return `every ${every[1] === "1" ? "" : every[1] + " "}${UNITS[every[2]]}${every[1] === "1" ? "" : "s"}`;
  let f = spec.trim().split(/\s+/);
  let seconds = "";
  if (f.length === 6) {
    if (f[0] !== "0") {
      const s = /^\*\/(\d+)$/.exec(f[0]);
      if (s && f.slice(1).every((x) => x === "*")) return `every ${s[1]} seconds`;
      seconds = f[0] === "*" ? "every second of " : `at second ${f[0]} of `;
    }
    f = f.slice(1);
  }
  if (f.length !== 5) return spec;
  const [min, hour, dom, month, dow] = f;
  const two = (x) => String(x).padStart(2, "0");
  const fixed = (x) => /^\d+$/.test(x);
  const time = fixed(min) && fixed(hour) ? `${two(hour)}:${two(min)}` : null;
  const step = /^\*\/(\d+)$/.exec(min);
  if (step && hour === "*" && dom === "*" && month === "*" && dow === "*") return seconds + `every ${step[1]} minutes`;
  if (min === "*" && hour === "*" && dom === "*" && month === "*" && dow === "*") return seconds + "every minute";
  if (fixed(min) && hour === "*" && dom === "*" && month === "*" && dow === "*") return seconds + `hourly at minute ${min}`;
  if (time && dom === "*" && month === "*" && dow === "*") return seconds + `daily at ${time}`;
  if (time && dom === "*" && month === "*" && fixed(dow)) return seconds + `every ${DAYS[Number(dow)]} at ${time}`;
  if (time && dom === "*" && month === "*" && /^(1-5|MON-FRI)$/i.test(dow)) return seconds + `weekdays at ${time}`;
  if (time && fixed(dom) && month === "*" && dow === "*") return seconds + `monthly on day ${dom} at ${time}`;
  return spec;
}

export class SchedulesPage extends Page {
  title = "Schedules";

  start() {
    this.actions = new Actions(this);
    this.list = new Resource(this, () => get("/api/schedules"));
    this.nextRuns = new Map();
    this.editing = null;   // null: no form; {}: a new schedule; a schedule: editing it
    this.load();
    this.every(REFRESH_MS, () => this.list.refresh());
  }

  async load() {
    await this.list.refresh();
    if (this.list.data) this.ready("schedules");
  }

  path(name) {
    return `/api/schedules/${encodeURIComponent(name)}`;
  }

  async toggleNextRuns(name) {
    if (this.nextRuns.has(name)) {
      this.nextRuns.delete(name);
    } else {
      const s = await get(this.path(name));
      this.nextRuns.set(name, s.next_runs);
    }
    this.invalidate();
  }

  async pause(name, pause) {
    await post(`${this.path(name)}/${pause ? "pause" : "resume"}`);
    this.nextRuns.delete(name);
    await this.list.refresh();
    return pause ? `${name} paused.` : `${name} resumed: its next run is the first after now.`;
  }

  async remove(name) {
    await del(this.path(name));
    this.nextRuns.delete(name);
    await this.list.refresh();
    return `${name} deleted (the jobs it made stay).`;
  }

  save(e) {
    e.preventDefault();
    const f = e.target.elements;
    const name = f.name.value.trim();
    this.actions.run("save", async () => {
      let args;
      try {
        args = f.args.value.trim() === "" ? {} : JSON.parse(f.args.value);
      } catch (err) {
        throw new Error(`args: not JSON (${err.message})`);
      }
      const body = { spec: f.spec.value.trim(), kind: f.kind.value.trim(), args, queue: f.queue.value.trim() || "default",
        timezone: f.timezone.value.trim() || "UTC", catch_up: Number(f.catch_up.value || 0), paused: f.paused.checked };
      const saved = await api("PUT", this.path(name), { body });
      this.editing = null;
      this.nextRuns.delete(name);
      await this.list.refresh();
      return `${saved.name} saved: ${describeSpec(saved.spec)}${saved.next_run_at ? `, next run ${relative(saved.next_run_at)}` : ""}.`;
    });
  }

  view() {
    const operator = session.can("operator");
    return html`<section class="page schedules">
      <div class="page-head">
        <h1 tabindex="-1">Schedules</h1>
        ${freshness(this.list.updatedAt, REFRESH_MS * 3)}
        ${operator && !this.editing ? html`<button type="button" class="primary" data-action="new-schedule"
            @click=${() => { this.editing = {}; this.invalidate(); }}>New schedule</button>` : nothing}
      </div>
      ${this.actions.result("save")}
      ${this.editing ? this.form(this.editing) : nothing}
      ${this.list.view((r) => this.content(r.schedules, operator), { what: "schedules" })}
    </section>`;
  }

  form(s) {
    const isNew = !s.name;
    return html`<form class="card schedule-form" @submit=${(e) => this.save(e)} aria-label=${isNew ? "New schedule" : `Edit ${s.name}`}>
      <h2>${isNew ? "New schedule" : `Edit ${s.name}`}</h2>
      <div class="grid">
        <label>Name <input name="name" required maxlength="119" .value=${s.name || ""} ?readonly=${!isNew}></label>
        <label>Spec <input name="spec" required placeholder="*/5 * * * *  or  every 10m" .value=${s.spec || ""}></label>
        <label>Kind <input name="kind" required .value=${s.kind || ""}></label>
        <label>Queue <input name="queue" placeholder="default" .value=${s.queue || ""}></label>
        <label>Time zone <input name="timezone" placeholder="UTC" .value=${s.timezone || ""}></label>
        <label>Catch up (missed runs to run after downtime) <input name="catch_up" type="number" min="0" max="1000" .value=${String(s.catch_up || 0)}></label>
        <label class="wide">Args (JSON) <textarea name="args" rows="3" .value=${s.args ? json(s.args) : "{}"}></textarea></label>
        <label><input name="paused" type="checkbox" ?checked=${!!s.paused}> Paused</label>
      </div>
      <div class="controls">
        <button type="submit" class="primary" ?disabled=${this.actions.isRunning("save")}>Save</button>
        <button type="button" @click=${() => { this.editing = null; this.invalidate(); }}>Cancel</button>
      </div>
    </form>`;
  }

  content(schedules, operator) {
    if (schedules.length === 0) {
      return html`<p class="panel empty">No schedules yet. Create one here, with <code>gantry schedules set</code>,
        <code>PUT /api/schedules/{name}</code> or <code>gantry.upsert_schedule(...)</code> in SQL.</p>`;
    }
    return html`<table class="schedules-table">
      <caption class="visually-hidden">Schedules</caption>
      <thead><tr><th scope="col">Schedule</th><th scope="col">When</th><th scope="col">Makes</th>
        <th scope="col">Next run</th><th scope="col">Last run</th>${operator ? html`<th scope="col">Actions</th>` : nothing}</tr></thead>
      <tbody>${repeat(schedules, (s) => s.name, (s) => html`<tr data-schedule=${s.name} class=${s.paused ? "is-paused" : ""}>
        <th scope="row">${s.name}${s.paused ? html` <span class="badge worker-paused">paused</span>` : nothing}
          ${s.last_error ? html`<p class="result fail" role="note">${s.last_error}</p>` : nothing}</th>
        <td><span class="spec-words">${describeSpec(s.spec)}</span><br><code>${s.spec}</code> <span class="help">${s.timezone}</span></td>
        <td><a href="#/jobs?tag=${encodeURIComponent("schedule:" + s.name)}">${s.kind}</a> <span class="help">in ${s.queue}</span></td>
        <td>${s.next_run_at ? html`<span title=${timestamp(s.next_run_at)}>${Date.parse(s.next_run_at) <= serverNow() ? "due now" : relative(s.next_run_at)}</span>`
            : html`<span class="help">none</span>`}
          ${s.paused ? nothing : html`<button type="button" class="link" data-next-runs=${s.name}
              aria-expanded=${this.nextRuns.has(s.name) ? "true" : "false"} @click=${() => this.toggleNextRuns(s.name)}>next runs</button>`}
          ${this.nextRuns.has(s.name) ? html`<ol class="next-runs">${this.nextRuns.get(s.name).map((t) => html`<li><time datetime=${t}>${timestamp(t)}</time></li>`)}</ol>` : nothing}</td>
        <td>${s.last_run_at ? html`<span title=${timestamp(s.last_run_at)}>${relative(s.last_run_at)}</span>
            ${s.last_job_id ? html` <a href="#/jobs/${s.last_job_id}">job #${s.last_job_id}</a>` : nothing}` : html`<span class="help">never</span>`}</td>
        ${operator ? html`<td><div class="controls">
          ${s.paused
            ? this.actions.button(`${s.name}:resume`, "Resume", () => this.pause(s.name, false), { busy: "Resuming…", kind: "small" })
            : this.actions.button(`${s.name}:pause`, "Pause", () => this.pause(s.name, true), { busy: "Pausing…", kind: "small" })}
          <button type="button" class="small" data-action="edit-${s.name}" @click=${() => { this.editing = s; this.invalidate(); }}>Edit</button>
          ${this.actions.button(`${s.name}:delete`, "Delete", () => this.remove(s.name), { busy: "Deleting…", kind: "small danger",
              confirm: `Delete the schedule ${s.name}? The jobs it made stay.` })}
        </div>
          ${this.actions.result(`${s.name}:pause`)}${this.actions.result(`${s.name}:resume`)}${this.actions.result(`${s.name}:delete`)}
        </td>` : nothing}
      </tr>`)}</tbody>
    </table>`;
  }
}
