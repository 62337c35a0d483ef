// The command line of code-server (a real VS Code in the browser) as the e2e launcher and the
// demo start it: loopback only, no auth, no telemetry or update check, throwaway folders.

/**
 * @param {{ entry: string, port: number, userData: string, extensions: string, workspace: string,
 *   trusted: boolean }} options `trusted`: open without the workspace-trust prompt.
 * @returns {string[]} arguments for `node` (the entry script first)
 */
export function codeServerArgs({ entry, port, userData, extensions, workspace, trusted }) {
  return [
    entry,
    "--auth",
    "none",
    "--bind-addr",
    `127.0.0.1:${port}`,
    "--disable-telemetry",
    "--disable-update-check",
    "--disable-getting-started-override",
    ...(trusted ? ["--disable-workspace-trust"] : []),
    "--user-data-dir",
    userData,
    "--extensions-dir",
    extensions,
    workspace,
  ];
}
