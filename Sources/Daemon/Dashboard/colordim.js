'use strict';
// fastai's colorful dimension (`color_dim`) on a canvas: one column per recorded batch, the
// histogram's bins bottom-up (bin 0, values near `lo`, at the bottom, as imshow's origin='lower'),
// colour = viridis of log1p(count), scaled from the image's smallest to its largest value.
class ColorDim {
  // matplotlib's viridis at 0, 0.1, …, 1; linear in between.
  static viridis = [
    [68, 1, 84], [72, 36, 117], [65, 68, 135], [53, 95, 141], [42, 120, 142], [33, 145, 140],
    [34, 168, 132], [68, 191, 112], [122, 209, 81], [189, 223, 38], [253, 231, 37],
  ];

  static color(t) {
    const scaled = Math.min(Math.max(t, 0), 1) * (ColorDim.viridis.length - 1);
    const i = Math.min(Math.floor(scaled), ColorDim.viridis.length - 2);
    const f = scaled - i;
    return ColorDim.viridis[i].map((c, k) => Math.round(c + f * (ColorDim.viridis[i + 1][k] - c)));
  }

  /// `limit`: the columns the page asks for; live columns beyond twice as many are thinned out.
  constructor(canvas, limit) {
    this.canvas = canvas;
    this.limit = limit;
    this.batch = [];
    this.values = [];   // per column: log1p(count) per bin
  }

  /// Replaces the image with `/histograms/{layer}`'s columns.
  set(batch, counts) {
    this.batch = batch.slice();
    this.values = counts.map((column) => column.map(Math.log1p));
    this.draw();
  }

  /// Adds one live column (a batch after the last one drawn).
  append(batch, counts) {
    if (this.batch.length && batch <= this.batch[this.batch.length - 1]) return;
    this.batch.push(batch);
    this.values.push(counts.map(Math.log1p));
    if (this.batch.length > 2 * this.limit) {
      this.batch = thinned(this.batch);
      this.values = thinned(this.values);
    }
    this.draw();
  }

  draw() {
    const columns = this.values.length;
    const bins = columns ? this.values[0].length : 1;
    this.canvas.width = Math.max(columns, 1);
    this.canvas.height = bins;
    if (!columns) return;
    let lo = Infinity, hi = -Infinity;
    for (const column of this.values) for (const v of column) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    const span = hi > lo ? hi - lo : 1;
    const context = this.canvas.getContext('2d');
    const image = context.createImageData(columns, bins);
    this.values.forEach((column, x) => column.forEach((v, bin) => {
      const y = bins - 1 - bin;   // bottom-up
      const [r, g, b] = ColorDim.color((v - lo) / span);
      const at = 4 * (y * columns + x);
      image.data[at] = r; image.data[at + 1] = g; image.data[at + 2] = b; image.data[at + 3] = 255;
    }));
    context.putImageData(image, 0, 0);
  }
}
