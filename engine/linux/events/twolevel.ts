// The 2-level ABI scan (fact 5.2.3): the CPU's timer port first, then the selector
// words round-robin from where the previous scan stopped, so that no port can starve
// the others. A port is handled only on the CPU Linux bound it to (5.2.2).

import type { Gen } from '../exec/ops';
import type { Ctx } from '../kernel';
import { handlePort } from './upcall';

/** Pending, unmasked ports of `word` that belong to c's CPU, as bit numbers (ascending). */
function activeBits(c: Ctx, word: number): number[] {
  const k = c.k;
  const sh = k.xen.shared;
  const bpw = sh.bitsPerWord;
  const bits: number[] = [];
  for (const port of sh.pendingPorts(word)) {
    if (!sh.isMasked(port) && k.irqs.cpuOf(port) === c.cpu) bits.push(port - word * bpw);
  }
  return bits;
}

function isActive(c: Ctx, port: number): boolean {
  const sh = c.k.xen.shared;
  return sh.isPending(port) && !sh.isMasked(port) && c.k.irqs.cpuOf(port) === c.cpu;
}

export function* handleEvents2l(c: Ctx): Gen {
  const k = c.k;
  const sh = k.xen.shared;
  const pc = k.pc[c.cpu];
  const bpw = sh.bitsPerWord;

  // The timer goes first, whatever the selector says.
  const timerIrq = pc.virqIrq.get('TIMER');
  if (timerIrq !== undefined) {
    const port = k.irqs.get(timerIrq)!.port;
    if (isActive(c, port)) yield* handlePort(c, port);
  }

  // Take the whole selector at once (Xen may set bits again while we scan).
  const words = new Set(sh.xchgPendingSel(c.cpu));
  const startWord = pc.scanWord;
  const startBit = pc.scanBit;
  let word = startWord;

  for (let visit = 0; words.size > 0; visit++) {
    let next = -1;
    for (const w of words) if (w >= word && (next < 0 || w < next)) next = w;
    if (next < 0) {
      // Nothing at or after the current word: wrap around to word 0.
      word = 0;
      continue;
    }
    word = next;
    const bits = activeBits(c, word);
    // The word the last scan stopped in is visited twice: first from the saved bit
    // upwards, later in full.
    let bit = word === startWord && visit === 0 ? startBit : 0;
    for (;;) {
      let found = -1;
      for (const b of bits) {
        if (b >= bit) {
          found = b;
          break;
        }
      }
      if (found < 0) break;
      yield* handlePort(c, word * bpw + found);
      bit = (found + 1) % bpw;
      // The next scan starts just after the port handled last.
      pc.scanWord = bit !== 0 ? word : (word + 1) % bpw;
      pc.scanBit = bit;
      if (bit === 0) break;
    }
    if (word !== startWord || visit !== 0) words.delete(word);
    word = (word + 1) % bpw;
  }
}
