import { expect } from 'chai';
import { reportLines } from '../../examples/create-user/report';
import { planShape } from '../../examples/create-user/request-plan';
import type { DemoSummary, ServiceSummary } from '../../examples/create-user/run-demo';
import type { ReplyMode } from '../../examples/create-user/service-config';
import { flowTopics } from '../../examples/create-user/topics';

const graphql = (
  index: number,
  report: { answered: number; foreign: number; repliesRead: number },
): ServiceSummary => ({
  instance: `graphql-${index}`,
  pid: 100 + index,
  port: 4000 + index,
  report: { remoteErrors: 0, timedOut: 0, ...report },
});

function summary(replies: ReplyMode, services: readonly ServiceSummary[]): DemoSummary {
  return {
    topics: flowTopics('test'),
    replies,
    userCreatedPartitions: 3,
    shape: planShape(20),
    load: {
      requests: 20,
      counts: { ok: 18, duplicate: 1, validation: 1, other: 0 },
      p50Ms: 12,
      p99Ms: 40,
      elapsedMs: 2_500,
      throughput: 8,
    },
    results: [],
    producedRequests: 19,
    usersStored: 18,
    emailsQueued: 18,
    services: [
      { instance: 'user-service', pid: 99, port: null, report: { created: 18, duplicates: 1, failed: 0 } },
      ...services,
    ],
  };
}

/** The reply table's rows: from the line after its rule to the note in parentheses. */
function replyRows(lines: readonly string[]): string[][] {
  const title = lines.findIndex((line) => line.startsWith('replies on '));
  const rows: string[][] = [];
  for (const line of lines.slice(title + 3)) {
    if (line.trimStart().startsWith('(')) break;
    rows.push(line.trim().split(/\s{2,}/));
  }
  return rows;
}

describe("the demo's report (examples/create-user/report)", () => {
  it('shows, per GraphQL instance, the replies read, its own and the foreign drops, leased', () => {
    const lines = reportLines(
      summary('leased', [
        graphql(1, { answered: 10, foreign: 0, repliesRead: 10 }),
        graphql(2, { answered: 9, foreign: 0, repliesRead: 9 }),
      ]),
    );
    expect(lines).to.include(
      "replies on user-created-test (3 partitions), leased ownership (--replies leased: replyPartition 'auto'):",
    );
    expect(replyRows(lines)).to.deep.equal([
      ['graphql-1', '10', '10', '0', '0.0 %'],
      ['graphql-2', '9', '9', '0', '0.0 %'],
    ]);
    expect(lines.some((line) => line.includes('drops none'))).to.equal(true);
  });

  it('shows the foreign share against (N - 1) / N, shared', () => {
    const lines = reportLines(
      summary('shared', [
        graphql(1, { answered: 7, foreign: 12, repliesRead: 19 }),
        graphql(2, { answered: 6, foreign: 13, repliesRead: 19 }),
        graphql(3, { answered: 6, foreign: 13, repliesRead: 19 }),
      ]),
    );
    expect(lines).to.include('replies on user-created-test (3 partitions), shared reading (--replies shared):');
    expect(replyRows(lines)).to.deep.equal([
      ['graphql-1', '19', '7', '12', '63.2 %'],
      ['graphql-2', '19', '6', '13', '68.4 %'],
      ['graphql-3', '19', '6', '13', '68.4 %'],
    ]);
    expect(lines.some((line) => line.includes('(N - 1) / N = 66.7 %'))).to.equal(true);
    // The batch's time is in the outcome table.
    expect(lines[3]?.trim().split(/\s+/).at(-1)).to.equal('2.5');
  });
});
