/**
 * Where `script` makes its private temporary directory (mktemp -d, so nobody can place a
 * file or link there beforehand).
 */
export const REMOTE_TMP_DIR = '/tmp';
