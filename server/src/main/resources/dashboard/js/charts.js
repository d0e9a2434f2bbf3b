// Time-series charts on uPlot (a WebJar): small, fast, and redrawn in place when data changes.

import { ref, uPlot } from "./lib.js";

export class Chart {
  /**
   * @param series [{label, stroke, fill?, value?: (v) => string}]
   * @param yFormat (v) => string for the axis
   */
  constructor(series, { height = 180, yFormat = (v) => String(v), yRange } = {}) {
    this.series = series;
    this.height = height;
    this.yFormat = yFormat;
    this.yRange = yRange;
    this.data = [[], ...series.map(() => [])];
    this.el = null;
    this.plot = null;
    this.observer = null;
  }

  /** The lit directive that puts the chart into its container element. */
  attach() {
    return ref((el) => {
      if (el && el !== this.el) this.mount(el);
    });
  }

  mount(el) {
    this.destroy();
    this.el = el;
    const yFormat = this.yFormat;
    // The canvas needs real colours, not CSS variables: read the theme's.
    const css = getComputedStyle(document.documentElement);
    const muted = css.getPropertyValue("--muted").trim() || "#666";
    const grid = css.getPropertyValue("--grid").trim() || "#ddd";
    const opts = {
      width: Math.max(200, el.clientWidth),
      height: this.height,
      cursor: { drag: { x: false, y: false } },
      legend: { live: true },
      scales: { x: { time: true }, y: this.yRange ? { range: this.yRange } : { range: (u, min, max) => [0, Math.max(4, Math.ceil(max * 1.1))] } },
      axes: [
        { stroke: muted, grid: { stroke: grid }, ticks: { stroke: grid } },
        { stroke: muted, grid: { stroke: grid }, ticks: { stroke: grid }, size: 60,
          values: (u, splits) => splits.map(yFormat) },
      ],
      series: [
        { label: "Minute", value: (u, v) => (v == null ? "–" : new Date(v * 1000).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" })) },
        ...this.series.map((s) => ({
          label: s.label,
          stroke: s.stroke,
          fill: s.fill,
          width: 2,
          spanGaps: false,
          points: { show: false },
          value: (u, v) => (v == null ? "–" : (s.value || yFormat)(v)),
        })),
      ],
    };
    this.plot = new uPlot(opts, this.data, el);
    this.observer = new ResizeObserver(() => {
      if (this.plot && el.clientWidth > 0) this.plot.setSize({ width: el.clientWidth, height: this.height });
    });
    this.observer.observe(el);
  }

  setData(data) {
    this.data = data;
    if (this.plot) this.plot.setData(data);
  }

  destroy() {
    if (this.observer) this.observer.disconnect();
    if (this.plot) this.plot.destroy();
    this.plot = null;
    this.el = null;
  }
}
