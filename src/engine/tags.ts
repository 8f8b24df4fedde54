/**
 * Ansible's tag selection. A task's tags are its own plus those of its blocks and play.
 * Special tags: `always` runs unless skipped explicitly, `never` runs only when asked for,
 * `all` (the default of `-t`), `tagged` and `untagged` select by having tags at all.
 */
export function shouldRunForTags(taskTags: readonly string[], onlyTags: readonly string[], skipTags: readonly string[]): boolean {
  const tags = new Set(taskTags.length > 0 ? taskTags : ['untagged']);
  const untagged = taskTags.length === 0;
  const only = onlyTags.length > 0 ? onlyTags : ['all'];
  const hasAny = (list: readonly string[]): boolean => list.some((t) => tags.has(t));

  let run = false;
  if (tags.has('always')) run = true;
  else if (only.includes('all') && !tags.has('never')) run = true;
  else if (hasAny(only)) run = true;
  else if (only.includes('tagged') && !untagged && !tags.has('never')) run = true;

  if (run && skipTags.length > 0) {
    if (skipTags.includes('all')) {
      if (!tags.has('always') || skipTags.includes('always')) run = false;
    } else if (hasAny(skipTags)) run = false;
    else if (skipTags.includes('tagged') && !untagged) run = false;
  }
  return run;
}
