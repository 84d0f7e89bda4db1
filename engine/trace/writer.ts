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

  emit<K extends Kind>(kind: K, fields: FieldsOf<K>): void {
    this.cols.push(this.sim.now, kind, fields);
    if (this.cols.length >= this.limit) this.sim.stop();
  }

  get length(): number {
    return this.cols.length;
  }
}
