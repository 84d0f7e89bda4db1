// Where each kernel function the playground runs lives upstream, for the code panel's
// "view source" links. Functions of the seed file link to their line in Linux 4.0's
// arch/x86/xen/smp.c (line numbers from ../shared/seeds); the 2007 file to Linux
// 2.6.23's arch/i386/xen/smp.c; everything else to Bootlin's identifier search for
// that kernel version, which lists the definition.

import type { KernelEra } from '../scenario/types';

const SEED_40: Record<string, number> = {
  xen_reschedule_interrupt: 61,
  cpu_bringup: 69,
  cpu_bringup_and_idle: 104,
  xen_smp_intr_free: 115,
  xen_smp_intr_init: 152,
  xen_fill_possible_map: 228,
  xen_filter_cpu_maps: 244,
  xen_smp_prepare_boot_cpu: 280,
  xen_smp_prepare_cpus: 312,
  cpu_initialize_context: 358,
  xen_cpu_up: 440,
  xen_smp_cpus_done: 478,
  xen_cpu_disable: 483,
  xen_cpu_die: 495,
  xen_play_dead: 509,
  stop_self: 540,
  xen_stop_other_cpus: 554,
  xen_smp_send_reschedule: 559,
  xen_smp_send_call_function_ipi: 573,
  xen_smp_send_call_function_single_ipi: 588,
  xen_map_vector: 594,
  xen_send_IPI_mask: 626,
  xen_send_IPI_all: 635,
  xen_send_IPI_self: 643,
  xen_send_IPI_mask_allbutself: 651,
  xen_send_IPI_allbutself: 669,
  xen_call_function_interrupt: 674,
  xen_call_function_single_interrupt: 684,
  xen_irq_work_interrupt: 694,
  xen_smp_init: 721,
  xen_hvm_smp_prepare_cpus: 727,
  xen_hvm_cpu_up: 735,
  xen_hvm_smp_init: 769,
};

/** Functions defined in the 2007 file (arch/i386/xen/smp.c). */
const FILE_2623 = new Set([
  'cpu_bringup_and_idle',
  'xen_smp_intr_init',
  'xen_fill_possible_map',
  'xen_smp_prepare_boot_cpu',
  'xen_smp_prepare_cpus',
  'cpu_initialize_context',
  'xen_cpu_up',
  'xen_smp_cpus_done',
  'stop_self',
  'xen_smp_send_stop',
  'xen_smp_send_reschedule',
  'xen_call_function_interrupt',
  'xen_smp_call_function_mask',
]);

const VERSION: Record<KernelEra, string> = { '4.0': 'v4.0', '2.6.23': 'v2.6.23' };

export interface SourceRef {
  url: string;
  /** e.g. "arch/x86/xen/smp.c:440" or "identifier search". */
  where: string;
}

/** Upstream location of a kernel function of this era. */
export function sourceRef(fn: string, era: KernelEra): SourceRef {
  const v = VERSION[era];
  const base = `https://elixir.bootlin.com/linux/${v}`;
  if (era === '4.0' && SEED_40[fn] !== undefined) {
    return { url: `${base}/source/arch/x86/xen/smp.c#L${SEED_40[fn]}`, where: `arch/x86/xen/smp.c:${SEED_40[fn]}` };
  }
  if (era === '2.6.23' && FILE_2623.has(fn)) {
    return { url: `${base}/A/ident/${encodeURIComponent(fn)}`, where: 'arch/i386/xen/smp.c' };
  }
  return { url: `${base}/A/ident/${encodeURIComponent(fn)}`, where: `${fn} in Linux ${era}` };
}
