// Compact, columnar storage of a trace: one Float64 column for time, one byte for
// the kind, fixed int32 slots and string-id slots per event, and an interned string
// table. A million events take ~40 MB instead of several hundred as objects, and a
// slice of the columns is a set of ArrayBuffers the worker can transfer to the page.

import { FIELDS, INT_COLS, KIND_ID, KIND_NAMES, STR_COLS, type FieldsOf, type Kind, type TraceEvent } from './events';
import { canonicalJson } from './canonical';

/** Stored in an int slot for an absent optional int field. */
export const INT_NONE = -2147483648;

/** Per-kind encoding plan, computed once: which fields go to int slots and which to string slots. */
interface Layout {
  id: number;
  ints: string[];
  strs: string[];
  /** For each string slot: true when it holds JSON (canonicalised) rather than a plain string. */
  json: boolean[];
}

const LAYOUTS = new Map<string, Layout>(
  KIND_NAMES.map((k) => {
    const f = FIELDS[k];
    const strs = f.filter((d) => d.type !== 'i');
    return [k, { id: KIND_ID[k], ints: f.filter((d) => d.type === 'i').map((d) => d.name), strs: strs.map((d) => d.name), json: strs.map((d) => d.type === 'j') }];
  }),
);

/**
 * canonicalJson with a fast path for the flat objects hypercall arguments almost
 * always are (few keys, scalar values) — same output, no recursion or array churn.
 */
function jsonText(v: unknown): string {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length <= 4) {
      let flat = true;
      for (const k of keys) {
        const x = o[k];
        const t = typeof x;
        if (!(t === 'string' || t === 'boolean' || (t === 'number' && Number.isFinite(x as number)) || x === undefined)) {
          flat = false;
          break;
        }
      }
      if (flat) {
        keys.sort();
        let s = '{';
        for (const k of keys) {
          const x = o[k];
          if (x === undefined) continue;
          if (s.length > 1) s += ',';
          s += JSON.stringify(k) + ':' + (typeof x === 'string' ? JSON.stringify(x) : String(x));
        }
        return s + '}';
      }
    }
  }
  return canonicalJson(v);
}

/** A contiguous slice of a trace in transferable form (see `TraceColumns.chunk`). */
export interface TraceChunk {
  /** Index of the first event of this chunk in the whole trace. */
  start: number;
  count: number;
  t: Float64Array;
  k: Uint8Array;
  ints: Int32Array;
  strs: Int32Array;
  /** Strings first referenced in this chunk, with ids `stringBase`... */
  stringBase: number;
  strings: string[];
}

export class TraceColumns {
  length = 0;
  private cap: number;
  t: Float64Array;
  k: Uint8Array;
  ints: Int32Array;
  strs: Int32Array;
  readonly strings: string[] = [];
  private stringIds = new Map<string, number>();
  private jsonCache: unknown[] = [];

  constructor(capacity = 1 << 14) {
    this.cap = capacity;
    this.t = new Float64Array(capacity);
    this.k = new Uint8Array(capacity);
    this.ints = new Int32Array(capacity * INT_COLS);
    this.strs = new Int32Array(capacity * STR_COLS);
  }

  intern(s: string): number {
    let id = this.stringIds.get(s);
    if (id === undefined) {
      id = this.strings.length;
      this.strings.push(s);
      this.stringIds.set(s, id);
    }
    return id;
  }

  private grow(min: number): void {
    let cap = this.cap;
    while (cap < min) cap *= 2;
    const n = this.length;
    const t = new Float64Array(cap);
    t.set(this.t.subarray(0, n));
    const k = new Uint8Array(cap);
    k.set(this.k.subarray(0, n));
    const ints = new Int32Array(cap * INT_COLS);
    ints.set(this.ints.subarray(0, n * INT_COLS));
    const strs = new Int32Array(cap * STR_COLS);
    strs.set(this.strs.subarray(0, n * STR_COLS));
    this.t = t;
    this.k = k;
    this.ints = ints;
    this.strs = strs;
    this.cap = cap;
  }

