/**
 * `npm run cards:gallery` — renders every card in cards/ with its sample data to
 * docs/cards/<name>.png and writes docs/cards/index.html, so a reviewer can see each card
 * without Teams. Cards are rendered by the `adaptivecards` library itself inside headless
 * Chromium, with a host config that approximates the Teams (light theme) chat card.
 *
 * Needs a Chromium binary: /usr/bin/chromium (Debian: `apt-get install -y chromium`) or the
 * path in $CHROMIUM_PATH. Cards that break the house rules (tools/lib/card-check.ts) are still
 * drawn where possible, listed with their problems in index.html, and make the command exit 1.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as ACTypes from 'adaptivecards';
import { chromium } from 'playwright-core';
import { REPO_ROOT } from './lib/app-package.js';
import { type CardCheckResult, checkCardsDir } from './lib/card-check.js';

const CARDS_DIR = path.join(REPO_ROOT, 'cards');
const OUT_DIR = path.join(REPO_ROOT, 'docs', 'cards');
const CHROMIUM = process.env['CHROMIUM_PATH'] || '/usr/bin/chromium';
const CARD_WIDTH = 450;

const FONT_STACK =
  "'Segoe UI', 'Segoe UI Web (West European)', -apple-system, BlinkMacSystemFont, Roboto, 'Helvetica Neue', 'Open Sans', 'Liberation Sans', sans-serif";

const color = (def: string, subtle: string) => ({ default: def, subtle });
const FOREGROUND = {
  default: color('#242424', '#616161'),
  dark: color('#242424', '#424242'),
  light: color('#FFFFFF', '#F5F5F5'),
  accent: color('#5B5FC7', '#4F52B2'),
  good: color('#0E700E', '#107C10'),
  warning: color('#835B00', '#8A3707'),
  attention: color('#C4314B', '#A4262C'),
};
const style = (backgroundColor: string) => ({ backgroundColor, foregroundColors: FOREGROUND });

/** Approximates Microsoft Teams' light theme (Teams v2 neutral palette, brand purple accent). */
export const TEAMS_LIGHT_HOST_CONFIG = {
  supportsInteractivity: true,
  fontFamily: FONT_STACK,
  fontSizes: { small: 12, default: 14, medium: 14, large: 18, extraLarge: 24 },
  fontWeights: { lighter: 300, default: 400, bolder: 600 },
  lineHeights: { small: 16, default: 20, medium: 20, large: 24, extraLarge: 32 },
  spacing: { small: 4, default: 8, medium: 16, large: 20, extraLarge: 24, padding: 16 },
  separator: { lineThickness: 1, lineColor: '#E0E0E0' },
  imageSizes: { small: 32, medium: 52, large: 100 },
  textStyles: {
    heading: { size: 'large', weight: 'bolder', color: 'default', isSubtle: false, fontType: 'default' },
    columnHeader: {
      size: 'default',
      weight: 'bolder',
      color: 'default',
      isSubtle: false,
      fontType: 'default',
    },
  },
  containerStyles: {
    default: style('#FFFFFF'),
    emphasis: style('#F5F5F5'),
    accent: style('#E8EBFA'),
    good: style('#F1FAF1'),
    attention: style('#FDF3F4'),
    warning: style('#FFF9F5'),
  },
  actions: {
    maxActions: 6,
    spacing: 'default',
    buttonSpacing: 8,
    showCard: { actionMode: 'inline', inlineTopMargin: 16 },
    actionsOrientation: 'horizontal',
    actionAlignment: 'stretch',
    iconPlacement: 'leftOfTitle',
    iconSize: 16,
  },
  adaptiveCard: { allowCustomStyle: true },
  factSet: {
    title: {
      color: 'default',
      size: 'default',
      isSubtle: false,
      weight: 'bolder',
      wrap: true,
      maxWidth: 150,
    },
    value: { color: 'default', size: 'default', isSubtle: false, weight: 'default', wrap: true },
    spacing: 12,
  },
  inputs: {
    label: {
      inputSpacing: 'small',
      requiredInputs: { weight: 'bolder', suffix: ' *', suffixColor: 'attention' },
      optionalInputs: { weight: 'bolder' },
    },
    errorMessage: { size: 'small', color: 'attention' },
  },
};

