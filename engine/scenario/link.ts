// The scenario link codec: a scenario input plus a little view state in a URL hash.
//
// Format (link format version 1):
//   #v1:j:<payload>   payload = encodeURIComponent(JSON), with "," and ":" left readable
//   #v1:z:<payload>   payload = lz-string compressToEncodedURIComponent(JSON)
// where JSON is the envelope {"s": <scenario input>, "v": <view>} ("v" omitted when the
// view is empty). The compressed form is used only when it is shorter.
//
// decodeLink never throws and bounds its work on hostile input: a hash over
// MAX_LINK_CHARS is refused before anything else; the lz-string payload is decompressed
// by a bounded re-implementation of lz-string's decoder that stops as soon as the output
// passes MAX_DECODED_BYTES (an LZ78-style stream can expand quadratically: a few kB can
// ask for gigabytes); characters outside the payload alphabet are refused. The decoded
// scenario input is NOT validated here: the caller passes it to validateScenario.
//
// Envelope keys other than "s" and "v" are ignored (room for later additions within v1).
// View state is advisory: invalid view entries are dropped, never an error.

import LZString from 'lz-string';

const { compressToEncodedURIComponent } = LZString;
import { LIMITS, type ScenarioError } from './types';
import { utf8Length } from './validate';

/** Small UI state carried by a link: the playhead and a few scalar settings. */
export interface LinkView {
  /** Playhead, in ns of virtual time (integer 0..LIMITS.maxUntilNs). */
  t?: number;
  /** Other UI state (selected panel, selection, zoom...): scalar values only. */
  [key: string]: string | number | boolean | undefined;
}

export type DecodedLink = { ok: true; input: unknown; view: LinkView } | { ok: false; error: ScenarioError };

/** The link format this code writes and reads. */
export const LINK_VERSION = 1;
/** Longest hash accepted (characters), checked before any decoding. */
export const MAX_LINK_CHARS = 2 * 1024 * 1024;
/** Largest decoded envelope (UTF-8 bytes): a maximal scenario plus room for the view. */
export const MAX_DECODED_BYTES = LIMITS.maxInputBytes + 16 * 1024;
/** View limits: keys, key length, string value length. */
export const VIEW_LIMITS = { maxKeys: 32, maxKeyLength: 32, maxString: 256 } as const;

const PATH = '';

function fail(message: string): DecodedLink {
  return { ok: false, error: { path: PATH, message } };
}

function damaged(why: string): DecodedLink {
  return fail(`this link is damaged (${why}); ask for a fresh link or open the scenario file instead`);
}

/**
 * The hash fragment for a scenario input and view: `#v1:j:…` or, when shorter,
 * `#v1:z:…`. `input` should be JSON-serialisable (a ScenarioInput); throws a TypeError
 * otherwise (cycles, BigInt). The view is cleaned as `decodeLink` would clean it.
 */
export function encodeLink(input: unknown, view?: LinkView): string {
  const v = cleanView(view);
  const envelope: Record<string, unknown> = { s: input };
  if (Object.keys(v).length > 0) envelope.v = v;
  const json = JSON.stringify(envelope);
  if (json === undefined) throw new TypeError('encodeLink: the scenario input is not JSON');
  const plain = encodeURIComponent(json).replace(/%2C/g, ',').replace(/%3A/g, ':');
  const packed = compressToEncodedURIComponent(json);
  return packed.length < plain.length ? `#v${LINK_VERSION}:z:${packed}` : `#v${LINK_VERSION}:j:${plain}`;
}

/** `base` (any hash in it dropped) followed by the link's hash: `http://localhost:5173/#v1:z:…`. */
export function makeLink(base: string, input: unknown, view?: LinkView): string {
  const i = base.indexOf('#');
  return (i >= 0 ? base.slice(0, i) : base) + encodeLink(input, view);
}

/**
 * Decodes a hash (with or without the leading "#"; a whole URL is also accepted) into
 * the scenario input and the view. Never throws; every failure is a clear message.
 */
export function decodeLink(hash: unknown): DecodedLink {
  try {
    return decode(hash);
  } catch (e) {
    // Not expected: every step below is guarded. Kept so the page can never crash.
    return damaged(e instanceof Error ? e.message.slice(0, 80) : 'unreadable');
  }
}

function decode(hash: unknown): DecodedLink {
  if (typeof hash !== 'string') return fail('a link must be text');
  if (hash.length > MAX_LINK_CHARS) {
    return fail(`this link is too long (${(hash.length / 1_048_576).toFixed(1)} MB; the limit is ${MAX_LINK_CHARS / 1_048_576} MB)`);
  }
  const at = hash.indexOf('#');
  let h = at >= 0 ? hash.slice(at + 1) : hash;
  h = h.trim();
  if (h === '') return fail('this link holds no scenario');
  const m = /^v(\d{1,9}):/.exec(h);
  if (!m) return damaged('it does not start with a format version such as "v1:"');
  const version = Number(m[1]);
  if (version > LINK_VERSION) {
    return fail(
      `this link was made by a newer version of the playground (link format v${version}; this one reads v${LINK_VERSION}): open it with the newer playground`,
    );
  }
  if (version !== LINK_VERSION || m[1] !== String(version)) return damaged(`unknown link format "v${m[1]}"`);
  const rest = h.slice(m[0].length);
  const codec = rest.slice(0, 2);
  const payload = rest.slice(2);
  let json: string;
  if (codec === 'j:') {
    try {
      json = decodeURIComponent(payload);
    } catch {
      return damaged('a %-escape is broken');
    }
    if (utf8Length(json, MAX_DECODED_BYTES) > MAX_DECODED_BYTES) return tooLarge();
  } else if (codec === 'z:') {
    const r = decompressBounded(payload, MAX_DECODED_BYTES);
    if (r === TOO_LARGE) return tooLarge();
    if (typeof r !== 'string') return damaged(r.error);
    json = r;
    if (utf8Length(json, MAX_DECODED_BYTES) > MAX_DECODED_BYTES) return tooLarge();
  } else {
    return damaged(`unknown encoding "${rest.slice(0, 1).replace(/[^\x20-\x7e]/g, '?')}"`);
  }
  let envelope: unknown;
  try {
    envelope = JSON.parse(json);
  } catch {
    return damaged(codec === 'j:' ? 'its text is cut short or altered' : 'its data does not decompress to a scenario');
  }
  if (typeof envelope !== 'object' || envelope === null || Array.isArray(envelope) || !Object.prototype.hasOwnProperty.call(envelope, 's')) {
    return damaged('it holds no scenario');
  }
  const env = envelope as Record<string, unknown>;
  const v = Object.prototype.hasOwnProperty.call(env, 'v') ? env.v : undefined;
  return { ok: true, input: env.s, view: cleanView(v) };
}

