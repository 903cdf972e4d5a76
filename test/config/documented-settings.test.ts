import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { configSchema } from '../../src/config.js';

const schemaKeys = new Set(Object.keys(configSchema.shape));

/** The variables named in the first column of the first table under `heading` in a Markdown file. */
function documentedVariables(file: string, heading: RegExp): Set<string> {
  const text = readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');
  const lines = text.split('\n');
  const start = lines.findIndex((l) => heading.test(l));
  assert.ok(start >= 0, `${file}: no heading ${heading}`);
  const names = new Set<string>();
  let inTable = false;
  for (const line of lines.slice(start + 1)) {
    if (/^#{1,3} /.test(line)) break;
    if (line.startsWith('|')) {
      inTable = true;
      const firstCell = line.split('|')[1] ?? '';
      for (const [, name] of firstCell.matchAll(/`([A-Za-z_][A-Za-z0-9_]*)`/g)) names.add(name!);
    } else if (inTable) break;
  }
  assert.ok(names.size > 0, `${file}: no settings table under ${heading}`);
  return names;
}

describe('documented settings agree with src/config.ts', () => {
  it('the configuration table (docs/configuration.md) names every setting, and nothing else', () => {
    const documented = documentedVariables('docs/configuration.md', /^## Settings$/);
    assert.deepEqual(
      [...schemaKeys].filter((k) => !documented.has(k)),
      [],
      'settings in the schema but not in docs/configuration.md',
    );
    assert.deepEqual(
      [...documented].filter((k) => !schemaKeys.has(k)),
      [],
      'settings in docs/configuration.md that the service does not read',
    );
  });
});

describe('docs/deploy.md settings agree with src/config.ts', () => {
  it('names only settings the service reads, and every one production needs', () => {
    const documented = documentedVariables('docs/deploy.md', /^## Settings$/);
    assert.deepEqual(
      [...documented].filter((k) => !schemaKeys.has(k)),
      [],
      'settings in docs/deploy.md that the service does not read',
    );
    const neededInProduction = [
      'NODE_ENV',
      'MicrosoftAppType',
      'MicrosoftAppId',
      'MicrosoftAppTenantId',
      'MicrosoftAppPassword',
      'MONGODB_URI',
      'PUBLIC_BASE_URL',
      'TAB_SSO_CLIENT_ID',
      'EXPORT_LINK_SECRET',
      'SURVEY_HMAC_SECRET',
      'APPLICATIONINSIGHTS_CONNECTION_STRING',
      'RETENTION_MONTHS',
    ];
    assert.deepEqual(
      neededInProduction.filter((k) => !documented.has(k)),
      [],
      'production settings missing from docs/deploy.md',
    );
  });
});
