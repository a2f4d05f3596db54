import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Run } from '../api/client';

/**
 * What a flow's runs moved over time, as a uPlot chart: created, updated, unchanged, held and failed per run. uPlot
 * because it is small (about 20 KB gzipped, no dependencies), fast on canvas and actively kept; the same numbers
 * are in a table below the chart for screen readers and for reading exact values.
 */

const SERIES = [
  { label: 'Created', stroke: '#1b7f3b', value: (r: Run) => r.counts.created },
  { label: 'Updated', stroke: '#1f5fbf', value: (r: Run) => r.counts.updated },
  { label: 'Unchanged', stroke: '#8a8f98', value: (r: Run) => r.counts.unchanged - (r.counts.held ?? 0) },
  { label: 'Held', stroke: '#7a4fb0', value: (r: Run) => r.counts.held ?? 0 },
  { label: 'Failed', stroke: '#c0392b', value: (r: Run) => r.counts.failed },
];

export function MovedChart({ runs, title }: { runs: Run[]; title: string }) {
  const box = useRef<HTMLDivElement>(null);
  const ordered = [...runs].filter((r) => r.status !== 'queued').sort((a, b) => a.createdAt - b.createdAt);
  useEffect(() => {
    const el = box.current;
    if (el === null || ordered.length === 0) return;
    const data: uPlot.AlignedData = [
      ordered.map((r) => r.createdAt / 1000),
      ...SERIES.map((s) => ordered.map(s.value)),
    ];
    const first = data[0][0] ?? 0;
    const last = data[0][data[0].length - 1] ?? first;
    const pad = first === last ? 3600 : 0;
    const plot = new uPlot(
      {
        width: Math.max(280, Math.min(el.clientWidth || 600, 720)),
        height: 180,
        series: [{}, ...SERIES.map((s) => ({ label: s.label, stroke: s.stroke, width: 2, points: { show: true } }))],
        axes: [{}, { size: 50 }],
        // one run alone: an hour either side, not uPlot's default span of years
        scales: { x: { time: true, range: () => [first - pad, last + pad] } },
      },
      data,
      el,
    );
    return () => plot.destroy();
  }, [ordered.map((r) => `${r.id}:${r.status}`).join(',')]);
  if (ordered.length === 0) return null;
  return (
    <figure class="chart">
      <div ref={box} role="img" aria-label={`${title}: records per run over time`} />
      <details>
        <summary>The numbers</summary>
        <table>
          <caption class="sr-only">{title}: records per run</caption>
          <thead>
            <tr>
              <th scope="col">Run</th>
              {SERIES.map((s) => (
                <th key={s.label} scope="col">
                  {s.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {ordered.map((r) => (
              <tr key={r.id}>
                <th scope="row">{new Date(r.createdAt).toLocaleString()}</th>
                {SERIES.map((s) => (
                  <td key={s.label}>{s.value(r)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
