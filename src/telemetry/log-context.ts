/**
 * The trace and span ids of the active span, for every log line written inside one (the pino
 * `mixin` in src/logger.ts), so a log line leads to its trace in Application Insights. Empty
 * while telemetry is off or outside any span.
 */
import { context, trace } from '@opentelemetry/api';
import { activeTelemetry } from './telemetry.js';

export function traceLogFields(): { trace_id?: string; span_id?: string } {
  if (!activeTelemetry()) return {};
  const span = trace.getSpan(context.active());
  if (!span) return {};
  const { traceId, spanId } = span.spanContext();
  return { trace_id: traceId, span_id: spanId };
}
