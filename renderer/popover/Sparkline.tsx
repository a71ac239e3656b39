type Props = { values: ReadonlyArray<number | null> | undefined; label: string };

/** The last hour's rate as a small line; gaps where nothing was polled. Hidden from screen readers (the figures are in text). */
export function Sparkline({ values, label }: Props) {
  const points = values ?? [];
  const max = Math.max(0, ...points.map((v) => v ?? 0));
  const width = 60;
  const height = 16;
  const step = points.length > 1 ? width / (points.length - 1) : width;
  // Measured slots are joined unless more than MAX_JOIN slots apart (a stretch nobody polled is
  // a gap; sparser polls, such as every ten minutes, still make a line).
  const MAX_JOIN = 6;
  const runs: string[] = [];
  let run: string[] = [];
  let last = Number.NEGATIVE_INFINITY;
  points.forEach((value, i) => {
    if (value === null) return;
    if (i - last > MAX_JOIN && run.length > 0) {
      runs.push(run.join(' '));
      run = [];
    }
    const y = max > 0 ? height - 1 - (value / max) * (height - 2) : height - 1;
    run.push(`${(i * step).toFixed(1)},${y.toFixed(1)}`);
    last = i;
  });
  if (run.length > 0) runs.push(run.join(' '));
  return (
    <svg
      className="sparkline"
      viewBox={`0 0 ${width} ${height}`}
      width={width}
      height={height}
      aria-hidden="true"
      data-label={label}
    >
      {runs.map((line) =>
        line.includes(' ') ? (
          <polyline key={line} points={line} />
        ) : (
          <circle key={line} cx={line.split(',')[0]} cy={line.split(',')[1]} r="1" />
        ),
      )}
    </svg>
  );
}
