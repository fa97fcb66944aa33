/** One memory reading of the soak. */
export interface MemorySample {
  readonly atSeconds: number;
  readonly rssMiB: number;
  readonly heapMiB: number;
}

/** An SVG with RSS and heap (MiB) over time (seconds). */
export function memoryPlot(samples: readonly MemorySample[], title: string): string {
  const width = 760;
  const height = 380;
  const left = 60;
  const right = 130;
  const top = 40;
  const bottom = 45;
  const plotWidth = width - left - right;
  const plotHeight = height - top - bottom;
  const maxSeconds = Math.max(1, ...samples.map((s) => s.atSeconds));
  const maxMiB = Math.max(10, ...samples.map((s) => s.rssMiB)) * 1.1;
  const x = (seconds: number) => left + (seconds / maxSeconds) * plotWidth;
  const y = (mib: number) => top + plotHeight - (mib / maxMiB) * plotHeight;
  const line = (pick: (s: MemorySample) => number, colour: string) =>
    `<polyline fill="none" stroke="${colour}" stroke-width="2" points="${samples.map((s) => `${x(s.atSeconds).toFixed(1)},${y(pick(s)).toFixed(1)}`).join(' ')}"/>`;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${left}" y="24" font-size="15">${title}</text>`,
  ];
  for (let step = 0; step <= 5; step += 1) {
    const mib = (maxMiB * step) / 5;
    const seconds = (maxSeconds * step) / 5;
    parts.push(
      `<line x1="${left}" x2="${left + plotWidth}" y1="${y(mib)}" y2="${y(mib)}" stroke="#ddd"/>`,
      `<text x="${left - 6}" y="${y(mib) + 4}" text-anchor="end">${mib.toFixed(0)}</text>`,
      `<text x="${x(seconds)}" y="${top + plotHeight + 18}" text-anchor="middle">${(seconds / 60).toFixed(1)} min</text>`,
    );
  }
  parts.push(
    `<text x="14" y="${top + plotHeight / 2}" transform="rotate(-90 14 ${top + plotHeight / 2})" text-anchor="middle">MiB</text>`,
    line((s) => s.rssMiB, '#1f77b4'),
    line((s) => s.heapMiB, '#d62728'),
    `<line x1="${left + plotWidth + 14}" x2="${left + plotWidth + 38}" y1="${top + 10}" y2="${top + 10}" stroke="#1f77b4" stroke-width="3"/>`,
    `<text x="${left + plotWidth + 44}" y="${top + 14}">RSS</text>`,
    `<line x1="${left + plotWidth + 14}" x2="${left + plotWidth + 38}" y1="${top + 30}" y2="${top + 30}" stroke="#d62728" stroke-width="3"/>`,
    `<text x="${left + plotWidth + 44}" y="${top + 34}">heap used</text>`,
    '</svg>',
  );
  return parts.join('\n');
}
