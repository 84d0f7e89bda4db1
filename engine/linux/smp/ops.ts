// The smp_ops table: what the generic kernel calls, filled in by Xen (PV or HVM) per
// kernel era — the seed's `xen_smp_ops` and `xen_hvm_smp_init`.

import type { Gen } from '../exec/ops';
import type { Ctx } from '../kernel';
import type { IrqHandler } from '../events/irq';

export interface SmpOps {
  /** Which implementation this is (for narration). */
  readonly name: string;
  smp_prepare_boot_cpu(c: Ctx): Gen;
  smp_prepare_cpus(c: Ctx, maxCpus: number): Gen;
  /** __cpu_up: bring `cpu` up; returns 0 or -errno. */
  cpu_up(c: Ctx, cpu: number): Gen<number>;
  smp_cpus_done(c: Ctx, maxCpus: number): Gen;
  /** On the dying CPU. Returns 0 or -errno. Absent without CONFIG_HOTPLUG_CPU. */
  cpu_disable(c: Ctx): Gen<number>;
  /** On a surviving CPU: wait for the dead CPU and free its resources. */
  cpu_die(c: Ctx, cpu: number): Gen;
  /** On the dying CPU, from the idle loop. */
  play_dead(c: Ctx): Gen;
  stop_other_cpus(c: Ctx, wait: boolean): Gen;
  smp_send_reschedule(c: Ctx, cpu: number): Gen;
  send_call_func_ipi(c: Ctx, mask: number[]): Gen;
  send_call_func_single_ipi(c: Ctx, cpu: number): Gen;
  /** smp_call_function_many as this kernel does it (generic queue in 4.0, call_data in 2.6.23). */
  call_function_many(c: Ctx, mask: number[], func: string, fn: (c: Ctx) => Gen, wait: boolean): Gen;
  /** The handler bound to callfunc<n>. */
  callfunc_handler: IrqHandler;
  /** Where an AP starts executing (the context's entry point). */
  ap_entry(c: Ctx): Gen;
  /** Does this kernel's Xen code support CPU hotplug at all. */
  readonly hotplug: boolean;
}
