/**
 * Outbox telemetry: the trace context of the turn (or job) that enqueued an item is stored on
 * it (`traceparent`, W3C format), and each send attempt is a span (`outbox.send`) in that same
 * trace, so a turn's trace shows the proactive message it caused even though another worker
 * (or instance) sends it later. `outbox.sends` counts outcomes by status class; observable
 * gauges give the backlog (`outbox.backlog`: items due and not sent) and the age of the oldest
 * (`outbox.oldest_age`), read by two cheap indexed queries at most every 30 s.
 * Attributes: purpose and operation (fixed identifiers), attempt number, status code; never
 * recipients, item ids or message content.
 */
import {
  context,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  TraceFlags,
  type Attributes,
  type BatchObservableResult,
  type Span,
} from '@opentelemetry/api';
import type { Db } from 'mongodb';
import { collections } from '../storage/collections.js';
import { activeTelemetry } from './telemetry.js';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** `{ traceparent }` for a document enqueued now inside a span; `{}` otherwise. */
export function traceFieldsForEnqueue(): { traceparent?: string } {
  if (!activeTelemetry()) return {};
  const span = trace.getSpan(context.active());
  if (!span) return {};
  const { traceId, spanId, traceFlags } = span.spanContext();
  return { traceparent: `00-${traceId}-${spanId}-0${traceFlags & TraceFlags.SAMPLED}` };
}

function parentOf(traceparent: unknown) {
  const m = typeof traceparent === 'string' ? TRACEPARENT.exec(traceparent) : null;
  if (!m) return ROOT_CONTEXT;
  return trace.setSpanContext(ROOT_CONTEXT, {
    traceId: m[1]!,
    spanId: m[2]!,
    traceFlags: parseInt(m[3]!, 16),
    isRemote: true,
  });
}

interface SendItem {
  purpose: string;
  op: string;
  claims: number;
  traceparent?: string;
}

/** Attempt spans that got an answer from the Bot Connector (recordOutboxStatus). */
const answered = new WeakSet<Span>();

const PURPOSE = /^[A-Za-z0-9._-]{1,64}$/;

/** Runs one send attempt of an item as an `outbox.send` span in the trace that enqueued it. */
export async function traceOutboxAttempt<T>(item: SendItem, attempt: () => Promise<T>): Promise<T> {
  const telemetry = activeTelemetry();
  if (!telemetry) return attempt();
  const span = telemetry.tracer.startSpan(
    'outbox.send',
    {
      kind: SpanKind.PRODUCER,
      attributes: {
        'messaging.operation.name': 'send',
        'outbox.purpose': PURPOSE.test(item.purpose) ? item.purpose : 'other',
        'outbox.operation': item.op,
      },
    },
    parentOf(item.traceparent),
  );
  try {
    return await context.with(trace.setSpan(ROOT_CONTEXT, span), attempt);
  } finally {
    // Taken by another worker, held back by the rate limiter, or no conversation: no HTTP call.
    if (!answered.has(span)) span.setAttribute('outbox.outcome', 'not-sent');
    span.end();
  }
}

export function statusClass(status: number): '2xx' | '429' | '5xx' | 'other' {
  if (status >= 200 && status < 300) return '2xx';
  if (status === 429) return '429';
  if (status >= 500 && status < 600) return '5xx';
  return 'other';
}

/** The Bot Connector's answer to a send attempt (0: no HTTP answer), on its span and counter. */
export function recordOutboxStatus(item: Omit<SendItem, 'traceparent'>, status: number): void {
  const telemetry = activeTelemetry();
  if (!telemetry) return;
  const cls = statusClass(status);
  const span = trace.getSpan(context.active());
  if (span) {
    answered.add(span);
    // The claim won for this attempt numbers it (claims = attempts so far, this one included).
    span.setAttributes({
      'http.response.status_code': status,
      'outbox.status_class': cls,
      'outbox.outcome': 'answered',
      'outbox.attempt': item.claims,
    });
    if (cls !== '2xx') span.setStatus({ code: SpanStatusCode.ERROR });
  }
  const attributes: Attributes = {
    'outbox.status_class': cls,
    'outbox.purpose': PURPOSE.test(item.purpose) ? item.purpose : 'other',
    'outbox.operation': item.op,
  };
  telemetry.outboxSends.add(1, attributes);
}

/**
 * Registers the backlog gauges over the outbox collection; returns the unregister. Nothing is
 * registered (or queried) while telemetry is off.
 */
export function registerOutboxGauges(db: Db, refreshMs = 30_000): () => void {
  const telemetry = activeTelemetry();
  if (!telemetry) return () => {};
  const backlog = telemetry.meter.createObservableGauge('outbox.backlog', {
    description: 'Outbox items due and not yet sent (pending, or sending past their lease)',
  });
  const oldest = telemetry.meter.createObservableGauge('outbox.oldest_age', {
    description: 'How long the oldest item due and not yet sent has been due',
    unit: 's',
  });
  const outbox = () => db.collection<{ state: string; notBefore: Date }>(collections.outbox.name);
  let last: { at: number; count: number; ageS: number } | null = null;
  let reading: Promise<void> | null = null;
  const read = async () => {
    const now = new Date();
    const due = { state: { $in: ['pending', 'sending'] }, notBefore: { $lte: now } };
    const [count, first] = await Promise.all([
      outbox().countDocuments(due),
      outbox()
        .find(due, { projection: { notBefore: 1 } })
        .sort({ notBefore: 1 })
        .limit(1)
        .next(),
    ]);
    last = {
      at: Date.now(),
      count,
      ageS: first ? Math.max(0, (now.getTime() - first.notBefore.getTime()) / 1000) : 0,
    };
  };
  const callback = async (result: BatchObservableResult) => {
    if (!last || Date.now() - last.at >= refreshMs) {
      reading ??= read()
        .catch(() => {})
        .finally(() => (reading = null));
      await reading;
    }
    if (!last) return;
    result.observe(backlog, last.count);
    result.observe(oldest, last.ageS);
  };
  telemetry.meter.addBatchObservableCallback(callback, [backlog, oldest]);
  return () => telemetry.meter.removeBatchObservableCallback(callback, [backlog, oldest]);
}