/** Teams-like chrome around the card: bordered chat bubble, outlined buttons, Fluent inputs. */
const PAGE_CSS = `
  html, body { margin: 0; background: #F5F5F5; }
  body { padding: 16px; font-family: ${FONT_STACK}; -webkit-font-smoothing: antialiased; }
  #frame { width: ${CARD_WIDTH}px; background: #FFFFFF; border: 1px solid #E0E0E0; border-radius: 6px;
           box-shadow: 0 1px 2px rgba(0,0,0,.12), 0 0 2px rgba(0,0,0,.08); overflow: hidden; }
  .ac-adaptiveCard { border-radius: 6px; }
  .ac-pushButton { font-family: inherit; font-size: 14px; font-weight: 600; color: #242424; background: #FFFFFF;
                   border: 1px solid #D1D1D1; border-radius: 4px; min-height: 32px; padding: 5px 12px;
                   overflow: hidden; text-overflow: ellipsis; white-space: nowrap; cursor: pointer; }
  .ac-pushButton.style-positive { background: #5B5FC7; border-color: #5B5FC7; color: #FFFFFF; }
  .ac-pushButton.style-destructive { color: #C4314B; border-color: #C4314B; }
  .ac-input { font-family: inherit; font-size: 14px; color: #242424; }
  .ac-textInput, .ac-numberInput, .ac-dateInput, .ac-timeInput, .ac-multichoiceInput {
    box-sizing: border-box; width: 100%; min-height: 32px; padding: 5px 10px; border: 1px solid #D1D1D1;
    border-bottom-color: #616161; border-radius: 4px; background: #FFFFFF; }
  .ac-textInput.ac-multiline { min-height: 64px; resize: none; }
  .ac-choiceSetInput-expanded label, .ac-toggleInput label { font-size: 14px; color: #242424; }
  .ac-factset td { padding: 0 0 4px 0; }
  a { color: #5B5FC7; }
  .ac-textBlock p { margin: 0 0 8px 0; }
  .ac-textBlock ul { margin: 0 0 8px 0; padding-left: 20px; }
`;

/**
 * Teams renders a markdown subset in TextBlocks (bold, italic, links, bullet lists, line
 * breaks); without a processor the adaptivecards library shows the raw ** and [..](..).
 * Plain page script (not a TS function) so the bundler adds nothing to it.
 */
