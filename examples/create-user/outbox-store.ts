import Database from 'better-sqlite3';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import type { SendWelcomeEmail } from './messages';

const OutboxRow = t.type({
  user_id: t.number,
  to_address: t.string,
  subject: t.string,
  body: t.string,
  queued_at: t.string,
});

/** An email the emailer would send: the demo stores it instead. */
export interface OutboxEmail {
  readonly userId: number;
  readonly to: string;
  readonly subject: string;
  readonly body: string;
  readonly queuedAt: string;
}

/** The emailer's outbox table. */
export interface OutboxStore {
  /** Queues the welcome email; a redelivered command for the same user is ignored. */
  add(command: SendWelcomeEmail): void;
  /** The email queued for this address, if any. */
  findByAddress(to: string): OutboxEmail | undefined;
  count(): number;
  close(): void;
}

const toEmail = (row: t.TypeOf<typeof OutboxRow>): OutboxEmail => ({
  userId: row.user_id,
  to: row.to_address,
  subject: row.subject,
  body: row.body,
  queuedAt: row.queued_at,
});

/**
 * Opens (and creates) the outbox database at `path`.
 *
 * @param path the SQLite file
 * @param options `readonly` for the demo's look at a queued email
 * @returns the store; `close()` it when done
 */
export function openOutboxStore(path: string, options: { readonly readonly?: boolean } = {}): OutboxStore {
  const database = new Database(path, { readonly: options.readonly ?? false });
  if (!options.readonly) {
    database.pragma('journal_mode = WAL');
    // One welcome email per user: the unique user_id makes at-least-once delivery harmless.
    database.exec(`CREATE TABLE IF NOT EXISTS outbox (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      user_id INTEGER NOT NULL UNIQUE,
      to_address TEXT NOT NULL,
      subject TEXT NOT NULL,
      body TEXT NOT NULL,
      queued_at TEXT NOT NULL
    )`);
  }
  const add = options.readonly
    ? undefined
    : database.prepare(
        'INSERT INTO outbox (user_id, to_address, subject, body, queued_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id) DO NOTHING',
      );
  const byAddress = database.prepare('SELECT * FROM outbox WHERE to_address = ?');
  return {
    add(command) {
      if (!add) throw new Error('openOutboxStore: this store is read-only.');
      const body = `Hello ${command.name}, welcome aboard! Please confirm ${command.to} to finish signing up.`;
      add.run(command.userId, command.to, 'Welcome!', body, new Date().toISOString());
    },
    findByAddress(to) {
      const decoded = OutboxRow.decode(byAddress.get(to));
      return E.isRight(decoded) ? toEmail(decoded.right) : undefined;
    },
    count() {
      const counted = t.type({ n: t.number }).decode(database.prepare('SELECT count(*) AS n FROM outbox').get());
      return E.isRight(counted) ? counted.right.n : 0;
    },
    close: () => database.close(),
  };
}
