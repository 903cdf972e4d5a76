/** What a feature folder exports to the bot wiring. */
import type { Server } from 'restify';
import type { AppApplication } from '../bot/application.js';
import type { Services } from '../services.js';

export interface Feature {
  name: string;
  /** Routes on the Teams AI Application, job handlers, commands for `help`. */
  register(app: AppApplication, services: Services): void;
  /** Optional HTTP routes (signed links, tab pages, dashboard API). */
  registerHttp?(server: Server, services: Services): void;
}
