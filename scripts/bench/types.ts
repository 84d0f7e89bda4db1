// A benchmark is a named function returning one or more measurements. Add a file
// exporting a Benchmark and list it in index.ts.

export interface Measurement {
  name: string;
  value: number;
  unit: string;
  /** The same quantity for a reference implementation run beside it, if any. */
  baseline?: number;
  /** value / baseline. */
  ratio?: number;
  /** Extra context (workload size, wall time, ...), printed but not compared. */
  detail?: Record<string, unknown>;
}

export interface Benchmark {
  name: string;
  description: string;
  run(): Measurement[];
}
