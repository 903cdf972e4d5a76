/* eslint-disable @typescript-eslint/no-explicit-any -- the tool's JSON Schema is untyped here */
/**
 * The coach's prompts and what it takes back from the model (src/coach/prompts.ts), and the
 * DPIA page (docs/coach.md) quoting exactly what is sent.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  FEEDBACK_SYSTEM_PROMPT,
  feedbackRequest,
  parseFeedback,
  parseRoute,
  ROUTE_SYSTEM_PROMPT,
  routeRequest,
} from '../../src/coach/prompts.js';
import { loadConfig } from '../../src/config.js';

const draft = {
  modelLabel: 'What? So what? Now what?',
  steps: [
    { title: 'What?', answer: 'I led the handover.' },
    { title: 'So what?', answer: '' },
    { title: 'Now what?', answer: 'Practise with my educator.' },
  ],
};

describe('coach: prompts and answers', () => {
  it('docs/coach.md quotes both system prompts exactly and the feedback request as built', () => {
    const doc = readFileSync(new URL('../../docs/coach.md', import.meta.url), 'utf8');
    assert.ok(doc.includes(`> ${ROUTE_SYSTEM_PROMPT}\n`), 'the routing prompt');
    assert.ok(doc.includes(`> ${FEEDBACK_SYSTEM_PROMPT}\n`), 'the feedback prompt');
    const content = feedbackRequest(draft).messages[1]!.content;
    const [head] = content.split('\n1: ');
    assert.ok(doc.includes(head!), 'the example feedback request');
  });

  it('routing offers only the given commands, and keeps only an answer among them', () => {
    const choices = [
      { command: 'check in', description: "Fill in this week's supervision check-in" },
      { command: 'reflect', description: 'Write a guided reflection, or continue your draft' },
    ];
    const { messages, tool } = routeRequest('jot down my thoughts', choices);
    assert.deepEqual(messages.at(-1), { role: 'user', content: 'jot down my thoughts' });
    assert.deepEqual((tool.parameters as any).properties.command.enum, ['check in', 'reflect']);
    assert.equal(parseRoute({ command: 'reflect' }, choices), 'reflect');
    assert.equal(parseRoute({ command: 'announce' }, choices), null);
    assert.equal(parseRoute({ command: 7 }, choices), null);
    assert.equal(parseRoute(null, choices), null);
  });

  it('feedback keeps only the draft’s steps, known standards and a bounded question', () => {
    const parsed = parseFeedback(
      {
        thinSteps: ['Now what?', 'So what?', 'Made up'],
        standards: ['11', '99', '7'],
        question: ` ${'x'.repeat(400)} `,
      },
      draft,
    );
    assert.deepEqual(parsed!.thinSteps, ['So what?', 'Now what?']);
    assert.deepEqual(parsed!.standards, ['7', '11']);
    assert.equal(parsed!.question.length, 300);
    assert.equal(parseFeedback({ thinSteps: 'all', standards: {}, question: 3 }, draft), null);
  });

  it('the settings: off by default; on needs an endpoint and a deployment; a key or an identity; a timeout under the invoke limit', () => {
    const base = { NODE_ENV: 'test' } as NodeJS.ProcessEnv;
    assert.equal(loadConfig(base).COACH_ENABLED, false);
    assert.throws(
      () => loadConfig({ ...base, COACH_ENABLED: 'true' }),
      /AZURE_OPENAI_ENDPOINT: required[\s\S]*AZURE_OPENAI_DEPLOYMENT: required/,
    );
    const on = {
      ...base,
      COACH_ENABLED: 'true',
      AZURE_OPENAI_ENDPOINT: 'https://trust.openai.azure.com',
      AZURE_OPENAI_DEPLOYMENT: 'gpt-4o-mini',
    };
    assert.equal(loadConfig(on).AZURE_OPENAI_API_VERSION, '2024-10-21');
    assert.throws(
      () => loadConfig({ ...on, AZURE_OPENAI_ENDPOINT: 'http://trust.openai.azure.com' }),
      /AZURE_OPENAI_ENDPOINT/,
    );
    assert.throws(
      () => loadConfig({ ...on, AZURE_OPENAI_API_KEY: 'k', AZURE_OPENAI_CLIENT_ID: 'c' }),
      /AZURE_OPENAI_CLIENT_ID: leave blank/,
    );
    assert.throws(
      () => loadConfig({ ...on, COACH_TIMEOUT_MS: '3000', INVOKE_TIMEOUT_MS: '3000' }),
      /COACH_TIMEOUT_MS/,
    );
    assert.throws(() => loadConfig({ ...on, COACH_TIMEOUT_MS: '5000' }), /COACH_TIMEOUT_MS/);
  });
});
