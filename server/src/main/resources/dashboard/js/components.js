import { html, nothing } from "./lib.js";
// Small pieces the pages share: state badges, action buttons with loading and result states,
// and the announcer that reads outcomes to screen readers.


export const JOB_STATES = ["pending", "scheduled", "available", "running", "retryable", "completed", "discarded", "cancelled"];

export function stateBadge(state, label = state) {
  return html`<span class="badge state-${state}">${label}</span>`;
}

/** running, paused, stopping, stopped, error or dead. */
export function livenessBadge(liveness) {
  return html`<span class="badge worker-${liveness}">${liveness}</span>`;
}

let announceTimer = null;

/** Says something to screen readers (the polite live region in the header). */
export function announce(text) {
  const region = document.getElementById("announcer");
  if (!region) return;
  region.textContent = "";
  clearTimeout(announceTimer);
  announceTimer = setTimeout(() => (region.textContent = text), 50);
}

/**
 * Buttons that run something asynchronous: while it runs the button says so and is disabled,
 * then the outcome (or the error) is shown next to it until the next try.
 */
export class Actions {
  constructor(page) {
    this.page = page;
    this.running = new Map();
    this.results = new Map();
  }

  isRunning(key) {
    return this.running.has(key);
  }

  anyRunning(prefix) {
    for (const k of this.running.keys()) if (k.startsWith(prefix)) return true;
    return false;
  }

  /**
   * Runs fn (which returns a promise of a message, or throws). `confirm` asks first.
   */
  async run(key, fn, { confirm: question } = {}) {
    if (this.running.has(key)) return;
    if (question && !window.confirm(question)) return;
    this.running.set(key, true);
    this.results.delete(key);
    this.page.invalidate();
    try {
      const message = await fn();
      this.results.set(key, { ok: true, message: message || "Done." });
      announce(message || "Done.");
    } catch (e) {
      this.results.set(key, { ok: false, message: e.message || String(e) });
      announce(`Failed: ${e.message || e}`);
    } finally {
      this.running.delete(key);
      this.page.invalidate();
    }
  }

  /** A button for `key`; `busy` is the label while running ("Stopping…"). */
  button(key, label, fn, { busy, disabled = false, confirm, kind = "", title } = {}) {
    const running = this.running.has(key);
    return html`<button type="button" class="${kind}" data-action=${key}
        ?disabled=${disabled || running} aria-busy=${running ? "true" : "false"}
        title=${title || nothing}
        @click=${() => this.run(key, fn, { confirm })}>
      ${running ? html`<span class="spinner" aria-hidden="true"></span>${busy || label + "…"}` : label}
    </button>`;
  }

  /** The outcome of the last run of `key`, if any. */
  result(key) {
    const r = this.results.get(key);
    if (!r) return nothing;
    return html`<p class="result ${r.ok ? "ok" : "fail"}" role=${r.ok ? "status" : "alert"} data-result=${key}>
      ${r.ok ? "✓" : "✗"} ${r.message}
      <button type="button" class="link dismiss" aria-label="Dismiss" @click=${() => this.clear(key)}>×</button>
    </p>`;
  }

  clear(key) {
    this.results.delete(key);
    this.page.invalidate();
  }
}

/** "updated 12:01:05" with a warning look when older than `staleAfterMs`. */
export function freshness(updatedAt, staleAfterMs, now = Date.now()) {
  if (!updatedAt) return nothing;
  const stale = now - updatedAt > staleAfterMs;
  const at = new Date(updatedAt).toLocaleTimeString(undefined, { hour12: false });
  return html`<span class="freshness ${stale ? "stale" : ""}">${stale ? "not updated since" : "updated"} ${at}</span>`;
}
