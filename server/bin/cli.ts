/**
 * Command-line handling shared by the operator CLIs: `-h`/`--help` prints the usage, and bad usage
 * gets the message and the usage with exit 64 (sysexits' EX_USAGE) instead of a stack trace.
 */

export const EX_USAGE = 64;

export function usageErrorFor(usage: string): (message: string) => never {
  return (message) => {
    process.stderr.write(`${message}\n\n${usage}\n`);
    process.exit(EX_USAGE);
  };
}

/**
 * Runs `parse` (a strict `parseArgs` call, kept at the call site for its types); a parse error is a usage
 * error, and `--help` prints `usage` and exits 0.
 */
export function commandLine<T extends { values: { help?: boolean | undefined } }>(
  usage: string,
  parse: () => T,
): T & { usageError: (message: string) => never } {
  const usageError = usageErrorFor(usage);
  let parsed: T;
  try {
    parsed = parse();
  } catch (error) {
    return usageError((error as Error).message);
  }
  if (parsed.values.help) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  return { ...parsed, usageError };
}
