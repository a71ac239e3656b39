// `--edge NAME_OR_MAC` (repeatable) and `BT_EDGE` (comma-separated): the routers to mark as the
// internet edge, read the same way by the collector and the tray app.

/** The names from the flags, or else from the environment; blanks dropped, each once. */
export function edgeMarksFrom(
  flags: readonly string[] | undefined,
  env: string | undefined,
): string[] {
  const names = flags !== undefined && flags.length > 0 ? flags : (env ?? '').split(',');
  return [...new Set(names.map((name) => name.trim()).filter((name) => name !== ''))];
}

/**
 * `--edge X` and `--edge=X` from a raw command line (the tray app's, where Chromium's own
 * switches sit beside ours, so a strict parser would refuse them).
 */
export function edgeFlagsOf(argv: readonly string[]): string[] {
  const flags: string[] = [];
  argv.forEach((arg, i) => {
    if (arg.startsWith('--edge=')) flags.push(arg.slice('--edge='.length));
    else if (arg === '--edge' && argv[i + 1] !== undefined) flags.push(argv[i + 1] as string);
  });
  return flags;
}
