// Property tests of the scenario module: totality of validation, toInput and link
// round-trips over arbitrary valid scenarios, and a fuzz of hostile links.

import fc from 'fast-check';
import { compressToEncodedURIComponent, decompressFromEncodedURIComponent } from 'lz-string';
import { describe, expect, it } from 'vitest';
import { arbLinkView, arbScenario, arbScenarioInput } from './arbitrary';
import { parseCmdline } from './cmdline';
import { toInput } from './defaults';
import { decodeLink, decompressBounded, encodeLink } from './link';
import type { ValidationResult } from './types';
import { parseScenarioText, validateScenario } from './validate';

// Fixed seeds keep the suite reproducible; a failure prints its counterexample.
const SEED = 20260523;

function wellFormed(r: ValidationResult): boolean {
  if (r.ok) return typeof r.scenario === 'object' && r.scenario.version === 1;
  return typeof r.error.path === 'string' && typeof r.error.message === 'string' && r.error.message.length > 0;
}

/** A valid input with one random edit somewhere inside it. */
const arbMutated = fc
  .tuple(
    arbScenarioInput(),
    fc.nat(),
    fc.constantFrom('replace', 'delete', 'add', 'rename'),
    fc.oneof(
      fc.anything(),
      fc.constantFrom(Number.NaN, Infinity, -Infinity, -0, 1e308, -1, 2 ** 53, '', '__proto__', 'x'.repeat(100_000), [], {}, null, true, '1', '4', 'NaN'),
    ),
    fc.constantFrom('__proto__', 'constructor', 'prototype', 'vcpu', 'cpus', 'at', 'do', 'args', 'zzz', ''),
  )
  .map(([input, which, op, value, key]) => {
    const clone = JSON.parse(JSON.stringify(input)) as unknown;
    const holders: [Record<string, unknown> | unknown[], string | number][] = [];
    const walk = (v: unknown) => {
      if (Array.isArray(v)) v.forEach((x, i) => (holders.push([v, i]), walk(x)));
      else if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) (holders.push([v as Record<string, unknown>, k]), walk(x));
    };
    walk(clone);
    if (holders.length === 0) return clone;
    const [holder, k] = holders[which % holders.length];
    const h = holder as Record<string | number, unknown>;
    if (op === 'replace') h[k] = value;
    else if (op === 'delete') delete h[k];
    else if (op === 'add' && !Array.isArray(holder)) Object.defineProperty(holder, key, { value, enumerable: true, configurable: true, writable: true });
    else if (op === 'rename' && !Array.isArray(holder)) {
      const x = h[k];
      delete h[k];
      Object.defineProperty(holder, `${String(k)}${key === '' ? 's' : key}`, { value: x, enumerable: true, configurable: true, writable: true });
    } else h[k] = value;
    return clone;
  });

describe('validateScenario is total', () => {
  it('never throws on fc.anything()', () => {
    fc.assert(
      fc.property(fc.anything({ withNullPrototype: true, withBoxedValues: true, withMap: true, withSet: true, withSparseArray: true, maxDepth: 4 }), (x) => {
        expect(wellFormed(validateScenario(x))).toBe(true);
      }),
      { numRuns: 400, seed: SEED },
    );
  });

  it('never throws on objects with a valid version and anything else', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 12 }), fc.anything({ maxDepth: 3 }), { maxKeys: 6 }), (o) => {
        expect(wellFormed(validateScenario({ ...o, version: 1 }))).toBe(true);
      }),
      { numRuns: 300, seed: SEED },
    );
  });

  it('never throws on mutated valid scenarios; errors name a path that leads into the input', () => {
    fc.assert(
      fc.property(arbMutated, (x) => {
        const r = validateScenario(x);
        expect(wellFormed(r)).toBe(true);
        if (!r.ok && r.error.path !== '') {
          const top = /^([A-Za-z_$][\w$]*|\[".*?"\])/.exec(r.error.path);
          expect(top, r.error.path).not.toBeNull();
        }
      }),
      { numRuns: 400, seed: SEED },
    );
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.json(), fc.string({ unit: 'binary', maxLength: 100 })), (t) => {
        expect(wellFormed(parseScenarioText(t))).toBe(true);
      }),
      { numRuns: 300, seed: SEED },
    );
  });

  it('parseCmdline never throws', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary-ascii', maxLength: 80 }), (s) => {
        const r = parseCmdline(s);
        expect(typeof r).toBe('object');
      }),
      { numRuns: 300, seed: SEED },
    );
  });
});

