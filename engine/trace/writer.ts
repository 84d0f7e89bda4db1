// What engine code uses to record events: the current virtual time is taken from
// the simulation clock, so emitters only give the kind and its fields.

import type { Sim } from '../sim/sim';
import { TraceColumns } from './columns';
import type { FieldsOf, Kind } from './events';

export class TraceWriter {
  readonly cols = new TraceColumns();
  /** Hard cap on events; the run stops with a clear message past it. */
  limit = Infinity;

  constructor(private sim: Sim) {}

  /** Appends an event at the current virtual time; returns its index. */
  emit<K extends Kind>(kind: K, fields: FieldsOf<K>): number {
    const i = this.cols.push(this.sim.now, kind, fields);
    if (this.cols.length >= this.limit) this.sim.stop();
    return i;
  }

  /** Fills in a field of an event emitted earlier in the same callback (see TraceColumns.setField). */
  patch(i: number, name: string, value: unknown): void {
    this.cols.setField(i, name, value);
  }

  get length(): number {
    return this.cols.length;
  }
}
