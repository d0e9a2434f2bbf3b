// Jobs explorer: filters in the address (so a view can be shared and the back button works),
// keyset pages, rows that change state live, and bulk retry or cancel of everything a filter
// matches.

import { html, nothing, repeat } from "../lib.js";
import { Page, Resource } from "../page.js";
import { get, post, query } from "../api.js";
import { events } from "../live.js";
import { session } from "../session.js";
import { Actions, JOB_STATES, stateBadge } from "../components.js";
import { count, relative, timestamp } from "../format.js";
import { navigate } from "../router.js";

const PAGE_SIZE = 50;
const FILTERS = ["queue", "kind", "tag", "q"];
const RETRYABLE = ["discarded", "cancelled", "retryable", "scheduled"];
const UNFINISHED = ["pending", "scheduled", "available", "running", "retryable"];

export class JobsPage extends Page {
  title = "Jobs";

  start() {
    this.actions = new Actions(this);
    this.queues = [];
    get("/api/queues").then((r) => { this.queues = r.queues.map((q) => q.name); this.invalidate(); }).catch(() => {});
    this.page = new Resource(this, () => get(`/api/jobs${query({ ...this.apiFilter(), limit: PAGE_SIZE, cursor: this.cursor })}`));
    this.routeChanged(this.params);
    this.own(events.on("jobs", (d) => this.onEvents(d.events)));
    this.own(events.on("reset", () => this.page.refresh()));
  }

  /** A new filter in the address: back to the first page. */
  routeChanged(route) {
    this.filter = { state: (route.query.get("state") || "").split(",").filter((s) => JOB_STATES.includes(s)) };
    for (const f of FILTERS) this.filter[f] = route.query.get(f) || "";
    this.cursor = null;
    this.cursors = [];
    this.fresh = 0;
    this.loadPage();
  }

  apiFilter() {
    const f = { state: this.filter.state };
    for (const k of FILTERS) if (this.filter[k]) f[k] = this.filter[k];
    return f;
  }

  async loadPage() {
    this.changed = new Map();
    await this.page.refresh();
    if (this.page.data) this.ready("jobs");
  }

  next() {
    this.cursors.push(this.cursor);
    this.cursor = this.page.data.next_cursor;
    this.loadPage();
  }

  previous() {
    this.cursor = this.cursors.pop() ?? null;
    this.loadPage();
  }

  first() {
    this.cursor = null;
    this.cursors = [];
    this.fresh = 0;
    this.loadPage();
  }

  /** Visible rows take their new state at once; new matching jobs are counted, not pushed in. */
  onEvents(list) {
    const rows = this.page.data ? this.page.data.jobs : [];
    let touched = false;
    for (const e of list) {
      const row = rows.find((j) => j.id === e.id);
      if (row) {
        this.changed.set(e.id, e.to);
        touched = true;
      } else if (e.from === null && e.to !== null && this.matches(e)) {
        this.fresh++;
        touched = true;
      }
    }
    if (touched) this.invalidate();
  }

  matches(e) {
    const f = this.filter;
    return (!f.queue || f.queue === e.queue) && (!f.kind || f.kind === e.kind) && (f.state.length === 0 || f.state.includes(e.to))
      && !f.tag && !f.q; // tags and text are not in events: do not guess
  }

  applyForm(e) {
    e.preventDefault();
    const form = e.target;
    const params = {};
    const states = JOB_STATES.filter((s) => form.elements[`state-${s}`].checked);
    if (states.length) params.state = states.join(",");
    for (const f of FILTERS) {
      const v = form.elements[f].value.trim();
      if (v) params[f] = v;
    }
    navigate("jobs", params);
  }

  async bulk(kind) {
    const path = kind === "retry" ? "/api/jobs/bulk/retry" : "/api/jobs/bulk/cancel";
    const field = kind === "retry" ? "retried" : "cancelled";
    let total = 0;
    for (;;) {
      const r = await post(path, { filter: this.apiFilter(), max: 10000 });
      total += r[field];
      this.bulkProgress = `${kind === "retry" ? "Retrying" : "Cancelling"}… ${count(total)} so far`;
      this.invalidate();
      if (!r.more || r[field] === 0) break;
    }
    this.bulkProgress = null;
    this.first();
    return `${kind === "retry" ? "Retried" : "Cancelled"} ${count(total)} job${total === 1 ? "" : "s"}.`;
  }

  view() {
    return html`<section class="page jobs">
      <div class="page-head"><h1 tabindex="-1">Jobs</h1></div>
      ${this.filterForm()}
      ${this.toolbar()}
      ${this.page.view((data) => this.table(data), { what: "jobs" })}
    </section>`;
  }

