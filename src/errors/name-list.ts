/**
 * Names for a message, the first `max` of them and how many more: `web-1, web-2, and 3
 * more`. A message that names hosts stays one readable line on a fleet of hundreds.
 */
export function nameSome(names: readonly string[], max: number): string {
  const shown = names.slice(0, max).join(', ');
  return names.length > max ? `${shown}, and ${names.length - max} more` : shown;
}
