// Overview: jobs by state and queue, throughput, failure rate and pickup latency over the last
// hour, the oldest waiting job, and the workers at a glance. Live: job events trigger a
// refresh (at most every 2 s), and it refreshes every 5 s regardless.

import { html, nothing, ref } from "../lib.js";
import { Page, Resource } from "../page.js";
import { get } from "../api.js";
import { events } from "../live.js";
import { Chart } from "../charts.js";
import { JOB_STATES, stateBadge, freshness } from "../components.js";
import { count, rate, percent, duration, learnServerTime } from "../format.js";

const REFRESH_MS = 5000;

export class OverviewPage extends Page {
  title = "Overview";

  start() {
    this.stats = new Resource(this, async () => {
      const s = await get("/api/stats");
      learnServerTime(s.generated_at);
      return s;
    });
    this.workers = new Resource(this, () => get("/api/workers"));
    this.throughput = new Chart(
      [
        { label: "Completed", stroke: "#15803d", fill: "rgba(21,128,61,0.12)" },
        { label: "Failed (will retry)", stroke: "#d97706" },
        { label: "Discarded", stroke: "#b91c1c" },
      ],
      { yFormat: (v) => `${count(v)}/min` },
    );
    this.failure = new Chart([{ label: "Failure rate", stroke: "#b91c1c", fill: "rgba(185,28,28,0.10)" }], {
      yFormat: (v) => `${Math.round(v)} %`,
      yRange: (u, min, max) => [0, Math.max(10, Math.min(100, max * 1.2))],
    });
    this.latency = new Chart(
      [
        { label: "Pickup avg", stroke: "#1d4ed8" },
        { label: "Pickup p95", stroke: "#7c3aed" },
      ],
      { yFormat: (v) => duration(v) },
    );
    this.own(() => [this.throughput, this.failure, this.latency].forEach((c) => c.destroy()));
    this.load();
    this.every(REFRESH_MS, () => this.stats.refresh());
    this.every(15000, () => this.workers.refresh());
    this.own(events.on("jobs", () => this.soon()));
    this.own(events.on("worker", () => this.workers.refresh()));
    this.own(events.on("worker_removed", () => this.workers.refresh()));
    this.own(events.on("reset", () => this.load()));
    this.own(() => clearTimeout(this.pending));
  }

  async load() {
    await Promise.all([this.stats.refresh(), this.workers.refresh()]);
    if (this.stats.data && this.workers.data) this.ready("overview");
  }

