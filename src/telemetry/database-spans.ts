/**
 * Database spans from the driver's command monitoring (`monitorCommands`, on only while
 * telemetry is on): one client span per command, a child of the span active where the command
 * was issued (a turn, an outbox send, a job run). Commands outside any span (pollers, gauges)
 * get none. Attributes: db.system.name, db.namespace (database), db.operation.name (the
 * command name), db.collection.name, and on failure the server's error code; never the
 * command document, filters, values or error messages (a duplicate-key message quotes values).
 */
import { context, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import type { CommandFailedEvent, CommandStartedEvent, CommandSucceededEvent, MongoClient } from 'mongodb';
import { activeTelemetry } from './telemetry.js';

/** Handshake and authentication commands: not the application's work. */
const SKIPPED = new Set([
  'hello',
  'ismaster',
  'isMaster',
  'saslStart',
  'saslContinue',
  'authenticate',
  'endSessions',
]);
/** Bound on commands started and not finished (a lost event must not grow the map). */
const MAX_OPEN = 10_000;

export function traceDatabaseCommands(client: MongoClient): void {
  const open = new Map<number, Span>();

  client.on('commandStarted', (event: CommandStartedEvent) => {
    const telemetry = activeTelemetry();
    if (!telemetry || SKIPPED.has(event.commandName)) return;
    const parent = context.active();
    if (!trace.getSpan(parent)) return;
    if (open.size >= MAX_OPEN) return;
    const collection = collectionOf(event);
    const attributes: Record<string, string> = {
      'db.system.name': 'mongodb',
      'db.namespace': event.databaseName,
      'db.operation.name': event.commandName,
    };
    if (collection) attributes['db.collection.name'] = collection;
    const span = telemetry.tracer.startSpan(
      collection ? `${event.commandName} ${collection}` : event.commandName,
      { kind: SpanKind.CLIENT, attributes },
      parent,
    );
    open.set(event.requestId, span);
  });

  client.on('commandSucceeded', (event: CommandSucceededEvent) => {
    const span = open.get(event.requestId);
    if (!span) return;
    open.delete(event.requestId);
    span.end();
  });

  client.on('commandFailed', (event: CommandFailedEvent) => {
    const span = open.get(event.requestId);
    if (!span) return;
    open.delete(event.requestId);
    const code = (event.failure as { code?: unknown }).code;
    if (typeof code === 'number') span.setAttribute('db.response.status_code', String(code));
    span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  });
}

/** The collection a command works on: the command's first field for CRUD, `collection` for getMore. */
function collectionOf(event: CommandStartedEvent): string | undefined {
  const command = event.command as Record<string, unknown>;
  const value = event.commandName === 'getMore' ? command.collection : command[event.commandName];
  return typeof value === 'string' && value.length <= 120 ? value : undefined;
}
