/** Order statistics for benchmark reports: medians and percentiles, never means of noisy runs. */
export function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

export function summarize(values: number[]): { n: number; median: number; p90: number; min: number; max: number } {
  return { n: values.length, median: percentile(values, 50), p90: percentile(values, 90), min: Math.min(...values), max: Math.max(...values) };
}
