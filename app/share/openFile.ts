// Opening what people drop on the page or pick in the file dialog: a scenario (.json),
// or an image the playground exported (.png with the link in a tEXt chunk, .svg with
// the link in its <metadata>), or a link dragged as text. Everything is untrusted: sizes
// are bounded, parsing never throws, and every failure is one clear sentence.

import { decodeLink, type LinkView } from '../../engine/scenario/link';
import { parseScenarioText } from '../../engine/scenario/validate';
import { LIMITS } from '../../engine/scenario/types';
import { isPng, readPngText } from '../export/png';
import { splitHash } from './links';

/** Largest file looked at (an exported 1080p PNG is well under this). */
export const MAX_FILE_BYTES = 32 * 1024 * 1024;
/** The element of an exported SVG that holds the link. */
export const SVG_META_ID = 'xen-smp-playground';

export type Opened = { ok: true; input: unknown; view: LinkView } | { ok: false; path: string; message: string };

const fail = (message: string, path = ''): Opened => ({ ok: false, path, message });

/** The link held by an exported SVG's `<metadata id="xen-smp-playground">`, or null. */
export function svgLink(text: string): string | null {
  // A regular expression, not a DOM: nothing of the file is parsed as markup or run.
  const m = /<metadata\b[^>]*\bid=["']xen-smp-playground["'][^>]*>([\s\S]*?)<\/metadata>/i.exec(text);
  if (!m) return null;
  const inner = m[1].replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, '$1').trim();
  return inner.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

function fromLink(link: string, what: string): Opened {
  const d = decodeLink(splitHash(link.slice(Math.max(0, link.indexOf('#')))).link);
  if (!d.ok) return fail(`the link in this ${what} cannot be used: ${d.error.message}`);
  return { ok: true, input: d.input, view: d.view };
}

/** Reads a dropped or picked file. */
export async function readSharedFile(file: Blob & { name?: string }): Promise<Opened> {
  const name = file.name ?? 'file';
  if (file.size > MAX_FILE_BYTES) return fail(`“${name}” is too large (${(file.size / 1048576).toFixed(1)} MB) for a scenario or an exported image`);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await file.arrayBuffer());
  } catch {
    return fail(`“${name}” could not be read`);
  }
  return readSharedBytes(bytes, name);
}

export function readSharedBytes(bytes: Uint8Array, name = 'file'): Opened {
  if (isPng(bytes)) {
    const link = readPngText(bytes);
    if (link === null) return fail(`“${name}” is a PNG image without a playground scenario in it (only images exported by the playground reopen a run)`);
    return fromLink(link, 'image');
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return fail(`“${name}” is neither a scenario (JSON text) nor an image exported by the playground (PNG or SVG)`);
  }
  const body = text.replace(/^\uFEFF/, '').trimStart();
  if (body.startsWith('<')) {
    if (!/<svg[\s>]/i.test(body.slice(0, 4096)) && !/<svg[\s>]/i.test(body)) return fail(`“${name}” is markup but not an SVG image`);
    const link = svgLink(body);
    if (link === null) return fail(`“${name}” is an SVG image without a playground scenario in it (only images exported by the playground reopen a run)`);
    return fromLink(link, 'image');
  }
  if (/^(https?:\/\/\S*)?#v\d/.test(body.trim())) return fromLink(body.trim(), 'text');
  if (bytes.length > LIMITS.maxInputBytes) return fail(`“${name}” is too large for a scenario (the limit is ${LIMITS.maxInputBytes / 1e6} MB of JSON)`);
  let input: unknown;
  try {
    input = JSON.parse(body);
  } catch {
    // The engine's parser words JSON errors with a line and column.
    const v = parseScenarioText(body);
    return fail(`“${name}” is not a scenario: ${v.ok ? 'unreadable JSON' : v.error.message}`);
  }
  return { ok: true, input, view: {} };
}
