/** Plain fixed-width tables for the benchmark's output: columns as wide as their widest cell, numbers right-aligned. */
export type Cell = string | number | undefined;

export function table(headers: readonly string[], rows: readonly (readonly Cell[])[], indent = '  '): string[] {
  const text = rows.map((row) => row.map((cell) => (cell === undefined ? 'n/a' : String(cell))));
  const numeric = headers.map((_, i) => text.every((row) => /^[-+]?[\d.,]+( ?[a-zA-Z%]+)?$|^n\/a$|^-$/.test(row[i] ?? '')));
  const widths = headers.map((header, i) => Math.max(header.length, ...text.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) => indent + cells.map((cell, i) => (numeric[i] && i > 0 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(headers), indent + widths.map((w) => '-'.repeat(w)).join('  '), ...text.map(line)];
}

/** A number with a fixed count of decimals. */
export const fixed = (value: number | undefined, decimals: number): string | undefined =>
  value === undefined || !Number.isFinite(value) ? undefined : value.toFixed(decimals);

/** Bytes as KB (10^3) with one decimal. */
export const kb = (bytes: number | undefined): string | undefined => fixed(bytes === undefined ? undefined : bytes / 1000, 1);
