/**
 * A small SVG writer for the demo's trace picture (the seed's figures 3 and 4, made from real
 * spans): a waterfall of one request's trace across the services, and the steps of consumer starts
 * from subscribe to ready. Plain strings, no dependency.
 */
import { CONSUMER_START_EVENTS as E } from '../../lib/opentelemetry';
import type { DemoSpan } from './demo-span';

/** What the picture shows. */
export interface TraceFigure {
  /** The spans of one trace (one createUser mutation), from every process. */
  readonly request: readonly DemoSpan[];
  /** Consumer start spans (`start reply consumer`, ...), each drawn with its steps. */
  readonly starts: readonly DemoSpan[];
}

const width = 980;
const labelWidth = 330;
const chartLeft = labelWidth + 10;
const chartWidth = width - chartLeft - 80;
const rowHeight = 22;
const font = 'font-family="ui-sans-serif, system-ui, sans-serif"';

const serviceColors: readonly [RegExp, string][] = [
  [/^graphql/, '#2563eb'],
  [/^user-service/, '#059669'],
  [/^emailer/, '#d97706'],
  [/^http client/, '#6b7280'],
];

/** The steps of a consumer start, each named by the event that ends it. */
const startPhases: readonly { readonly until: string; readonly label: string; readonly color: string }[] = [
  { until: E.logEndsRead, label: 'read log ends', color: '#93c5fd' },
  { until: E.joinStarted, label: 'before join', color: '#cbd5e1' },
  { until: E.assigned, label: 'connect, join group', color: '#60a5fa' },
  { until: E.positioned, label: 'assigned, no position yet (figure 4)', color: '#f97316' },
  { until: E.ready, label: 'positioned, ready emitted', color: '#22c55e' },
];

const escape = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const colorOf = (service: string): string => serviceColors.find(([pattern]) => pattern.test(service))?.[1] ?? '#7c3aed';

/** Milliseconds, with as many decimals as a short duration needs. */
export function formatMs(ms: number): string {
  if (ms < 0.1) return `${ms.toFixed(3)} ms`;
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  return `${Math.round(ms)} ms`;
}

/** A tick step of 1, 2 or 5 times a power of ten that cuts `span` into at most `most` parts. */
function tickStep(span: number, most = 8): number {
  const rough = Math.max(span, 1e-6) / most;
  const power = 10 ** Math.floor(Math.log10(rough));
  return [1, 2, 5, 10].map((factor) => factor * power).find((step) => step >= rough) ?? 10 * power;
}

