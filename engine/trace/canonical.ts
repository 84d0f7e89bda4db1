// The canonical text form of a trace: one JSON object per line, keys in schema order
// (`t`, `k`, then the kind's fields), JSON values with sorted keys. `--trace out.jsonl`
// writes exactly these lines, and `trace_hash` is the SHA-256 of them (each line
// followed by "\n"), so `sha256sum out.jsonl` checks a run by hand.

import { FIELDS, type TraceEvent } from './events';
import { Sha256 } from '../sim/sha256';
import type { TraceColumns } from './columns';

export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') {
    if (typeof v === 'number' && !Number.isFinite(v)) return 'null';
    return JSON.stringify(v) ?? 'null';
  }
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o).filter((k) => o[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
}

export function canonicalLine(ev: TraceEvent): string {
  const e = ev as unknown as Record<string, unknown>;
  let s = `{"t":${ev.t},"k":"${ev.k}"`;
  for (const d of FIELDS[ev.k]) {
    const v = e[d.name];
    if (v === undefined) continue;
    s += `,"${d.name}":`;
    s += d.type === 'i' ? String(v) : d.type === 's' ? JSON.stringify(v) : canonicalJson(v);
  }
  return s + '}';
}

/** SHA-256 hex of the canonical JSON Lines of events [0, n). */
export function traceHash(cols: TraceColumns, n = cols.length): string {
  const h = new Sha256();
  let buf = '';
  for (let i = 0; i < n; i++) {
    buf += canonicalLine(cols.get(i)) + '\n';
    if (buf.length > 65536) {
      h.update(buf);
      buf = '';
    }
  }
  h.update(buf);
  return h.hex();
}
