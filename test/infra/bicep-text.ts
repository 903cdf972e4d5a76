/**
 * Just enough of Bicep's syntax to check infra/ offline (there is no Bicep compiler here):
 * comments, strings with ${} interpolation, balanced braces, and the top-level declarations
 * (param with its decorators, var, resource, module, output).
 */

export interface BicepParam {
  name: string;
  type: string;
  hasDefault: boolean;
  allowed?: string[];
  minLength?: number;
  maxLength?: number;
  secure: boolean;
}

export interface BicepBlock {
  symbol: string;
  /** Resource type with API version, or module path. */
  target: string;
  condition?: string;
  /** Text between the outer braces. */
  body: string;
}

export interface BicepFile {
  params: BicepParam[];
  vars: Map<string, string>;
  resources: BicepBlock[];
  modules: BicepBlock[];
  outputs: string[];
}

/**
 * Walks Bicep text, calling `visit` with each character outside comments and whether it sits
 * inside a string literal (interpolations `${…}` count as code). Returns the text without comments.
 */
function scan(src: string, visit?: (i: number, inString: boolean) => void): string {
  let out = '';
  // Stack of contexts: 's' string, 'i' interpolation inside a string, 'b' brace in code.
  const stack: Array<'s' | 'i' | 'b'> = [];
  const inString = () => stack[stack.length - 1] === 's';
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (inString()) {
      visit?.(i, true);
      out += c;
      if (c === '\\') {
        out += src[i + 1] ?? '';
        visit?.(i + 1, true);
        i++;
      } else if (c === '$' && src[i + 1] === '{') {
        out += '{';
        visit?.(i + 1, true);
        i++;
        stack.push('i');
      } else if (c === "'") {
        stack.pop();
      }
      continue;
    }
    if (c === '/' && src[i + 1] === '/') {
      while (i < src.length && src[i] !== '\n') i++;
      out += '\n';
      visit?.(i, false);
      continue;
    }
    if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      i = end < 0 ? src.length : end + 1;
      continue;
    }
    // The brace that closes an interpolation belongs to the string, like the `${` that opened it.
    const closesInterpolation = c === '}' && stack[stack.length - 1] === 'i';
    visit?.(i, closesInterpolation);
    out += c;
    if (c === "'") stack.push('s');
    else if (c === '{') stack.push('b');
    else if (c === '}') stack.pop(); // closes a 'b', or an 'i' (back into the string)
  }
  return out;
}

export function stripComments(src: string): string {
  return scan(src);
}

/** Index of the brace that closes the one at `open` (strings and comments skipped). */
export function matchBrace(src: string, open: number, pair: [string, string] = ['{', '}']): number {
  let depth = 0;
  let found = -1;
  scan(src, (i, inString) => {
    if (found >= 0 || i < open || inString) return;
    if (src[i] === pair[0]) depth++;
    else if (src[i] === pair[1]) {
      depth--;
      if (depth === 0) found = i;
    }
  });
  if (found < 0) throw new Error(`unbalanced ${pair[0]} at offset ${open}`);
  return found;
}

/** Keys at the top level of an object literal's body (`key: value` lines). */
export function objectKeys(body: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  let lineStart = true;
  const text = stripComments(body);
  scan(text, (i, inString) => {
    if (inString) return;
    const c = text[i]!;
    if (c === '{' || c === '[' || c === '(') depth++;
    else if (c === '}' || c === ']' || c === ')') depth--;
    if (lineStart && depth === 0) {
      const m = /^[ \t]*(?:'([^']+)'|([A-Za-z_][A-Za-z0-9_]*))\s*:/.exec(text.slice(i));
      if (m) keys.push(m[1] ?? m[2]!);
    }
    lineStart = c === '\n';
  });
  return keys;
}

/** The `{…}` body that follows `key:` at the top level of `body`, or undefined. */
export function property(body: string, key: string): string | undefined {
  const re = new RegExp(`(^|\\n)\\s*${key}\\s*:\\s*`, 'g');
  for (let m = re.exec(body); m; m = re.exec(body)) {
    const at = m.index + m[0].length;
    const rest = body.slice(at);
    if (rest.startsWith('{')) return body.slice(at + 1, matchBrace(body, at));
    return rest.split('\n', 1)[0]!.trim();
  }
  return undefined;
}

function decoratorsBefore(lines: string[], index: number): string {
  const out: string[] = [];
  for (let j = index - 1; j >= 0; j--) {
    const l = lines[j]!.trim();
    if (l === '' || l.startsWith('@') || /^['\])]/.test(l) || /^'[^']*'$/.test(l)) {
      out.unshift(l);
      if (l === '') break;
      continue;
    }
    break;
  }
  return out.join('\n');
}

export function parseBicep(src: string): BicepFile {
  const text = stripComments(src);
  const lines = text.split('\n');
  const params: BicepParam[] = [];
  lines.forEach((line, i) => {
    const m = /^param\s+([A-Za-z_]\w*)\s+([A-Za-z_][\w.]*)\s*(=.*)?$/.exec(line.trim());
    if (!m) return;
    const decorators = decoratorsBefore(lines, i);
    const allowed = /@allowed\(\s*\[([\s\S]*?)\]\s*\)/.exec(decorators);
    const min = /@minLength\((\d+)\)/.exec(decorators);
    const max = /@maxLength\((\d+)\)/.exec(decorators);
    params.push({
      name: m[1]!,
      type: m[2]!,
      hasDefault: m[3] !== undefined,
      allowed: allowed ? [...allowed[1]!.matchAll(/'([^']*)'/g)].map((a) => a[1]!) : undefined,
      minLength: min ? Number(min[1]) : undefined,
      maxLength: max ? Number(max[1]) : undefined,
      secure: /@secure\(\)/.test(decorators),
    });
  });

  const blocks = (kind: 'resource' | 'module'): BicepBlock[] => {
    const out: BicepBlock[] = [];
    const re = new RegExp(
      `^${kind}\\s+(\\w+)\\s+'([^']+)'\\s*=\\s*(?:if\\s*\\((.*?)\\)\\s*)?(\\{|\\[)`,
      'gm',
    );
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const open = m.index + m[0].length - 1;
      const close = matchBrace(text, open, m[4] === '[' ? ['[', ']'] : ['{', '}']);
      out.push({ symbol: m[1]!, target: m[2]!, condition: m[3], body: text.slice(open + 1, close) });
    }
    return out;
  };

  const vars = new Map<string, string>();
  const varRe = /^var\s+(\w+)\s*=\s*/gm;
  for (let m = varRe.exec(text); m; m = varRe.exec(text)) {
    const start = m.index + m[0].length;
    const next = /\n(?=param |var |resource |module |output |@|targetScope|type |func )/.exec(
      text.slice(start),
    );
    vars.set(m[1]!, text.slice(start, next ? start + next.index : text.length).trim());
  }

  return {
    params,
    vars,
    resources: blocks('resource'),
    modules: blocks('module'),
    outputs: [...text.matchAll(/^output\s+(\w+)\s+/gm)].map((m) => m[1]!),
  };
}
