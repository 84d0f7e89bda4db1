import { compressToEncodedURIComponent, decompressFromEncodedURIComponent } from 'lz-string';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SCENARIO_INPUT } from './defaults';
import { lzBomb } from './lzBomb';
import { MAX_LINK_CHARS, cleanView, decodeLink, decompressBounded, encodeLink, makeLink } from './link';
import { LIMITS } from './types';
import { validateScenario } from './validate';

function errorOf(hash: unknown): string {
  const r = decodeLink(hash);
  if (r.ok) throw new Error('expected an error');
  expect(r.error.path).toBe('');
  return r.error.message;
}

describe('encodeLink / decodeLink', () => {
  it('round-trips the default scenario and a view', () => {
    const hash = encodeLink(DEFAULT_SCENARIO_INPUT, { t: 123_456, panel: 'hypercalls' });
    expect(hash).toMatch(/^#v1:[jz]:/);
    const r = decodeLink(hash);
    expect(r).toEqual({ ok: true, input: DEFAULT_SCENARIO_INPUT, view: { t: 123_456, panel: 'hypercalls' } });
    if (r.ok) expect(validateScenario(r.input).ok).toBe(true);
  });

  it('uses the compressed form only when it is shorter', () => {
    const plainOf = (x: unknown) => `#v1:j:${encodeURIComponent(JSON.stringify({ s: x })).replace(/%2C/g, ',').replace(/%3A/g, ':')}`;
    const zOf = (x: unknown) => `#v1:z:${compressToEncodedURIComponent(JSON.stringify({ s: x }))}`;
    // In practice lz-string wins even for tiny inputs; `true` is one where it does not.
    const samples: unknown[] = [true, 1, 'ab', [1, 2], { version: 1 }, DEFAULT_SCENARIO_INPUT];
    samples.push({ version: 1, steps: Array.from({ length: 50 }, (_, i) => ({ at: `${i}ms`, do: 'cpu_up', cpu: 1 })) });
    let plainSeen = false;
    for (const x of samples) {
      const p = plainOf(x);
      const z = zOf(x);
      const hash = encodeLink(x);
      expect(hash).toBe(z.length < p.length ? z : p);
      plainSeen ||= hash === p;
      expect(decodeLink(hash)).toEqual({ ok: true, input: x, view: {} });
    }
    expect(plainSeen).toBe(true);
    expect(encodeLink(true)).toBe('#v1:j:%7B%22s%22:true%7D');
  });

  it('accepts the hash with or without "#", or a whole URL', () => {
    const hash = encodeLink({ version: 1 }, { t: 5 });
    for (const h of [hash, hash.slice(1), `http://localhost:5173/${hash}`, ` ${hash} `]) {
      expect(decodeLink(h)).toEqual({ ok: true, input: { version: 1 }, view: { t: 5 } });
    }
  });

  it('reads a compressed payload whose "+" became a space', () => {
    const payload = compressToEncodedURIComponent(JSON.stringify({ s: { version: 1, title: '~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~' } }));
    const spaced = payload.replace(/\+/g, ' ');
    expect(decodeLink(`#v1:z:${payload}`).ok).toBe(true);
    expect(decodeLink(`#v1:z:${spaced}`)).toEqual(decodeLink(`#v1:z:${payload}`));
  });

  it('makeLink builds a full URL, replacing any hash in the base', () => {
    expect(makeLink('http://localhost:5173/', { version: 1 })).toBe(`http://localhost:5173/${encodeLink({ version: 1 })}`);
    expect(makeLink('http://localhost:5173/#old', { version: 1 })).toBe(makeLink('http://localhost:5173/', { version: 1 }));
  });

  it('passes invalid scenarios through for validateScenario to report', () => {
    const r = decodeLink(encodeLink({ version: 1, guest: { vcpus: 0 } }));
    expect(r.ok).toBe(true);
    if (r.ok) expect(validateScenario(r.input)).toMatchObject({ ok: false, error: { path: 'guest.vcpus' } });
  });

  it('encodeLink throws on input that is not JSON', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => encodeLink(cyclic)).toThrow(TypeError);
  });
});

