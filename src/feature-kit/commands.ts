/**
 * The commands people can type, registered by features, so `help` always lists exactly the
 * commands the caller's roles allow in the current scope.
 */
import type { Role } from '../storage/people-repository.js';

export type Scope = 'personal' | 'team' | 'groupChat';

export interface CommandInfo {
  command: string;
  description: string;
  roles: Role[] | 'any';
  scopes: Scope[];
}

export class CommandRegistry {
  private readonly commands: CommandInfo[] = [];

  add(info: CommandInfo): void {
    this.commands.push(info);
  }

  for(roles: Role[], scope: Scope): CommandInfo[] {
    return this.commands.filter(
      (c) => c.scopes.includes(scope) && (c.roles === 'any' || c.roles.some((r) => roles.includes(r))),
    );
  }

  all(): CommandInfo[] {
    return [...this.commands];
  }
}

export function scopeOf(conversationType: string | undefined): Scope {
  if (conversationType === 'channel') return 'team';
  if (conversationType === 'groupChat') return 'groupChat';
  return 'personal';
}
