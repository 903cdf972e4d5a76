// Layering rules for `npm run lint` (dependency-cruiser; run through tools/lint/depcruise.mjs).
// The shape they keep is in /docs/decisions and the README's "Architecture at a glance".
// test/lint/layering.test.ts runs this very file on a fixture tree that breaks each rule once,
// so a rule that stops matching fails a test instead of passing silently.

/** Packages of the Bot Framework / Teams AI platform, resolved (node_modules/...) or not. */
const PLATFORM = '(botbuilder|botbuilder-[^/]+|botframework-[^/]+|@microsoft/teams-ai)';
const PLATFORM_MODULE = `(^|/)node_modules/${PLATFORM}/|^${PLATFORM}(/|$)`;

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'platform-behind-the-seam',
      comment:
        'botbuilder, botframework-* and @microsoft/teams-ai are imported only by src/bot, src/http and ' +
        'src/proactive. Everything else sees Turn / BotRoutes (src/feature-kit/turn.ts) and the card ' +
        'types of src/cards, so a move to the Teams SDK changes one layer.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(bot|http|proactive)/' },
      to: { path: PLATFORM_MODULE },
    },
    {
      name: 'features-not-into-bot',
      comment:
        'Features register on BotRoutes and see Turn from src/feature-kit; src/bot is the platform side ' +
        'of the seam and no feature reaches into it.',
      severity: 'error',
      from: { path: '^src/features/' },
      to: { path: '^src/bot/' },
    },
    {
      name: 'features-only-through-ports',
      comment:
        "A feature uses another feature only through that feature's ports.ts (small typed interfaces " +
        'given to its constructor by src/services.ts), never its internals. Files at the root of ' +
        'src/features (feature.ts, utterances.ts, index.ts) are shared.',
      severity: 'error',
      from: { path: '^src/features/([^/]+)/' },
      to: {
        path: '^src/features/[^/]+/',
        pathNot: ['^src/features/$1/', '^src/features/[^/]+/ports\\.ts$'],
      },
    },
    {
      name: 'domain-is-pure',
      comment:
        'src/domain is pure logic: no database driver, file system, network or HTTP server, and none of ' +
        'the layers that do I/O (storage, proactive, bot, http). Not even their types: what the domain ' +
        'needs to name, it declares itself.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: {
        path: [
          '(^|/)node_modules/(mongodb|restify)/',
          '^(mongodb|restify)(/|$)',
          '^(node:)?(fs|net|http|https|http2|tls|dgram|child_process|worker_threads|cluster)(/|$)',
          '^src/(storage|proactive|bot|http)/',
        ],
      },
    },
    {
      name: 'web-talks-json-only',
      comment:
        'src/web (the dashboard tab, its own Vite build) talks to the server only through the JSON API: ' +
        "it may import the API's types (import type ...), never server code.",
      severity: 'error',
      from: { path: '^src/web/' },
      to: { path: '^src/', pathNot: '^src/web/', dependencyTypesNot: ['type-only'] },
    },
    // No `no-circular` rule yet: src/features/dashboard/rollups.ts and views.ts import each other
    // (a run-time cycle). Add { name: 'no-circular', from: {}, to: { circular: true } } once it is gone.
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)dist/' },
    tsPreCompilationDeps: true,
    combinedDependencies: false,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.d.ts', '.js', '.mjs', '.cjs', '.json'],
    },
  },
};