  /** A refresh soon, coalescing bursts of job events. */
  soon() {
    if (this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = null;
      if (!this.disposed) this.stats.refresh();
    }, 2000);
  }

  rendered() {
    const s = this.stats.data;
    if (!s || s === this.chartedStats) return;
    this.chartedStats = s;
    const xs = s.minutes.map((m) => Date.parse(m.minute) / 1000);
    this.throughput.setData([xs, s.minutes.map((m) => m.completed), s.minutes.map((m) => m.failed), s.minutes.map((m) => m.discarded)]);
    this.failure.setData([
      xs,
      s.minutes.map((m) => {
        const ended = m.completed + m.failed + m.discarded;
        return ended === 0 ? null : ((m.failed + m.discarded) * 100) / ended;
      }),
    ]);
    this.latency.setData([xs, s.minutes.map((m) => m.pickup_latency_avg_ms), s.minutes.map((m) => m.pickup_latency_p95_ms)]);
  }

  view() {
    return html`<section class="page overview">
      <div class="page-head">
        <h1 tabindex="-1">Overview</h1>
        ${freshness(this.stats.updatedAt, REFRESH_MS * 3)}
      </div>
      ${this.stats.view((s) => this.content(s), { what: "statistics" })}
    </section>`;
  }

  content(s) {
    const w = Object.fromEntries(s.windows.map((x) => [x.window, x]));
    const workers = this.workers.data ? this.workers.data.workers : null;
    const alive = workers ? workers.filter((x) => x.alive).length : null;
    const dead = workers ? workers.length - alive : null;
    const failureRate1h = w["1h"] && w["1h"].success_rate !== null ? 1 - w["1h"].success_rate : null;
    return html`
      <ul class="tiles" aria-label="Key numbers">
        ${tile("Throughput (5 min)", `${rate(w["5m"]?.throughput_per_second)}/s`, `${rate(w["1m"]?.throughput_per_second)}/s in the last minute`)}
        ${tile("Failure rate (1 h)", percent(failureRate1h), `${count(w["1h"]?.discarded)} discarded, ${count(w["1h"]?.failed)} failed attempts`,
          failureRate1h > 0.05 ? "bad" : "")}
        ${tile("Pickup latency p95 (5 min)", duration(w["5m"]?.pickup_latency_p95_ms), `average ${duration(w["5m"]?.pickup_latency_avg_ms)}`)}
        ${tile("Oldest available job", s.oldest_available_age_seconds === null ? "none waiting" : duration(s.oldest_available_age_seconds * 1000),
          `${count(s.totals.available)} available now`, s.oldest_available_age_seconds > 60 ? "warn" : "")}
        ${tile("Running now", count(s.totals.running), `${count(s.totals.retryable)} waiting to retry`)}
        ${tile("Workers", workers === null ? "…" : html`<span class="ok-text">${alive} alive</span>${dead ? html` · <span class="bad-text">${dead} dead</span>` : nothing}`,
          html`<a href="#/workers">see workers</a>`, dead ? "warn" : "")}
      </ul>
      <div class="charts">
        <figure class="card chart-card">
          <figcaption>Jobs finished per minute, last hour</figcaption>
          <div class="chart" ${this.throughput.attach()} role="img"
            aria-label="Completed, failed and discarded jobs per minute over the last hour. Last full minute: ${lastFull(s.minutes, "completed")} completed."></div>
        </figure>
        <figure class="card chart-card">
          <figcaption>Failure rate per minute (failed and discarded attempts of those that ended)</figcaption>
          <div class="chart" ${this.failure.attach()} role="img" aria-label="Failure rate per minute over the last hour"></div>
        </figure>
        <figure class="card chart-card">
          <figcaption>Pickup latency (due → claimed) per minute</figcaption>
          <div class="chart" ${this.latency.attach()} role="img" aria-label="Pickup latency per minute over the last hour"></div>
        </figure>
      </div>
      <section class="card" aria-labelledby="by-queue">
        <h2 id="by-queue">Jobs by queue and state</h2>
        ${stateBar(s.totals)}
        ${s.queues.length === 0
          ? html`<p class="empty">No queues yet. Enqueue a job (POST /api/jobs, gantry enqueue or SELECT gantry.enqueue(...)) and it shows here.</p>`
          : html`<div class="table-wrap"><table class="counts">
              <caption class="visually-hidden">Jobs per queue and state; each number opens the jobs explorer filtered to it</caption>
              <thead><tr><th scope="col">Queue</th>${JOB_STATES.map((st) => html`<th scope="col">${stateBadge(st)}</th>`)}
                <th scope="col">Oldest available</th><th scope="col">Throughput (5 min)</th></tr></thead>
              <tbody>
                ${s.queues.map((q) => {
                  const q5 = q.windows.find((x) => x.window === "5m");
                  return html`<tr>
                    <th scope="row"><a href="#/jobs?queue=${encodeURIComponent(q.queue)}">${q.queue}</a></th>
                    ${JOB_STATES.map((st) => html`<td class="num">${q.counts[st] === 0 ? html`<span class="zero">0</span>`
                      : html`<a href="#/jobs?queue=${encodeURIComponent(q.queue)}&state=${st}" aria-label="${count(q.counts[st])} ${st} jobs in ${q.queue}">${count(q.counts[st])}</a>`}</td>`)}
                    <td class="num">${q.oldest_available_age_seconds === null ? "–" : duration(q.oldest_available_age_seconds * 1000)}</td>
                    <td class="num">${rate(q5?.throughput_per_second)}/s</td>
                  </tr>`;
                })}
              </tbody>
              <tfoot><tr><th scope="row">All</th>${JOB_STATES.map((st) => html`<td class="num">${count(s.totals[st])}</td>`)}
                <td class="num">${s.oldest_available_age_seconds === null ? "–" : duration(s.oldest_available_age_seconds * 1000)}</td>
                <td class="num">${rate(w["5m"]?.throughput_per_second)}/s</td></tr></tfoot>
            </table></div>`}
        <p class="help">Counts as of ${new Date(s.counts_as_of).toLocaleTimeString(undefined, { hour12: false })} (a large table is counted at most every few seconds; see docs/stats.md).</p>
      </section>`;
  }
}

function tile(label, value, sub, tone = "") {
  return html`<li class="tile ${tone}"><span class="tile-label">${label}</span><span class="tile-value">${value}</span><span class="tile-sub">${sub}</span></li>`;
}

// A segment's share of the bar, set through the DOM: a style attribute would be inline style,
// which the Content-Security-Policy refuses.
const grow = (share) => ref((el) => {
  if (el) el.style.flexGrow = String(share);
});

/** One bar, a segment per state, sized by count: where the jobs are at a glance. */
function stateBar(totals) {
  const all = JOB_STATES.reduce((n, st) => n + totals[st], 0);
  if (all === 0) return nothing;
  return html`<div class="state-bar" role="img" aria-label=${JOB_STATES.map((st) => `${totals[st]} ${st}`).join(", ")}>
    ${JOB_STATES.filter((st) => totals[st] > 0).map((st) => html`<span class="seg state-${st}" ${grow(totals[st])} title="${st}: ${count(totals[st])}"></span>`)}
  </div>`;
}

function lastFull(minutes, field) {
  return minutes.length >= 2 ? minutes[minutes.length - 2][field] : 0;
}
