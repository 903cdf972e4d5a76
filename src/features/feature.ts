/** What a feature folder exports to the bot wiring. */
import type { Server } from 'restify';
import type { BotRoutes } from '../feature-kit/turn.js';
import type { Services } from '../services.js';

export interface Feature {
  name: string;
  /** Commands for `help`, message routes, card verbs and job handlers. */
  register?(routes: BotRoutes, services: Services): void;
  /** Optional HTTP routes (signed links, tab pages, dashboard API). */
  registerHttp?(server: Server, services: Services): void;
}