function tooLarge(): DecodedLink {
  return fail(`this link's scenario is too large (over ${Math.round(MAX_DECODED_BYTES / 1000)} kB once decoded)`);
}

const VIEW_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * The view as links carry it: at most VIEW_LIMITS.maxKeys identifier keys with string
 * (≤ 256 chars), finite number or boolean values; `t` an integer 0..LIMITS.maxUntilNs.
 * Anything else is dropped. Never throws.
 */
export function cleanView(v: unknown): LinkView {
  const out: LinkView = {};
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return out;
  let n = 0;
  let keys: string[];
  try {
    keys = Object.keys(v);
  } catch {
    return out;
  }
  for (const k of keys) {
    if (n >= VIEW_LIMITS.maxKeys) break;
    if (k.length > VIEW_LIMITS.maxKeyLength || !VIEW_KEY.test(k) || FORBIDDEN_KEYS.has(k)) continue;
    let x: unknown;
    try {
      x = (v as Record<string, unknown>)[k];
    } catch {
      continue;
    }
    if (k === 't') {
      if (typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= LIMITS.maxUntilNs) {
        out.t = x + 0;
        n++;
      }
      continue;
    }
    if (typeof x === 'boolean' || (typeof x === 'string' && x.length <= VIEW_LIMITS.maxString) || (typeof x === 'number' && Number.isFinite(x))) {
      out[k] = typeof x === 'number' ? x + 0 : x;
      n++;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------
// Bounded lz-string decoder (the format of lz-string 1.5's compressToEncodedURIComponent:
// 6 bits per character, alphabet below, LZW-style codes of growing width).

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-$';
const REVERSE = (() => {
  const r = new Int8Array(128).fill(-1);
  for (let i = 0; i < ALPHABET.length; i++) r[ALPHABET.charCodeAt(i)] = i;
  return r;
})();

const TOO_LARGE = Symbol('too large');

/**
 * Decompresses lz-string's URI-safe form, stopping with TOO_LARGE as soon as the output
 * passes `maxChars` characters, and with an error for foreign characters, a truncated
 * stream or an impossible code. Gives the same result as lz-string's
 * decompressFromEncodedURIComponent on every stream that one decodes successfully.
 */
export function decompressBounded(input: string, maxChars: number): string | typeof TOO_LARGE | { error: string } {
  const s = input.replace(/ /g, '+'); // as lz-string: a "+" may have become a space
  const n = s.length;
  if (n === 0) return { error: 'its data is empty' };
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || REVERSE[c] < 0) return { error: `its data holds a foreign character at ${i}` };
  }
  let val = REVERSE[s.charCodeAt(0)];
  let position = 32; // bit mask within the current 6-bit character (lz-string's resetValue)
  let index = 1;
  const readBits = (count: number): number => {
    let bits = 0;
    for (let power = 0; power < count; power++) {
      const b = val & position;
      position >>= 1;
      if (position === 0) {
        position = 32;
        val = index < n ? REVERSE[s.charCodeAt(index)] : 0;
        index++;
      }
      if (b > 0) bits |= 1 << power;
    }
    return bits >>> 0;
  };

  const dictionary: string[] = ['', '', ''];
  let enlargeIn = 4;
  let numBits = 3;
  let total = 0;
  const result: string[] = [];

  const first = readBits(2);
  let c: string;
  if (first === 0) c = String.fromCharCode(readBits(8));
  else if (first === 1) c = String.fromCharCode(readBits(16));
  else if (first === 2) return '';
  else return { error: 'its data starts with an impossible code' };
  dictionary[3] = c;
  let w = c;
  result.push(c);
  total = 1;
  for (;;) {
    if (index > n) return { error: 'its data is cut short' };
    if (numBits > 30) return { error: 'its data has an impossible code width' };
    let code = readBits(numBits);
    if (code === 0 || code === 1) {
      dictionary.push(String.fromCharCode(readBits(code === 0 ? 8 : 16)));
      code = dictionary.length - 1;
      enlargeIn--;
    } else if (code === 2) {
      return result.join('');
    }
    if (enlargeIn === 0) {
      enlargeIn = 2 ** numBits;
      numBits++;
    }
    let entry: string;
    if (code < dictionary.length && code >= 3) entry = dictionary[code];
    else if (code === dictionary.length) entry = w + w.charAt(0);
    else return { error: 'its data refers to a code that does not exist' };
    total += entry.length;
    if (total > maxChars) return TOO_LARGE;
    result.push(entry);
    dictionary.push(w + entry.charAt(0));
    enlargeIn--;
    w = entry;
    if (enlargeIn === 0) {
      enlargeIn = 2 ** numBits;
      numBits++;
    }
  }
}
