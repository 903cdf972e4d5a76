// ESM resolve hook for tools/lint/depcruise.mjs: dependency-cruiser's `import('typescript')`
// gets the TypeScript 5 API (`typescript-5`); every other import resolves as usual.
const CRUISER = /[\\/]node_modules[\\/]dependency-cruiser[\\/]/;

export async function resolve(specifier, context, nextResolve) {
  if (
    (specifier === 'typescript' || specifier.startsWith('typescript/')) &&
    context.parentURL &&
    CRUISER.test(decodeURI(context.parentURL))
  ) {
    return nextResolve(`typescript-5${specifier.slice('typescript'.length)}`, context);
  }
  return nextResolve(specifier, context);
}
