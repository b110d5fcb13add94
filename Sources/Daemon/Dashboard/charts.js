'use strict';
// Line charts over batches (dygraphs): several named series on one x axis, loaded as downsampled
// columns, extended point by point from live events, and zoomed in groups whose members refetch
// the zoomed range at full resolution.

// dygraphs' own legend writes style attributes, which the page's Content-Security-Policy
// (style-src 'self') refuses: each chart draws its legend itself, through the DOM.
Dygraph.PLUGINS = Dygraph.PLUGINS.filter((plugin) => plugin !== Dygraph.Plugins.Legend);

/// Every other item of `items`, always with the last one.
function thinned(items) {
  return items.filter((_, i) => i % 2 === 0 || i === items.length - 1);
}

class SeriesChart {
  /// `limit`: the points per series the page asks for; live points beyond twice as many are
  /// thinned out (every other one goes, the newest stays), so a week-long run stays light.
  constructor(element, {limit, ylabel = null, logscale = false, group = null}) {
    this.element = element;
    this.limit = limit;
    this.series = new Map();   // label -> Map(batch -> value)
    this.group = group;
    this.redrawPending = false;
    this.legend = document.createElement('div');
    this.legend.className = 'legend';
    element.after(this.legend);
    this.graph = new Dygraph(element, [[0, null]], {
      labels: ['batch', ''],
      xlabel: 'batch',
      ylabel,
      logscale,
      connectSeparatedPoints: true,
      drawPoints: false,
      strokeWidth: 1.3,
      // Learning rates and near-zero shares are small: three significant digits, no exponent wrap.
      axes: {y: {axisLabelWidth: 60, axisLabelFormatter: (v) => String(Number(v.toPrecision(3)))}},
      highlightCallback: (event, x, points) => this.showLegend(x, points),
      unhighlightCallback: () => this.showLegend(),
      drawCallback: () => this.showLegend(),
      zoomCallback: (lo, hi) => { if (this.group) this.group.zoomed(this, this.graph.isZoomed('x') ? [lo, hi] : null); },
    });
    if (group) group.add(this);
  }

  /// Replaces one series with columns `batch` and `values` (null for a value not recorded).
  setSeries(label, batch, values) {
    const points = new Map();
    batch.forEach((b, i) => points.set(b, values[i]));
    this.series.set(label, points);
    this.scheduleRedraw();
  }

  /// Drops every series but those in `labels`.
  keepOnly(labels) {
    for (const label of [...this.series.keys()]) if (!labels.includes(label)) this.series.delete(label);
    this.scheduleRedraw();
  }

  /// Adds one live point.
  append(label, batch, value) {
    if (!this.series.has(label)) this.series.set(label, new Map());
    const points = this.series.get(label);
    points.set(batch, value);
    if (points.size > 2 * this.limit) this.series.set(label, new Map(thinned([...points].sort((a, b) => a[0] - b[0]))));
    this.scheduleRedraw();
  }

  /// Rows for dygraphs: one per batch any series has, nulls where a series has none.
  rows() {
    const labels = [...this.series.keys()];
    const batches = new Set();
    for (const points of this.series.values()) for (const b of points.keys()) batches.add(b);
    return {
      labels,
      rows: [...batches].sort((a, b) => a - b).map((b) => [b, ...labels.map((l) => {
        const v = this.series.get(l).get(b);
        return v === undefined ? null : v;
      })]),
    };
  }

  // Live events come many per second: draw at most ten times a second.
  scheduleRedraw() {
    if (this.redrawPending) return;
    this.redrawPending = true;
    setTimeout(() => {
      this.redrawPending = false;
      const {labels, rows} = this.rows();
      if (rows.length === 0) return;
      this.graph.updateOptions({file: rows, labels: ['batch', ...labels]});
    }, 100);
  }

  /// The series' names in their colours; with `x`, the highlighted batch and its values.
  showLegend(x, points) {
    if (!this.graph) return;
    const labels = this.graph.getLabels().slice(1).filter((label) => label !== '');
    const colors = this.graph.getColors();
    const values = new Map((points || []).map((p) => [p.name, p.yval]));
    const parts = labels.map((label, i) => {
      const span = document.createElement('span');
      span.style.color = colors[i];
      const value = values.get(label);
      span.textContent = `■ ${label}${typeof value === 'number' ? ': ' + value.toPrecision(4) : ''}`;
      return span;
    });
    if (x !== undefined) parts.unshift(`batch ${x}`);
    this.legend.replaceChildren(...parts);
  }

  /// Points drawn, all series together (what a test or a reader can check).
  pointCount() {
    let n = 0;
    for (const points of this.series.values()) for (const v of points.values()) if (v !== null && Number.isFinite(v)) n++;
    return n;
  }

  setWindow(range) { this.graph.updateOptions({dateWindow: range}); }
}

/// Charts that zoom together: zooming one shows the same batch range on all, then `reload(range)`
/// refetches that range (null: the whole run, downsampled).
class ChartGroup {
  constructor(reload) {
    this.charts = [];
    this.reload = reload;
    this.range = null;
  }

  add(chart) { this.charts.push(chart); }

  zoomed(source, range) {
    this.range = range ? [Math.floor(range[0]), Math.ceil(range[1])] : null;
    for (const chart of this.charts) if (chart !== source) chart.setWindow(range);
    this.reload(this.range);
  }
}
