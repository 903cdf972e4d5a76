// Runs dependency-cruiser's command line (arguments passed through) with the TypeScript 5 API.
//
// dependency-cruiser reads TypeScript with the TypeScript JavaScript API, which it accepts up
// to TypeScript 6; this project compiles with TypeScript 7 (the native compiler, no JS API) and
// installs TypeScript 5.9 under the alias `typescript-5` for its linters (see eslint.config.js).
// The hooks below send dependency-cruiser's own `typescript` imports and requires to that alias;
// nothing else in the process is redirected.
import Module, { register } from 'node:module';

const CRUISER = /[\\/]node_modules[\\/]dependency-cruiser[\\/]/;
const originalResolve = Module._resolveFilename;
Module._resolveFilename = function resolveTypeScriptForCruiser(request, parent, ...rest) {
  if (
    (request === 'typescript' || request.startsWith('typescript/')) &&
    parent?.filename &&
    CRUISER.test(parent.filename)
  ) {
    return originalResolve.call(this, `typescript-5${request.slice('typescript'.length)}`, parent, ...rest);
  }
  return originalResolve.call(this, request, parent, ...rest);
};
register('./typescript-5-hook.mjs', import.meta.url);

const entry = import.meta.resolve('dependency-cruiser');
await import(new URL('../../bin/dependency-cruise.mjs', entry).href);
