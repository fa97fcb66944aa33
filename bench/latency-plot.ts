import type { RunResult } from './bench-types';

const colours = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
}

/**
 * An SVG of latency percentiles (x: percentile 0-100, y: milliseconds on a log scale), one line
 * per variant, for one concurrency.
 */
export function latencyPlot(
  results: readonly RunResult[],
  labels: Record<string, string>,
  concurrency: number,
): string {
  const width = 760;
  const height = 420;
  const left = 70;
  const right = 250;
  const top = 40;
  const bottom = 50;
  const plotWidth = width - left - right;
  const plotHeight = height - top - bottom;
  const all = results.flatMap((result) => result.latencyCurve).filter((value) => value > 0);
  const low = Math.max(0.01, Math.min(...all));
  const high = Math.max(...all, low * 10);
  const logLow = Math.floor(Math.log10(low));
  const logHigh = Math.ceil(Math.log10(high));
  const y = (ms: number) =>
    top + plotHeight - ((Math.log10(Math.max(ms, 10 ** logLow)) - logLow) / (logHigh - logLow)) * plotHeight;
  const x = (fraction: number) => left + fraction * plotWidth;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${left}" y="24" font-size="15">Request/reply latency, ${concurrency} in flight</text>`,
  ];
  for (let exponent = logLow; exponent <= logHigh; exponent += 1) {
    const value = 10 ** exponent;
    parts.push(
      `<line x1="${left}" x2="${left + plotWidth}" y1="${y(value)}" y2="${y(value)}" stroke="#ddd"/>`,
      `<text x="${left - 8}" y="${y(value) + 4}" text-anchor="end">${value >= 1 ? value : value.toFixed(2)} ms</text>`,
    );
  }
  for (const percentile of [0, 25, 50, 75, 90, 100]) {
    const px = x(percentile / 100);
    parts.push(
      `<line x1="${px}" x2="${px}" y1="${top}" y2="${top + plotHeight}" stroke="#eee"/>`,
      `<text x="${px}" y="${top + plotHeight + 18}" text-anchor="middle">p${percentile}</text>`,
    );
  }
  parts.push(`<text x="${left + plotWidth / 2}" y="${height - 8}" text-anchor="middle">percentile of requests</text>`);
  results.forEach((result, index) => {
    const curve = result.latencyCurve;
    if (curve.length === 0) return;
    const colour = colours[index % colours.length];
    const points = curve.map(
      (ms, i) => `${x(curve.length === 1 ? 1 : i / (curve.length - 1)).toFixed(1)},${y(ms).toFixed(1)}`,
    );
    parts.push(`<polyline fill="none" stroke="${colour}" stroke-width="2" points="${points.join(' ')}"/>`);
    const legendY = top + 16 + index * 20;
    parts.push(
      `<line x1="${left + plotWidth + 16}" x2="${left + plotWidth + 40}" y1="${legendY - 4}" y2="${legendY - 4}" stroke="${colour}" stroke-width="3"/>`,
      `<text x="${left + plotWidth + 46}" y="${legendY}">${escape(labels[result.variant] ?? result.variant)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n');
}
