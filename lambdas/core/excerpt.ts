/** Excerpts of plain text, for descriptions, summaries and titles. No markdown involved: the publisher uses these too. */

/** Cut text at a word boundary to at most `max` characters, adding an ellipsis when cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const lastSpace = cut.lastIndexOf(' ');
  return `${(lastSpace > max * 0.6 ? cut.slice(0, lastSpace) : cut).replace(/[\s,;:.–—-]+$/, '')}…`;
}

export function excerpt(blocks: readonly string[], max: number): string {
  return truncate(blocks.join(' '), max);
}
