// ESLint flat config.
//
// typescript-eslint 8 needs the TypeScript 5 JavaScript API, but this project compiles with
// TypeScript 7 (the native compiler, which ships no JS API). package.json installs TypeScript 5.9
// under the alias `typescript-5` and its `overrides` relax typescript-eslint's peer range; the
// hook below sends every `require('typescript…')` made by typescript-eslint's own packages to
// that alias. Nothing else in the project sees TypeScript 5. Rules are syntax-only (no type-aware
// rules), so no tsconfig program is built and the two compilers never have to agree.
import Module, { createRequire } from 'node:module';
import { defineConfig, globalIgnores } from 'eslint/config';
import js from '@eslint/js';
import globals from 'globals';
import prettier from 'eslint-config-prettier';

const LINT_PACKAGES =
  /[\\/]node_modules[\\/](?:@typescript-eslint[\\/][^\\/]+|typescript-eslint|ts-api-utils)[\\/]/;
const originalResolve = Module._resolveFilename;
Module._resolveFilename = function resolveTypeScriptForLint(request, parent, ...rest) {
  if (
    (request === 'typescript' || request.startsWith('typescript/')) &&
    parent?.filename &&
    LINT_PACKAGES.test(parent.filename)
  ) {
    return originalResolve.call(this, `typescript-5${request.slice('typescript'.length)}`, parent, ...rest);
  }
  return originalResolve.call(this, request, parent, ...rest);
};

const require = createRequire(import.meta.url);
/** @type {typeof import('typescript-eslint')} */
const tseslint = require('typescript-eslint');

export default defineConfig(
  globalIgnores([
    'node_modules/',
    '.data/',
    'dist/',
    'build/',
    'appPackage/build/',
    'docs/cards/',
    'src/web/dist/',
    'tools/local-db/local-db/',
  ]),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['warn', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    languageOptions: { globals: { ...globals.node, ...globals.mocha } },
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    files: ['src/web/**/*.{ts,tsx,js}'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // ARCHITECTURE.md: small modules, no file over 500 lines.
    files: ['src/**/*.{ts,tsx}', 'test/**/*.ts', 'tools/**/*.ts', 'bench/**/*.ts'],
    rules: { 'max-lines': ['error', { max: 500, skipBlankLines: false, skipComments: false }] },
  },
  prettier,
);
