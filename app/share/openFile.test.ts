// Opening dropped or picked files: scenario JSON, images exported with the link, links
// as text; everything else a clear sentence.
import { describe, expect, it } from 'vitest';
import { encodeLink } from '../../engine/scenario/link';
import { withPngText } from '../export/png';
import { readSharedBytes, svgLink } from './openFile';

const enc = (s: string) => new TextEncoder().encode(s);
// A PNG signature plus a minimal IHDR (enough for the chunk reader).
const PNG = new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 31, 21, 196, 137, 0, 0, 0, 0, 73, 69, 78, 68, 174, 66, 96, 130]);

describe('readSharedBytes', () => {
  const input = { version: 1, title: 'dropped', guest: { vcpus: 3 } };

  it('reads a scenario file (with a BOM too)', () => {
    expect(readSharedBytes(enc(JSON.stringify(input)), 's.json')).toEqual({ ok: true, input, view: {} });
    expect(readSharedBytes(enc('\uFEFF' + JSON.stringify(input)))).toMatchObject({ ok: true, input });
  });

  it('reads the link from an exported PNG and SVG, with its moment', () => {
    const link = encodeLink(input, { t: 42 });
    expect(readSharedBytes(withPngText(PNG, link), 'a.png')).toEqual({ ok: true, input, view: { t: 42 } });
    const svg = `<svg xmlns="http://www.w3.org/2000/svg"><metadata id="xen-smp-playground">${link.replace(/&/g, '&amp;')}</metadata><rect/></svg>`;
    expect(svgLink(svg)).toBe(link);
    expect(readSharedBytes(enc(svg), 'a.svg')).toEqual({ ok: true, input, view: { t: 42 } });
    expect(readSharedBytes(enc(`https://x.org/p/${link}&embed`), 'link.txt')).toEqual({ ok: true, input, view: { t: 42 } });
  });

  it('names what is wrong with other files', () => {
    const cases: [Uint8Array, RegExp][] = [
      [PNG, /PNG image without a playground scenario/],
      [withPngText(PNG, '#v1:z:@@'), /link in this image cannot be used/],
      [enc('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), /SVG image without a playground scenario/],
      [enc('<html><body>hi</body></html>'), /markup but not an SVG/],
      [enc('{"version": 1, "guest": {'), /is not a scenario/],
      [new Uint8Array([0xff, 0xfe, 0xfd]), /neither a scenario/],
      [enc('#v2:z:abc'), /newer version/],
      [enc(' '.repeat(1_000_001)), /too large/],
    ];
    for (const [bytes, why] of cases) {
      const r = readSharedBytes(bytes, 'f');
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.message).toMatch(why);
    }
  });
});
