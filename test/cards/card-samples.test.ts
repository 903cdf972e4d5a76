/**
 * Card samples are what the gallery and README show: they must tell the truth about the
 * server's rules (an error is shown only under a value the server refuses).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { profileInput } from '../../src/features/conversations/input.js';
import { formatZodIssues } from '../../src/domain/validation.js';
import { REPO_ROOT } from '../../tools/lib/app-package.js';

const sample = (name: string) =>
  JSON.parse(readFileSync(path.join(REPO_ROOT, 'cards', `${name}.sample.json`), 'utf8')) as Record<
    string,
    unknown
  >;

describe('card samples agree with the server', () => {
  it('conversation-host-profile: each field error in the sample is the one the server gives its value', () => {
    const data = sample('conversation-host-profile');
    const result = profileInput.safeParse(data);
    const serverErrors = result.success ? {} : formatZodIssues(result.error);
    for (const field of ['bio', 'location', 'onlineLink', 'weeklyCap'])
      assert.equal(
        data[`${field}Error`],
        serverErrors[field] ?? '',
        `${field} = ${JSON.stringify(data[field])}`,
      );
  });
});
