import { html, nothing } from "./lib.js";
// What every page shares: a render request, cleanup of timers and subscriptions when the
// user leaves, and the "ready" signal (a performance mark) that tests and the benchmark read.


export class Page {
  constructor(app, params) {
    this.app = app;
    this.params = params;
    this.disposers = [];
    this.disposed = false;
  }

  /** Starts loading; called once after construction. */
  start() {}

  /** The page's template. */
  view() {
    return nothing;
  }

  invalidate() {
    if (!this.disposed) this.app.requestRender();
  }

  /** Registers a cleanup to run when the page is left. */
  own(dispose) {
    this.disposers.push(dispose);
    return dispose;
  }

  every(ms, fn) {
    const id = setInterval(fn, ms);
    this.own(() => clearInterval(id));
  }

  dispose() {
    this.disposed = true;
    this.disposers.forEach((fn) => fn());
    this.disposers = [];
  }

  /**
   * Says the page shows the data of its latest load: data-ready on <html> (tests wait for it)
   * and, the first time, the performance mark gantry:ready:<name> (the benchmark reads it).
   */
  ready(name) {
    // After the render that shows the data.
    requestAnimationFrame(() => {
      if (this.disposed) return;
      if (performance.getEntriesByName(`gantry:ready:${name}`).length === 0) {
        performance.mark(`gantry:ready:${name}`);
      }
      document.documentElement.dataset.ready = name;
    });
  }
}

/**
 * Loads data with an honest status: `loading` before the first answer, `error` when the last
 * try failed (the last good data stays, marked stale), `updatedAt` when it succeeded.
 */
export class Resource {
  constructor(page, load) {
    this.page = page;
    this.load = load;
    this.data = null;
    this.error = null;
    this.loading = false;
    this.updatedAt = null;
    this.generation = 0;
  }

  /**
   * Loads again. Resolves once the newest refresh has settled: a refresh overtaken by a later one
   * (an event arrived while it ran) waits for that one, so `await refresh()` always finds the
   * latest answer in `data` (or `error`), never the gap between two.
   */
  refresh() {
    const generation = ++this.generation;
    this.latest = this.fetch(generation);
    return this.latest;
  }

  async fetch(generation) {
    this.loading = true;
    this.page.invalidate();
    try {
      const data = await this.load();
      if (this.page.disposed) return;
      if (generation !== this.generation) return this.latest;
      this.data = data;
      this.error = null;
      this.updatedAt = Date.now();
    } catch (e) {
      if (this.page.disposed) return;
      if (generation !== this.generation) return this.latest;
      this.error = e;
    } finally {
      if (generation === this.generation) {
        this.loading = false;
        this.page.invalidate();
      }
    }
  }

  /** Loading, error and stale states around the content; `content(data)` renders the data. */
  view(content, { what = "data" } = {}) {
    if (this.data === null) {
      if (this.error) return errorPanel(this.error, () => this.refresh(), what);
      return html`<p class="panel loading" role="status" aria-live="polite">Loading ${what}…</p>`;
    }
    return html`${this.error ? staleBanner(this.error, this.updatedAt, () => this.refresh()) : nothing}${content(this.data)}`;
  }
}

export function errorPanel(error, retry, what = "data") {
  return html`<div class="panel error" role="alert">
    <p><strong>Could not load ${what}.</strong> ${error.message}</p>
    ${retry ? html`<button type="button" @click=${retry}>Try again</button>` : nothing}
  </div>`;
}

function staleBanner(error, updatedAt, retry) {
  const at = updatedAt ? new Date(updatedAt).toLocaleTimeString(undefined, { hour12: false }) : "earlier";
  return html`<div class="banner warn" role="alert">
    Could not refresh (${error.message}); showing what was loaded at ${at}.
    <button type="button" class="link" @click=${retry}>Try again</button>
  </div>`;
}
