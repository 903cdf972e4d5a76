/**
 * OpenTelemetry set-up: traces and metrics to Application Insights when
 * APPLICATIONINSIGHTS_CONNECTION_STRING is set (or to a test's exporter / reader), nothing
 * otherwise. With telemetry off no provider, no context manager and no database command
 * monitoring is installed: every hook in src/telemetry/ checks `activeTelemetry()` first and
 * just runs the work (AsyncLocalStorage's promise hooks cost 5–15% of a check-in submit's CPU,
 * see src/http/turn-timings.ts, so they stay off unless telemetry is on).
 *
 * One telemetry at a time per process (the OpenTelemetry context manager is global);
 * `shutdown()` flushes what is buffered and unregisters everything.
 *
 * Attributes are fixed identifiers only (routes, activity types, card verbs, job names,
 * command names, status codes): never names, emails, typed text, ids of people or documents.
 * test/telemetry/checkin-trace.test.ts scans everything exported for personal data.
 */
import {
  context,
  metrics,
  trace,
  type Counter,
  type Histogram,
  type Meter,
  type Tracer,
} from '@opentelemetry/api';
import type { MetricReader } from '@opentelemetry/sdk-metrics';
import type { SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';

export const INSTRUMENTATION_NAME = 'placement-companion';
/** Longest wait for the last export at shutdown. */
const SHUTDOWN_LIMIT_MS = 5000;

export interface TelemetryOptions {
  /** Application Insights connection string: export traces and metrics there. */
  connectionString?: string;
  /** Tests: spans go here, one by one as they end (e.g. an InMemorySpanExporter). */
  spanExporter?: SpanExporter;
  /** Tests: a metric reader to collect from (e.g. a PeriodicExportingMetricReader over an InMemoryMetricExporter). */
  metricReader?: MetricReader;
  /** How often metrics are exported to Application Insights (default 60 s). */
  metricIntervalMs?: number;
}

/** What the hooks record with while telemetry is on. */
export interface Instruments {
  tracer: Tracer;
  meter: Meter;
  /** `turn.duration` (ms) by route, method, status code and activity type. */
  turnDuration: Histogram;
  /** `outbox.sends` by status class (2xx, 429, 5xx, other), purpose and operation. */
  outboxSends: Counter;
  /** `jobs.runs` and `jobs.failures` by job name. */
  jobRuns: Counter;
  jobFailures: Counter;
}

export interface Telemetry {
  /** False when nothing is exported (no connection string, no test exporter): nothing was installed. */
  readonly enabled: boolean;
  /** Exports what is buffered now. */
  forceFlush(): Promise<void>;
  /** Flushes (at most 5 s; export errors are dropped) and unregisters everything (call after the service stopped). */
  shutdown(): Promise<void>;
}

let active: Instruments | null = null;

/** The instruments while telemetry is on; null when it is off (then hooks do nothing). */
export function activeTelemetry(): Instruments | null {
  return active;
}

const off: Telemetry = { enabled: false, forceFlush: async () => {}, shutdown: async () => {} };

export async function startTelemetry(options: TelemetryOptions = {}): Promise<Telemetry> {
  if (!options.connectionString && !options.spanExporter && !options.metricReader) return off;
  // The SDK is loaded only when telemetry is on (it is ~0.1 s of start-up otherwise).
  const [
    { AsyncLocalStorageContextManager },
    { resourceFromAttributes },
    { MeterProvider, PeriodicExportingMetricReader },
    { BasicTracerProvider, BatchSpanProcessor, SimpleSpanProcessor },
    { ATTR_SERVICE_NAME },
  ] = await Promise.all([
    import('@opentelemetry/context-async-hooks'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/sdk-metrics'),
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/semantic-conventions'),
  ]);
  const spanProcessors: SpanProcessor[] = [];
  const readers: MetricReader[] = [];
  if (options.connectionString) {
    // Loaded only when used: the exporter and its Azure client are not needed otherwise.
    const { AzureMonitorTraceExporter, AzureMonitorMetricExporter } =
      await import('@azure/monitor-opentelemetry-exporter');
    // No offline retry files: production runs on a read-only file system.
    const azure = { connectionString: options.connectionString, disableOfflineStorage: true };
    spanProcessors.push(new BatchSpanProcessor(new AzureMonitorTraceExporter(azure)));
    readers.push(
      new PeriodicExportingMetricReader({
        exporter: new AzureMonitorMetricExporter(azure),
        exportIntervalMillis: options.metricIntervalMs ?? 60_000,
      }),
    );
  }
  if (options.spanExporter) spanProcessors.push(new SimpleSpanProcessor(options.spanExporter));
  if (options.metricReader) readers.push(options.metricReader);
  if (active) throw new Error('telemetry is already started in this process');

  const resource = resourceFromAttributes({ [ATTR_SERVICE_NAME]: INSTRUMENTATION_NAME });
  const tracerProvider = new BasicTracerProvider({ resource, spanProcessors });
  const meterProvider = new MeterProvider({ resource, readers });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  trace.setGlobalTracerProvider(tracerProvider);
  metrics.setGlobalMeterProvider(meterProvider);

  const meter = meterProvider.getMeter(INSTRUMENTATION_NAME);
  active = {
    tracer: tracerProvider.getTracer(INSTRUMENTATION_NAME),
    meter,
    turnDuration: meter.createHistogram('turn.duration', {
      description: 'Time from a request arriving to its answer written, by route',
      unit: 'ms',
    }),
    outboxSends: meter.createCounter('outbox.sends', {
      description: 'Proactive send attempts that reached an outcome, by status class (2xx, 429, 5xx, other)',
    }),
    jobRuns: meter.createCounter('jobs.runs', { description: 'Scheduled job runs, by job name' }),
    jobFailures: meter.createCounter('jobs.failures', {
      description: 'Scheduled job runs that failed, by job name',
    }),
  };

  let stopped = false;
  return {
    enabled: true,
    async forceFlush() {
      await Promise.all([tracerProvider.forceFlush(), meterProvider.forceFlush()]);
    },
    async shutdown() {
      if (stopped) return;
      stopped = true;
      active = null;
      try {
        // A last export that fails (ingestion unreachable) loses that telemetry, nothing else;
        // bounded so a stop is never held up by it.
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          Promise.allSettled([tracerProvider.shutdown(), meterProvider.shutdown()]),
          new Promise((resolve) => (timer = setTimeout(resolve, SHUTDOWN_LIMIT_MS).unref())),
        ]);
        clearTimeout(timer);
      } finally {
        trace.disable();
        metrics.disable();
        context.disable();
        contextManager.disable();
      }
    },
  };
}
