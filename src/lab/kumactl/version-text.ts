/** What `kumactl version` prints when no control plane is reachable (exit 0), as the real one does. */
export const versionLine = (version: string): string => `Client: Kuma ${version}\n`;

export const NO_CONTROL_PLANE = 'Unable to connect to control plane: Get "http://localhost:5681/": dial tcp 127.0.0.1:5681: connect: connection refused\n';
