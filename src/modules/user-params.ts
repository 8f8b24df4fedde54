/** Parameters of `user`. */
export interface UserParams {
  readonly name: string;
  readonly state: 'present' | 'absent';
  readonly uid?: number;
  readonly nonUnique: boolean;
  readonly group?: string;
  /** The groups as given (Ansible returns them joined with commas); [] removes all. */
  readonly groups?: readonly string[];
  readonly append: boolean;
  readonly comment?: string;
  readonly home?: string;
  readonly createHome: boolean;
  readonly moveHome: boolean;
  readonly skeleton?: string;
  readonly shell?: string;
  readonly system: boolean;
  /** The crypted hash: a secret, only ever on stdin. */
  readonly password?: string;
  readonly updatePassword: 'always' | 'on_create';
  /** Seconds since the epoch; negative: never expires. */
  readonly expires?: number;
  readonly remove: boolean;
  readonly force: boolean;
}