describe('decodeLink errors', () => {
  it('a newer link format says so', () => {
    expect(errorOf('#v2:z:abc')).toBe(
      'this link was made by a newer version of the playground (link format v2; this one reads v1): open it with the newer playground',
    );
  });

  it.each([
    ['', 'this link holds no scenario'],
    ['#', 'this link holds no scenario'],
    ['#hello', 'this link is damaged (it does not start with a format version such as "v1:")'],
    ['#v0:j:{}', 'this link is damaged (unknown link format "v0")'],
    ['#v01:j:{}', 'this link is damaged (unknown link format "v01")'],
    ['#v1:x:abc', 'this link is damaged (unknown encoding "x")'],
    ['#v1:j:%E0%A4%A', 'this link is damaged (a %-escape is broken)'],
    ['#v1:j:%7B%22s%22:%7B', 'this link is damaged (its text is cut short or altered)'],
    ['#v1:j:%5B1%5D', 'this link is damaged (it holds no scenario)'],
    ['#v1:j:%7B%7D', 'this link is damaged (it holds no scenario)'],
    ['#v1:z:', 'this link is damaged (its data is empty)'],
    ['#v1:z:ab!c', 'this link is damaged (its data holds a foreign character at 2)'],
  ])('%j → %s', (hash, message) => {
    expect(errorOf(hash)).toBe(`${message}${message.startsWith('this link is damaged') ? '; ask for a fresh link or open the scenario file instead' : ''}`);
  });

  it('a truncated compressed link is damaged', () => {
    const hash = encodeLink({ version: 1, title: 'A fairly long title that compresses into something', steps: [{ do: 'cpu_up', cpu: 1 }] });
    const z = hash.startsWith('#v1:z:') ? hash : `#v1:z:${compressToEncodedURIComponent(JSON.stringify({ s: { version: 1, title: 'x'.repeat(80) } }))}`;
    for (const cut of [z.length - 5, Math.floor(z.length / 2), 8]) {
      expect(errorOf(z.slice(0, cut))).toMatch(/^this link is damaged \(/);
    }
  });

  it('non-strings are refused', () => {
    expect(errorOf(42)).toBe('a link must be text');
    expect(errorOf(null)).toBe('a link must be text');
  });

  it('refuses hashes over MAX_LINK_CHARS before decoding', () => {
    const t0 = performance.now();
    expect(errorOf(`#v1:z:${'A'.repeat(MAX_LINK_CHARS)}`)).toMatch(/^this link is too long \(2\.0 MB; the limit is 2 MB\)/);
    expect(performance.now() - t0).toBeLessThan(200);
  });

  it('refuses a decompression bomb quickly (output over the limit)', () => {
    // LZW-style streams expand quadratically: ~5 kB of codes stand for 2.5 MB of text.
    expect(decompressBounded(lzBomb(10), 1e9)).toBe('a'.repeat(66));
    const bomb = lzBomb(2300);
    expect(bomb.length).toBeLessThan(6_000);
    const t0 = performance.now();
    expect(errorOf(`#v1:z:${bomb}`)).toMatch(/^this link's scenario is too large \(over \d+ kB once decoded\)/);
    expect(performance.now() - t0).toBeLessThan(500);
  });

  it('refuses a plain link whose JSON is over the limit', () => {
    const json = JSON.stringify({ s: { version: 1, title: 'x'.repeat(LIMITS.maxInputBytes + 20_000) } });
    expect(errorOf(`#v1:j:${json}`)).toMatch(/^this link's scenario is too large/);
  });
});

describe('cleanView', () => {
  it('keeps small scalar state and a valid playhead', () => {
    expect(cleanView({ t: 5, panel: 'ports', zoom: 2.5, follow: true })).toEqual({ t: 5, panel: 'ports', zoom: 2.5, follow: true });
  });

  it('drops everything else, never throws', () => {
    expect(cleanView(null)).toEqual({});
    expect(cleanView([1])).toEqual({});
    expect(cleanView('t=5')).toEqual({});
    expect(cleanView({ t: -1 })).toEqual({});
    expect(cleanView({ t: 1.5 })).toEqual({});
    expect(cleanView({ t: LIMITS.maxUntilNs + 1 })).toEqual({});
    expect(cleanView({ big: 'x'.repeat(257), nan: Number.NaN, inf: Infinity, obj: {}, arr: [], nul: null, 'bad key': 1 })).toEqual({});
    const hostile = JSON.parse('{"__proto__": {"polluted": 1}, "constructor": 1, "prototype": 2, "ok": 1}');
    const v = cleanView(hostile);
    expect(v).toEqual({ ok: 1 });
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const many = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${i}`, i]));
    expect(Object.keys(cleanView(many))).toHaveLength(32);
  });

  it('a bad view never fails the link', () => {
    const json = JSON.stringify({ s: { version: 1 }, v: { t: 'soon', panel: 7 } });
    expect(decodeLink(`#v1:j:${encodeURIComponent(json)}`)).toEqual({ ok: true, input: { version: 1 }, view: { panel: 7 } });
  });
});

describe('decompressBounded', () => {
  it('matches lz-string on its own output', () => {
    for (const s of ['a', 'ab', 'aaaaaaaaaaaaaaaa', '{"s":{"version":1}}', 'héllo wörld 🙂 '.repeat(20), 'x'.repeat(5000) + 'y'.repeat(3000)]) {
      const c = compressToEncodedURIComponent(s);
      expect(decompressBounded(c, 1e9)).toBe(s);
      expect(decompressBounded(c, 1e9)).toBe(decompressFromEncodedURIComponent(c));
    }
  });

  it('the empty string compresses to a stream we read back as empty', () => {
    expect(decompressBounded(compressToEncodedURIComponent(''), 10)).toBe('');
  });
});