  push<K extends Kind>(time: number, kind: K, fields: FieldsOf<K>): number {
    if (this.length >= this.cap) this.grow(this.length + 1);
    const i = this.length++;
    const L = LAYOUTS.get(kind)!;
    this.t[i] = time;
    this.k[i] = L.id;
    const f = fields as Record<string, unknown>;
    const ints = this.ints;
    const ii = i * INT_COLS;
    for (let j = 0; j < L.ints.length; j++) {
      const v = f[L.ints[j]];
      ints[ii + j] = v === undefined ? INT_NONE : (v as number);
    }
    const si = i * STR_COLS;
    for (let j = 0; j < L.strs.length; j++) {
      const v = f[L.strs[j]];
      this.strs[si + j] = v === undefined ? -1 : this.intern(L.json[j] ? jsonText(v) : (v as string));
    }
    return i;
  }

  /**
   * Rewrites one field of event `i` in place. Only for the event just emitted by the
   * current simulation callback (a hypercall's result), before any chunk is cut.
   */
  setField(i: number, name: string, value: unknown): void {
    const kind = KIND_NAMES[this.k[i]];
    let ii = i * INT_COLS;
    let si = i * STR_COLS;
    for (const d of FIELDS[kind]) {
      if (d.name === name) {
        if (d.type === 'i') this.ints[ii] = value === undefined ? INT_NONE : (value as number);
        else if (value === undefined) this.strs[si] = -1;
        else this.strs[si] = this.intern(d.type === 's' ? (value as string) : canonicalJson(value));
        return;
      }
      if (d.type === 'i') ii++;
      else si++;
    }
    throw new Error(`trace: kind ${kind} has no field ${name}`);
  }

  kindAt(i: number): Kind {
    return KIND_NAMES[this.k[i]];
  }

  /** Event `i` as an object. JSON fields are parsed once and shared: do not mutate them. */
  get(i: number): TraceEvent {
    const kind = KIND_NAMES[this.k[i]];
    const ev: Record<string, unknown> = { t: this.t[i], k: kind };
    let ii = i * INT_COLS;
    let si = i * STR_COLS;
    for (const d of FIELDS[kind]) {
      if (d.type === 'i') {
        const v = this.ints[ii++];
        if (v !== INT_NONE) ev[d.name] = v;
      } else {
        const id = this.strs[si++];
        if (id < 0) continue;
        ev[d.name] = d.type === 's' ? this.strings[id] : this.json(id);
      }
    }
    return ev as TraceEvent;
  }

  private json(id: number): unknown {
    let v = this.jsonCache[id];
    if (v === undefined) {
      v = JSON.parse(this.strings[id]);
      this.jsonCache[id] = v;
    }
    return v;
  }

  /**
   * Events [from, to) as a transferable chunk; `knownStrings` is how many strings
   * the receiver already has (the chunk carries only the new ones).
   */
  chunk(from: number, to: number, knownStrings: number): TraceChunk {
    const strings = this.strings.slice(knownStrings);
    return {
      start: from,
      count: to - from,
      t: this.t.slice(from, to),
      k: this.k.slice(from, to),
      ints: this.ints.slice(from * INT_COLS, to * INT_COLS),
      strs: this.strs.slice(from * STR_COLS, to * STR_COLS),
      stringBase: knownStrings,
      strings,
    };
  }

  /** Appends a chunk produced by `chunk` (on the receiving side). */
  appendChunk(c: TraceChunk): void {
    if (c.start !== this.length) throw new Error(`trace chunk out of order: got ${c.start}, have ${this.length}`);
    if (c.stringBase !== this.strings.length) {
      throw new Error(`trace chunk strings out of order: got ${c.stringBase}, have ${this.strings.length}`);
    }
    for (const s of c.strings) {
      this.stringIds.set(s, this.strings.length);
      this.strings.push(s);
    }
    if (this.length + c.count > this.cap) this.grow(this.length + c.count);
    this.t.set(c.t, this.length);
    this.k.set(c.k, this.length);
    this.ints.set(c.ints, this.length * INT_COLS);
    this.strs.set(c.strs, this.length * STR_COLS);
    this.length += c.count;
  }

  /** Bytes held by the columns (for benchmarks). */
  byteSize(): number {
    return this.t.byteLength + this.k.byteLength + this.ints.byteLength + this.strs.byteLength;
  }
}

/** The transferable buffers of a chunk (for postMessage's transfer list). */
export function chunkTransferables(c: TraceChunk): ArrayBuffer[] {
  return [c.t.buffer, c.k.buffer, c.ints.buffer, c.strs.buffer] as ArrayBuffer[];
}