  filterForm() {
    const f = this.filter;
    return html`<form class="filters card" @submit=${(e) => this.applyForm(e)} aria-label="Filter jobs">
      <fieldset class="states">
        <legend>State</legend>
        ${JOB_STATES.map((s) => html`<label class="chip state-${s}"><input type="checkbox" name="state-${s}" .checked=${f.state.includes(s)}>${s}</label>`)}
      </fieldset>
      <div class="fields">
        <label>Queue <input name="queue" list="queue-names" .value=${f.queue} autocomplete="off"></label>
        <datalist id="queue-names">${this.queues.map((q) => html`<option value=${q}></option>`)}</datalist>
        <label>Kind <input name="kind" .value=${f.kind} placeholder="email.send" autocomplete="off"></label>
        <label>Tag <input name="tag" .value=${f.tag} autocomplete="off"></label>
        <label>Text <input name="q" type="search" .value=${f.q} placeholder="in args or errors" autocomplete="off"></label>
      </div>
      <div class="buttons">
        <button type="submit" class="primary">Apply filters</button>
        <button type="button" @click=${() => navigate("jobs")}>Clear</button>
      </div>
    </form>`;
  }

  toolbar() {
    if (!session.can("operator")) return nothing;
    const described = describe(this.filter);
    const retryStates = this.filter.state.length ? this.filter.state.filter((s) => RETRYABLE.includes(s)) : RETRYABLE;
    const cancelStates = this.filter.state.length ? this.filter.state.filter((s) => UNFINISHED.includes(s)) : UNFINISHED;
    return html`<div class="toolbar bulk" role="group" aria-label="Bulk actions on every job the filter matches">
        ${this.actions.button("bulk:retry", "Retry all matching", () => this.bulk("retry"), {
          busy: this.bulkProgress || "Retrying…", disabled: retryStates.length === 0,
          confirm: `Retry every ${retryStates.join(", ")} job ${described}?` })}
        ${this.actions.button("bulk:cancel", "Cancel all matching", () => this.bulk("cancel"), {
          busy: this.bulkProgress || "Cancelling…", disabled: cancelStates.length === 0, kind: "danger",
          confirm: `Cancel every unfinished job ${described}? Running ones are interrupted.` })}
      </div>
      ${this.actions.result("bulk:retry")}${this.actions.result("bulk:cancel")}`;
  }

  table(data) {
    const jobs = data.jobs;
    const pageNo = this.cursors.length + 1;
    return html`
      ${this.fresh > 0 && this.cursor === null
        ? html`<div class="banner info" role="status">${count(this.fresh)} new job${this.fresh === 1 ? "" : "s"} since this page was loaded.
            <button type="button" class="link" @click=${() => this.first()}>Show</button></div>`
        : nothing}
      ${jobs.length === 0
        ? html`<p class="panel empty" role="status">${pageNo === 1 ? "No jobs match these filters." : "No more jobs."}</p>`
        : html`<div class="table-wrap"><table class="jobs-table">
            <caption class="visually-hidden">Jobs, newest first, page ${pageNo}</caption>
            <thead><tr><th scope="col">ID</th><th scope="col">Kind</th><th scope="col">Queue</th><th scope="col">State</th>
              <th scope="col">Attempt</th><th scope="col">Created</th><th scope="col">Last error</th></tr></thead>
            <tbody>${repeat(jobs, (j) => j.id, (j) => this.row(j))}</tbody>
          </table></div>`}
      <nav class="pager" aria-label="Pages">
        <button type="button" ?disabled=${this.cursor === null} @click=${() => this.first()}>First</button>
        <button type="button" ?disabled=${this.cursors.length === 0} @click=${() => this.previous()}>Previous</button>
        <span>Page ${pageNo}</span>
        <button type="button" ?disabled=${data.next_cursor === null} @click=${() => this.next()}>Next</button>
      </nav>`;
  }

  row(j) {
    const live = this.changed.get(j.id);
    const state = live === undefined ? j.state : live;
    const last = j.errors && j.errors.length ? j.errors[j.errors.length - 1] : null;
    return html`<tr data-job=${j.id} class=${live !== undefined ? "changed" : ""}>
      <td><a href="#/jobs/${j.id}">#${j.id}</a></td>
      <td><a href="#/jobs/${j.id}">${j.kind}</a></td>
      <td>${j.queue}</td>
      <td>${state === null ? html`<span class="badge">deleted</span>` : stateBadge(state)}${live !== undefined ? html`<span class="visually-hidden"> (changed just now)</span>` : nothing}</td>
      <td class="num">${j.attempt}/${j.max_attempts}</td>
      <td title=${timestamp(j.created_at)}>${relative(j.created_at)}</td>
      <td class="error-cell">${last ? html`<span title=${last.error}>${truncate(last.error, 80)}</span>` : nothing}</td>
    </tr>`;
  }
}

function describe(f) {
  const parts = [];
  if (f.state.length) parts.push(`in state ${f.state.join(" or ")}`);
  for (const k of FILTERS) if (f[k]) parts.push(`${k === "q" ? "containing" : "with " + k} "${f[k]}"`);
  return parts.length ? parts.join(", ") : "(no filter: every job)";
}

function truncate(s, n) {
  return s && s.length > n ? s.slice(0, n - 1) + "…" : s;
}
