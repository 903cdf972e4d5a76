/** Types for tools/ensure-env-secrets.mjs (plain Node so it runs before `npm ci`). */
export declare function planSecrets(
  env: Record<string, string | undefined>,
  options?: { linkSecretsOnly?: boolean },
): {
  /** Values to write (`::set-teamsfx-env NAME=value`); '' for an unused optional secret. */
  set: Record<string, string>;
  errors: string[];
};
