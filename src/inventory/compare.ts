/** Python's string order (by code point), which Ansible's sorts use. */
export function compareCodePoints(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