const MARKDOWN_SCRIPT = String.raw`
AdaptiveCards.AdaptiveCard.onProcessMarkdown = function (text, result) {
  function esc(t) {
    return t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  }
  function inline(t) {
    return esc(t)
      .replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>')
      .replace(/(^|[^\w])_(.+?)_(?!\w)/g, '$1<em>$2</em>')
      .replace(/\[([^\]]+)\]\((https?:[^)\s]+)\)/g, '<a href="$2">$1</a>');
  }
  var blocks = [];
  var list = [];
  function flush() {
    if (list.length) blocks.push('<ul>' + list.map(function (i) { return '<li>' + i + '</li>'; }).join('') + '</ul>');
    list = [];
  }
  text.split(/\n{2,}/).forEach(function (para) {
    var lines = para.split('\n');
    if (lines.every(function (l) { return /^\s*[-*] /.test(l); })) {
      lines.forEach(function (l) { list.push(inline(l.replace(/^\s*[-*] /, ''))); });
      return;
    }
    flush();
    blocks.push('<p>' + lines.map(inline).join('<br>') + '</p>');
  });
  flush();
  result.outputHtml = blocks.join('');
  result.didProcess = true;
};
`;

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function indexHtml(results: CardCheckResult[], rendered: Set<string>): string {
  const items = results
    .map((r) => {
      const img = rendered.has(r.name)
        ? `<img src="${r.name}.png" alt="${escapeHtml(r.name)} card rendered with its sample data">`
        : '<p class="missing">Not rendered.</p>';
      const problems = r.errors.length
        ? `<ul class="errors">${r.errors.map((e) => `<li>${escapeHtml(e)}</li>`).join('')}</ul>`
        : '<p class="ok">Passes the card checks.</p>';
      const size = r.bytes === undefined ? '' : ` · ${(r.bytes / 1024).toFixed(1)} KB`;
      return `<section id="${r.name}">
  <h2>${escapeHtml(r.name)}</h2>
  <p class="meta"><code>cards/${r.name}.json</code> with <code>cards/${r.name}.sample.json</code>${size}</p>
  ${problems}
  ${img}
</section>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<title>Placement Companion — Adaptive Card gallery</title>
<style>
  body { font-family: ${FONT_STACK}; color: #242424; background: #FAFAFA; margin: 24px; }
  h1 { font-size: 24px; } h2 { font-size: 18px; margin-bottom: 4px; }
  section { margin-bottom: 32px; } .meta { color: #616161; margin-top: 0; }
  .ok { color: #0E700E; } .errors { color: #C4314B; } img { display: block; max-width: 100%; }
</style>
</head>
<body>
<h1>Adaptive Card gallery</h1>
<p>Every template in <code>cards/</code>, expanded with its sample data and rendered by the
<code>adaptivecards</code> library with a Teams-like light host config (${CARD_WIDTH}px wide).
Regenerate with <code>npm run cards:gallery</code>. Teams itself may differ slightly in fonts and spacing.</p>
${items}
</body>
</html>
`;
}

async function main(): Promise<void> {
  if (!existsSync(CHROMIUM)) {
    console.error(
      `No Chromium at ${CHROMIUM}. Install it (Debian: apt-get install -y chromium) or set CHROMIUM_PATH.`,
    );
    process.exitCode = 1;
    return;
  }
  const results = checkCardsDir(CARDS_DIR);
  if (!results.length) {
    console.error(`No card templates in ${CARDS_DIR}`);
    process.exitCode = 1;
    return;
  }
  await mkdir(OUT_DIR, { recursive: true });
  const acScript = createRequire(import.meta.url).resolve('adaptivecards/dist/adaptivecards.min.js');
  const rendered = new Set<string>();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox'] });
  try {
    const page = await browser.newPage({
      viewport: { width: CARD_WIDTH + 32, height: 600 },
      deviceScaleFactor: 2,
    });
    for (const result of results) {
      if (!result.card) {
        console.error(`✗ ${result.name}: cannot render\n  - ${result.errors.join('\n  - ')}`);
        continue;
      }
      await page.setContent(`<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><style>${PAGE_CSS}</style></head>
        <body><div id="frame"></div></body></html>`);
      await page.addScriptTag({ path: acScript });
      await page.addScriptTag({ content: MARKDOWN_SCRIPT });
      const renderError = await page.evaluate(
        ({ card, hostConfig }) => {
          // Runs in the page, where the min.js bundle defines the global `AdaptiveCards`.
          const AC = (globalThis as unknown as { AdaptiveCards: typeof ACTypes }).AdaptiveCards;
          const adaptiveCard = new AC.AdaptiveCard();
          adaptiveCard.hostConfig = new AC.HostConfig(hostConfig);
          adaptiveCard.parse(card);
          const el = adaptiveCard.render();
          if (!el) return 'adaptivecards rendered nothing';
          document.getElementById('frame')!.appendChild(el);
          return null;
        },
        { card: result.card, hostConfig: TEAMS_LIGHT_HOST_CONFIG },
      );
      if (renderError) {
        result.errors.push(`render: ${renderError}`);
        continue;
      }
      await page.evaluate(() => document.fonts.ready.then(() => undefined));
      await page.locator('#frame').screenshot({ path: path.join(OUT_DIR, `${result.name}.png`) });
      rendered.add(result.name);
      const mark = result.errors.length ? '✗' : '✓';
      console.log(`${mark} ${result.name} → docs/cards/${result.name}.png`);
      for (const e of result.errors) console.log(`  - ${e}`);
    }
  } finally {
    await browser.close();
  }
  await writeFile(path.join(OUT_DIR, 'index.html'), indexHtml(results, rendered));
  console.log(`Wrote docs/cards/index.html (${rendered.size} of ${results.length} cards rendered)`);
  if (results.some((r) => r.errors.length)) process.exitCode = 1;
}

await main();
