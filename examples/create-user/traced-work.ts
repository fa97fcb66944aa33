/**
 * The demo services' own spans, beside the ones pubscribe makes: the GraphQL mutation and the SQL
 * writes. Written against `@opentelemetry/api` only, so they cost next to nothing where no SDK is
 * registered (or the trace is not sampled).
 */
import { Attributes, context, Context, propagation, Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';

const tracer = () => trace.getTracer('create-user-demo');

/** HTTP request headers, as the Fetch API's `Headers` (graphql-yoga's `request.headers`). */
interface HeaderLookup {
  get(name: string): string | null;
}

function failed(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
  span.setAttribute('error.type', error instanceof Error ? error.name : typeof error);
}

/** Runs synchronous `work` in a new span, a child of `parent`; the span records a throw and ends with `work`. */
function inSpan<T>(name: string, kind: SpanKind, attributes: Attributes, parent: Context, work: () => T): T {
  const span = tracer().startSpan(name, { kind, attributes }, parent);
  try {
    return context.with(trace.setSpan(parent, span), work);
  } catch (error) {
    failed(span, error);
    throw error;
  } finally {
    span.end();
  }
}

/**
 * Runs a GraphQL operation in a SERVER span whose parent is the context the HTTP request carries
 * (its `traceparent`), when it carries one.
 *
 * @param name the span name, e.g. `mutation createUser`
 * @param headers the HTTP request's headers, when known
 * @param work the resolver's work
 * @returns what `work` returns
 */
export function inServerSpan<T>(name: string, headers: HeaderLookup | undefined, work: () => Promise<T>): Promise<T> {
  const parent = headers
    ? propagation.extract(context.active(), headers, {
        // The W3C propagator asks for its two headers by name; it never lists them.
        keys: () => ['traceparent', 'tracestate'],
        get: (carrier, key) => carrier.get(key) ?? undefined,
      })
    : context.active();
  const span = tracer().startSpan(
    name,
    { kind: SpanKind.SERVER, attributes: { 'graphql.operation.type': 'mutation' } },
    parent,
  );
  return context.with(trace.setSpan(parent, span), work).then(
    (result) => {
      span.end();
      return result;
    },
    (error: unknown) => {
      failed(span, error);
      span.end();
      throw error;
    },
  );
}

/**
 * Runs a database statement in a CLIENT span, a child of the active span (a handler's).
 *
 * @param statement a short name, e.g. `INSERT users`
 * @param work the statement
 * @returns what `work` returns
 */
export function inDatabaseSpan<T>(statement: string, work: () => T): T {
  return inSpan(statement, SpanKind.CLIENT, { 'db.system.name': 'sqlite' }, context.active(), work);
}
