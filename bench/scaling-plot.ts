import type { ScalingMode, ScalingRow } from './scaling-types';

const colours: Record<ScalingMode, string> = { shared: '#d62728', leased: '#1f77b4' };
const labels: Record<ScalingMode, string> = {
  shared: 'shared reading (no replyPartition)',
  leased: "leased ownership ('auto')",
};

/** A round step for about five grid lines up to `high`. */
function gridStep(high: number): number {
  const rough = high / 5;
  const power = 10 ** Math.floor(Math.log10(rough));
  return [1, 2, 5, 10].map((factor) => factor * power).find((step) => step >= rough) ?? power * 10;
}

/**
 * An SVG of CPU µs per request against the number of instances (x, log 2), per mode: above idle
 * (solid: the mean over instances, with a bar from the lowest to the highest instance) and in all
 * (dashed, the mean).
 */
export function scalingPlot(rows: readonly ScalingRow[], title: string): string {
  const width = 760;
  const height = 420;
  const left = 90;
  const right = 250;
  const top = 40;
  const bottom = 50;
  const plotWidth = width - left - right;
  const plotHeight = height - top - bottom;
  const counts = [...new Set(rows.map((row) => row.instances))].sort((a, b) => a - b);
  const high =
    Math.max(
      1,
      ...rows.map((row) => row.meanCpuMicrosPerRequest),
      ...rows.flatMap((row) => row.cpuAboveIdleMicrosPerRequest),
    ) * 1.1;
  const step = gridStep(high);
  const yHigh = Math.ceil(high / step) * step;
  const logLow = Math.log2(counts[0] ?? 1);
  const logSpan = Math.max(1, Math.log2(counts[counts.length - 1] ?? 2) - logLow);
  const x = (instances: number) => left + 20 + ((Math.log2(instances) - logLow) / logSpan) * (plotWidth - 40);
  const y = (micros: number) => top + plotHeight - (Math.max(0, micros) / yHigh) * plotHeight;
  const mean = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${left}" y="24" font-size="15">${title}</text>`,
  ];
  for (let micros = 0; micros <= yHigh; micros += step) {
    parts.push(
      `<line x1="${left}" x2="${left + plotWidth}" y1="${y(micros)}" y2="${y(micros)}" stroke="#ddd"/>`,
      `<text x="${left - 8}" y="${y(micros) + 4}" text-anchor="end">${micros} µs</text>`,
    );
  }
  for (const instances of counts) {
    parts.push(
      `<line x1="${x(instances)}" x2="${x(instances)}" y1="${top}" y2="${top + plotHeight}" stroke="#eee"/>`,
      `<text x="${x(instances)}" y="${top + plotHeight + 18}" text-anchor="middle">${instances}</text>`,
    );
  }
  parts.push(
    `<text x="${left + plotWidth / 2}" y="${height - 8}" text-anchor="middle">requester instances sharing the reply topic</text>`,
    `<text x="18" y="${top + plotHeight / 2}" transform="rotate(-90 18 ${top + plotHeight / 2})" text-anchor="middle">CPU per request, each instance</text>`,
  );
  (['shared', 'leased'] as const).forEach((mode, index) => {
    const ofMode = rows.filter((row) => row.mode === mode).sort((a, b) => a.instances - b.instances);
    if (ofMode.length === 0) return;
    const colour = colours[mode];
    for (const row of ofMode) {
      const above = row.cpuAboveIdleMicrosPerRequest;
      const px = x(row.instances).toFixed(1);
      parts.push(
        `<line x1="${px}" x2="${px}" y1="${y(Math.min(...above)).toFixed(1)}" y2="${y(Math.max(...above)).toFixed(1)}" stroke="${colour}" stroke-opacity="0.5" stroke-width="6"/>`,
        `<circle cx="${px}" cy="${y(mean(above)).toFixed(1)}" r="4" fill="${colour}"/>`,
      );
    }
    const line = (pick: (row: ScalingRow) => number, dashed: boolean) =>
      `<polyline fill="none" stroke="${colour}" stroke-width="2"${dashed ? ' stroke-dasharray="6 4"' : ''} points="${ofMode
        .map((row) => `${x(row.instances).toFixed(1)},${y(pick(row)).toFixed(1)}`)
        .join(' ')}"/>`;
    parts.push(
      line((row) => mean(row.cpuAboveIdleMicrosPerRequest), false),
      line((row) => row.meanCpuMicrosPerRequest, true),
    );
    const legendY = top + 16 + index * 20;
    parts.push(
      `<line x1="${left + plotWidth + 16}" x2="${left + plotWidth + 40}" y1="${legendY - 4}" y2="${legendY - 4}" stroke="${colour}" stroke-width="3"/>`,
      `<text x="${left + plotWidth + 46}" y="${legendY}">${labels[mode]}</text>`,
    );
  });
  parts.push(
    `<text x="${left + plotWidth + 16}" y="${top + 66}" fill="#555">solid: above idle (dot: mean</text>`,
    `<text x="${left + plotWidth + 16}" y="${top + 82}" fill="#555">over instances, bar: lowest</text>`,
    `<text x="${left + plotWidth + 16}" y="${top + 98}" fill="#555">to highest)</text>`,
    `<text x="${left + plotWidth + 16}" y="${top + 118}" fill="#555">dashed: in all, idle included</text>`,
    '</svg>',
  );
  return parts.join('\n');
}
