/**
 * One server span per routed HTTP request (POST /api/messages is a turn), active while the
 * route's handlers run so database, outbox and log lines join its trace; and the
 * `turn.duration` histogram by route. Attributes: the route pattern (never the path with its
 * ids or query), method, status code; for turns the activity type, the invoke name and the
 * card verb the bot routed (fixed identifiers). Never message text, names or ids of people.
 */
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Request, Response, Server } from 'restify';
import { activeTelemetry } from './telemetry.js';

/** Invoke names are protocol identifiers like `adaptiveCard/action` or `task/fetch`. */
const INVOKE_NAME = /^[A-Za-z]{1,32}\/[A-Za-z]{1,32}$/;
const ACTIVITY_TYPES = new Set([
  'message',
  'invoke',
  'conversationUpdate',
  'installationUpdate',
  'messageReaction',
  'messageUpdate',
  'messageDelete',
  'event',
  'typing',
]);

/**
 * Registers the span middleware. Call after the body parser: restify resumes its handler chain
 * from the request's 'end' event, outside any async context set before it (the span still
 * starts at the request's arrival time).
 */
export function traceRequests(server: Server): void {
  server.use((req: Request, res: Response, next) => {
    const telemetry = activeTelemetry();
    if (!telemetry) return next();
    const route = String(req.getRoute()?.path ?? 'unknown');
    const method = req.method ?? 'GET';
    const startTime = req.time();
    const span = telemetry.tracer.startSpan(`${method} ${route}`, {
      kind: SpanKind.SERVER,
      startTime,
      attributes: { 'http.request.method': method, 'http.route': route },
    });
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      const status = res.statusCode;
      span.setAttribute('http.response.status_code', status);
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
      telemetry.turnDuration.record(Date.now() - startTime, {
        'http.route': route,
        'http.request.method': method,
        'http.response.status_code': status,
        ...turnAttributesOf(req),
      });
    };
    res.once('finish', end);
    res.once('close', end);
    context.with(trace.setSpan(context.active(), span), () => next());
  });
}

const TURN_ATTRIBUTES = Symbol('turn attributes');
type WithTurn = { [TURN_ATTRIBUTES]?: Record<string, string> };

function turnAttributesOf(req: Request): Record<string, string> {
  return (req as unknown as WithTurn)[TURN_ATTRIBUTES] ?? {};
}

/** The activity's type and invoke name on the request's span (when they are known identifiers). */
export function annotateTurn(req: Request, activity: { type?: unknown; name?: unknown }): void {
  if (!activeTelemetry()) return;
  const span = trace.getSpan(context.active());
  if (!span) return;
  const attributes: Record<string, string> = {
    'teams.activity.type':
      typeof activity.type === 'string' && ACTIVITY_TYPES.has(activity.type) ? activity.type : 'other',
  };
  if (activity.type === 'invoke' && typeof activity.name === 'string')
    attributes['teams.invoke.name'] = INVOKE_NAME.test(activity.name) ? activity.name : 'other';
  span.setAttributes(attributes);
  (req as unknown as WithTurn)[TURN_ATTRIBUTES] = {
    'teams.activity.type': attributes['teams.activity.type']!,
  };
}

/** The card verb a route of the bot matched (a registered identifier, not what the card sent). */
export function annotateCardVerb(verb: string): void {
  if (!activeTelemetry()) return;
  trace.getSpan(context.active())?.setAttribute('teams.card.verb', verb);
}