function text(x: number, y: number, content: string, attributes = ''): string {
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${attributes}>${escape(content)}</text>`;
}

/** A time axis from 0 to `span` ms at `top`, with grid lines down to `bottom`. */
function axis(top: number, bottom: number, span: number, x: (ms: number) => number): string[] {
  const step = tickStep(span);
  const parts: string[] = [];
  for (let at = 0; at <= span + step / 1e6; at += step) {
    const left = x(at);
    parts.push(`<line x1="${left.toFixed(1)}" y1="${top}" x2="${left.toFixed(1)}" y2="${bottom}" stroke="#e5e7eb"/>`);
    const label = at.toFixed(Math.max(0, Math.ceil(-Math.log10(step))));
    parts.push(text(left, top - 4, label, 'font-size="10" fill="#6b7280" text-anchor="middle"'));
  }
  parts.push(text(chartLeft + chartWidth + 8, top - 4, 'ms', 'font-size="10" fill="#6b7280"'));
  return parts;
}

/**
 * The spans in tree order (parents before children, siblings by start), with their depth.
 *
 * @param spans spans of one trace
 * @returns each span once, with how deep it sits
 */
export function treeOrder(spans: readonly DemoSpan[]): { readonly span: DemoSpan; readonly depth: number }[] {
  const ids = new Set(spans.map((span) => span.spanId));
  const byStart = [...spans].sort((a, b) => a.startMs - b.startMs);
  const ordered: { span: DemoSpan; depth: number }[] = [];
  const visit = (span: DemoSpan, depth: number) => {
    ordered.push({ span, depth });
    for (const child of byStart.filter((candidate) => candidate.parentSpanId === span.spanId)) visit(child, depth + 1);
  };
  for (const root of byStart.filter((span) => span.parentSpanId === null || !ids.has(span.parentSpanId)))
    visit(root, 0);
  return ordered;
}

function requestPanel(spans: readonly DemoSpan[], top: number): { parts: string[]; height: number } {
  const parts: string[] = [];
  const rows = treeOrder(spans);
  const traceId = spans[0]?.traceId ?? '';
  parts.push(
    text(20, top + 18, 'One createUser mutation, one trace across the services', 'font-size="15" font-weight="600"'),
  );
  parts.push(
    text(
      20,
      top + 36,
      `trace ${traceId}: the HTTP client, GraphQL (pubscribe requester), the user service (pubscribe responder), the emailer`,
      'font-size="11" fill="#6b7280"',
    ),
  );
  if (rows.length === 0) {
    parts.push(text(20, top + 60, 'no spans were recorded', 'font-size="12" fill="#b91c1c"'));
    return { parts, height: 80 };
  }
  const start = Math.min(...spans.map((span) => span.startMs));
  const end = Math.max(...spans.map((span) => span.endMs));
  const total = Math.max(end - start, 1e-3);
  const x = (ms: number) => chartLeft + (ms / total) * chartWidth;
  const axisTop = top + 62;
  const firstRow = axisTop + 6;
  parts.push(...axis(axisTop, firstRow + rows.length * rowHeight, total, x));
  rows.forEach(({ span, depth }, index) => {
    const y = firstRow + index * rowHeight;
    const color = colorOf(span.service);
    const left = x(span.startMs - start);
    const barWidth = Math.max(1, x(span.endMs - start) - left);
    const duration = span.endMs - span.startMs;
    const indent = 20 + depth * 12;
    parts.push(
      `<g><title>${escape(`${span.service}: ${span.name} (${span.kind}), ${formatMs(duration)}`)}</title>`,
      text(indent, y + 15, span.service, `font-size="11" fill="${color}" font-weight="600"`),
      text(indent + 7 * span.service.length + 8, y + 15, span.name, 'font-size="12" fill="#111827"'),
      `<rect x="${left.toFixed(1)}" y="${y + 4}" width="${barWidth.toFixed(1)}" height="${rowHeight - 8}" rx="2" fill="${color}"${
        span.error ? ' stroke="#b91c1c" stroke-width="2"' : ''
      }/>`,
      text(
        left + barWidth + 4,
        y + 15,
        formatMs(duration) + (span.error ? ` ${span.error}` : ''),
        'font-size="10" fill="#374151"',
      ),
      '</g>',
    );
    for (const event of span.events) {
      const at = x(event.atMs - start);
      parts.push(
        `<g><title>${escape(`${event.name} at +${formatMs(event.atMs - span.startMs)}`)}</title>` +
          `<rect x="${(at - 1).toFixed(1)}" y="${y + 2}" width="2" height="${rowHeight - 4}" fill="#111827"/></g>`,
      );
    }
  });
  return { parts, height: firstRow + rows.length * rowHeight + 12 - top };
}

function startPanel(starts: readonly DemoSpan[], top: number): { parts: string[]; height: number } {
  const parts: string[] = [];
  parts.push(
    text(20, top + 18, 'Started is not ready: consumer starts, subscribe to ready', 'font-size="15" font-weight="600"'),
  );
  parts.push(
    text(
      20,
      top + 36,
      'the span events of each start; Kafka calls a consumer started at "partitions assigned", pubscribe says ready once every position is fixed',
      'font-size="11" fill="#6b7280"',
    ),
  );
  let legendX = 20;
  for (const phase of startPhases) {
    parts.push(`<rect x="${legendX}" y="${top + 46}" width="10" height="10" fill="${phase.color}"/>`);
    parts.push(text(legendX + 14, top + 55, phase.label, 'font-size="11" fill="#374151"'));
    legendX += 24 + phase.label.length * 5.6;
  }
  if (starts.length === 0) {
    parts.push(text(20, top + 84, 'no consumer start was recorded', 'font-size="12" fill="#b91c1c"'));
    return { parts, height: 100 };
  }
  const total = Math.max(...starts.map((span) => span.endMs - span.startMs), 1e-3);
  const x = (ms: number) => chartLeft + (ms / total) * chartWidth;
  const axisTop = top + 82;
  const rowSpace = rowHeight + 16;
  const firstRow = axisTop + 6;
  parts.push(...axis(axisTop, firstRow + starts.length * rowSpace - 16, total, x));
  starts.forEach((span, index) => {
    const y = firstRow + index * rowSpace;
    const color = colorOf(span.service);
    const eventAt = (name: string) => span.events.find((event) => event.name === name)?.atMs;
    const group = span.attributes['messaging.consumer.group.name'] ?? '';
    parts.push(
      `<g><title>${escape(`${span.service}: ${span.name}, group ${group}`)}</title>`,
      text(20, y + 15, span.service, `font-size="11" fill="${color}" font-weight="600"`),
      text(28 + 7 * span.service.length, y + 15, span.name, 'font-size="12" fill="#111827"'),
      '</g>',
    );
    let from = span.startMs;
    const notes: string[] = [];
    for (const phase of startPhases) {
      const until = eventAt(phase.until);
      if (until === undefined) continue;
      const left = x(from - span.startMs);
      const phaseWidth = Math.max(1, x(until - span.startMs) - left);
      parts.push(
        `<g><title>${escape(`${phase.label}: ${formatMs(until - from)}`)}</title>` +
          `<rect x="${left.toFixed(1)}" y="${y + 4}" width="${phaseWidth.toFixed(1)}" height="${rowHeight - 8}" fill="${phase.color}"/></g>`,
      );
      from = until;
    }
    const assigned = eventAt(E.assigned);
    const ready = eventAt(E.ready);
    if (assigned !== undefined && ready !== undefined) {
      const at = x(assigned - span.startMs);
      parts.push(`<rect x="${(at - 1).toFixed(1)}" y="${y}" width="2" height="${rowHeight}" fill="#c2410c"/>`);
      notes.push(`assigned → ready ${formatMs(ready - assigned)}`);
    }
    const logEnds = eventAt(E.logEndsRead);
    if (logEnds !== undefined && assigned !== undefined)
      notes.push(`log ends read → assigned ${formatMs(assigned - logEnds)}`);
    notes.push(`subscribe → ready ${formatMs((ready ?? span.endMs) - span.startMs)}`);
    parts.push(text(chartLeft, y + rowHeight + 9, notes.join('   ·   '), 'font-size="11" fill="#374151"'));
  });
  return { parts, height: firstRow + starts.length * rowSpace + 8 - top };
}

/**
 * Draws the figure: the request's waterfall on top, the consumer starts below.
 *
 * @param figure the spans to draw
 * @returns an SVG document
 */
export function traceSvg(figure: TraceFigure): string {
  const request = requestPanel(figure.request, 10);
  const starts = startPanel(figure.starts, 10 + request.height + 20);
  const height = 10 + request.height + 20 + starts.height + 10;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${Math.ceil(height)}" viewBox="0 0 ${width} ${Math.ceil(height)}" ${font}>`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    ...request.parts,
    `<line x1="20" y1="${(10 + request.height + 8).toFixed(1)}" x2="${width - 20}" y2="${(10 + request.height + 8).toFixed(1)}" stroke="#d1d5db"/>`,
    ...starts.parts,
    '</svg>',
    '',
  ].join('\n');
}