describe('round-trips over arbitrary valid scenarios', () => {
  it('arbScenarioInput always validates', () => {
    fc.assert(
      fc.property(arbScenarioInput(), (input) => {
        const r = validateScenario(input);
        if (!r.ok) throw new Error(`${r.error.path}: ${r.error.message}`);
      }),
      { numRuns: 300, seed: SEED },
    );
  });

  it('validateScenario(toInput(s)) gives s back', () => {
    fc.assert(
      fc.property(arbScenario(), (s) => {
        expect(validateScenario(toInput(s))).toEqual({ ok: true, scenario: s });
      }),
      { numRuns: 300, seed: SEED },
    );
  });

  it('validation is idempotent on its own output, through JSON', () => {
    fc.assert(
      fc.property(arbScenario(), (s) => {
        const text = JSON.stringify(toInput(s));
        expect(parseScenarioText(text)).toEqual({ ok: true, scenario: s });
      }),
      { numRuns: 150, seed: SEED },
    );
  });

  it('encodeLink → decodeLink → validate gives the scenario and view back exactly', () => {
    fc.assert(
      fc.property(arbScenario(), fc.option(arbLinkView(), { nil: undefined }), (s, view) => {
        const hash = encodeLink(toInput(s), view);
        const d = decodeLink(hash);
        if (!d.ok) throw new Error(d.error.message);
        expect(d.view).toEqual(view ?? {});
        expect(validateScenario(d.input)).toEqual({ ok: true, scenario: s });
      }),
      { numRuns: 300, seed: SEED },
    );
  });

  it('links of raw inputs decode to the same input', () => {
    fc.assert(
      fc.property(arbScenarioInput(), (input) => {
        const d = decodeLink(encodeLink(input));
        expect(d).toEqual({ ok: true, input: JSON.parse(JSON.stringify(input)), view: {} });
      }),
      { numRuns: 200, seed: SEED },
    );
  });
});

describe('hostile links (fuzz)', () => {
  function clearWithin(hash: string, ms: number): void {
    const t0 = performance.now();
    const d = decodeLink(hash);
    const dt = performance.now() - t0;
    expect(dt).toBeLessThan(ms);
    if (d.ok) {
      // A mutation that still decodes must give something validation handles.
      expect(wellFormed(validateScenario(d.input))).toBe(true);
    } else {
      expect(d.error.message).toMatch(/^(this link (is damaged|holds no scenario|is too long|was made by a newer version)|this link's scenario is too large|a link must be text)/);
    }
  }

  it('random byte strings give a clear error quickly', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.uint8Array({ maxLength: 300 }).map((b) => String.fromCharCode(...b))), (s) => {
        clearWithin(s, 200);
        clearWithin(`#v1:z:${s}`, 200);
        clearWithin(`#v1:j:${s}`, 200);
      }),
      { numRuns: 250, seed: SEED },
    );
  });

  it('random payloads over the lz-string alphabet give a clear error or a decoded input, quickly', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-$'.split('');
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...alphabet), { minLength: 1, maxLength: 2000 }), (chars) => {
        clearWithin(`#v1:z:${chars.join('')}`, 200);
      }),
      { numRuns: 250, seed: SEED },
    );
  });

  it('mutated valid links (flip, cut, insert, swap) give a clear error or a decoded input, quickly', () => {
    fc.assert(
      fc.property(arbScenario({ maxSteps: 8 }), fc.nat(), fc.nat(), fc.constantFrom('flip', 'cut', 'insert', 'swap'), fc.string({ minLength: 1, maxLength: 1 }), (s, a, b, op, c) => {
        const hash = encodeLink(toInput(s), { t: 1000 });
        const i = 1 + (a % (hash.length - 1));
        const j = 1 + (b % (hash.length - 1));
        let m: string;
        if (op === 'flip') m = hash.slice(0, i) + String.fromCharCode(hash.charCodeAt(i) ^ (1 + (b % 63))) + hash.slice(i + 1);
        else if (op === 'cut') m = hash.slice(0, i);
        else if (op === 'insert') m = hash.slice(0, i) + c + hash.slice(i);
        else m = hash.slice(0, Math.min(i, j)) + hash.slice(Math.max(i, j)) + hash.slice(Math.min(i, j), Math.max(i, j));
        clearWithin(m, 200);
      }),
      { numRuns: 300, seed: SEED },
    );
  });

  it('decompressBounded agrees with lz-string wherever lz-string decodes', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.nat(), (text, cut) => {
        const c = compressToEncodedURIComponent(text);
        expect(decompressBounded(c, 1e7)).toBe(text);
        const truncated = c.slice(0, cut % (c.length + 1));
        const theirs = truncated === '' ? null : decompressFromEncodedURIComponent(truncated);
        const mine = decompressBounded(truncated, 1e7);
        if (typeof theirs === 'string' && theirs !== '' && typeof mine === 'string') expect(mine).toBe(theirs);
      }),
      { numRuns: 300, seed: SEED },
    );
  });
});
