/**
 * A span per scheduled job run (`job.run`, attribute job.name) and the `jobs.runs` /
 * `jobs.failures` counters by job name. Job names are the fixed types and recurring names
 * the features register; payloads and error messages are never recorded.
 */
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { activeTelemetry } from './telemetry.js';

export async function traceJobRun<T>(jobName: string, attempt: number, run: () => Promise<T>): Promise<T> {
  const telemetry = activeTelemetry();
  if (!telemetry) return run();
  const attributes = { 'job.name': jobName };
  return telemetry.tracer.startActiveSpan(
    'job.run',
    { kind: SpanKind.INTERNAL, attributes: { ...attributes, 'job.attempt': attempt } },
    async (span) => {
      telemetry.jobRuns.add(1, attributes);
      try {
        return await run();
      } catch (err) {
        telemetry.jobFailures.add(1, attributes);
        span.setStatus({ code: SpanStatusCode.ERROR });
        throw err;
      } finally {
        span.end();
      }
    },
  );
}
