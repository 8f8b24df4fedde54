/** How copy and template write their file over dest. */
export type CopyWriteOptions = {
  /** A mode, or `preserve` (the local source file's mode). */
  readonly mode?: number | 'preserve';
  readonly owner?: string;
  readonly group?: string;
  /** Keep a timestamped copy of the old file before replacing it. */
  readonly backup: boolean;
  /** false: only create dest when it is missing, never replace it. */
  readonly force: boolean;
};

/** Parameters of `copy`: `content`, a local `src`, or a `src` on the host (remote_src) → `dest` on the host. */
export type CopyParams = {
  readonly content?: string;
  /** Local path, relative to the playbook's directory (or its `files/`); with remoteSrc a path on the host. */
  readonly src?: string;
  /** src is a file on the host. */
  readonly remoteSrc: boolean;
  /** remote_src with a dest ending in `/`: that directory is created when missing, as Ansible does. */
  readonly createDestDir?: boolean;
  readonly dest: string;
  /** The validate command as shell, the new file being "$t" (validateCommand). */
  readonly validate?: string;
  /** The source's expected sha1. */
  readonly checksum?: string;
} & CopyWriteOptions;
