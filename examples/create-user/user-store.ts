import Database from 'better-sqlite3';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import type { CreateUser, UserCreated } from './messages';

const UserRow = t.type({ id: t.number, email: t.string, name: t.string, created_at: t.string, request_id: t.string });

/** The user service's database: one `users` table with a unique email. */
export interface UserStore {
  /**
   * Inserts a user. The email is unique, so a second request for it is a `left('duplicate')`,
   * unless it is the same request delivered again (same `requestId`): Kafka delivery is
   * at-least-once, and a redelivered request must get its original answer, not "email taken".
   */
  insert(request: CreateUser, requestId: string): E.Either<'duplicate', UserCreated>;
  /** The user with this email, if any. */
  findByEmail(email: string): UserCreated | undefined;
  count(): number;
  close(): void;
}

const toUser = (row: t.TypeOf<typeof UserRow>): UserCreated => ({
  id: row.id,
  email: row.email,
  name: row.name,
  createdAt: row.created_at,
});

/**
 * Opens (and creates) the users database at `path`. WAL mode, so the demo can read it from
 * another process while the service writes.
 *
 * @param path the SQLite file
 * @param options `readonly` for the demo's look at a stored user
 * @returns the store; `close()` it when done
 */
export function openUserStore(path: string, options: { readonly readonly?: boolean } = {}): UserStore {
  const database = new Database(path, { readonly: options.readonly ?? false });
  if (!options.readonly) {
    database.pragma('journal_mode = WAL');
    database.exec(`CREATE TABLE IF NOT EXISTS users (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      email TEXT NOT NULL UNIQUE,
      name TEXT NOT NULL,
      created_at TEXT NOT NULL,
      request_id TEXT NOT NULL
    )`);
  }
  // Rows come back as `unknown`: decode them like any other input rather than cast.
  const row = (value: unknown): UserCreated | undefined => {
    const decoded = UserRow.decode(value);
    return E.isRight(decoded) ? toUser(decoded.right) : undefined;
  };
  const byEmail = database.prepare('SELECT * FROM users WHERE email = ?');
  const insert = options.readonly
    ? undefined
    : database.prepare(
        'INSERT INTO users (email, name, created_at, request_id) VALUES (?, ?, ?, ?) ON CONFLICT (email) DO NOTHING RETURNING *',
      );
  return {
    insert(request, requestId) {
      if (!insert) throw new Error('openUserStore: this store is read-only.');
      const inserted = row(insert.get(request.email, request.name, new Date().toISOString(), requestId));
      if (inserted) return E.right(inserted);
      const existing = byEmail.get(request.email);
      const decoded = UserRow.decode(existing);
      if (E.isRight(decoded) && decoded.right.request_id === requestId) return E.right(toUser(decoded.right));
      return E.left('duplicate');
    },
    findByEmail: (email) => row(byEmail.get(email)),
    count() {
      const counted = t.type({ n: t.number }).decode(database.prepare('SELECT count(*) AS n FROM users').get());
      return E.isRight(counted) ? counted.right.n : 0;
    },
    close: () => database.close(),
  };
}
