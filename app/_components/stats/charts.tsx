/**
 * Hand-written SVG charts: no chart library to audit, no inline styles (the CSP forbids them), colours from CSS
 * classes in app/globals.css. Each chart is drawn from a table that is rendered next to it; the table is the
 * accessible version, so the SVG is a labelled image that points to it.
 */
import type { TTableRow } from '@/lib/stats/tables';

type TBar = { key: string; label: string; row: TTableRow };

const WIDTH = 640;
const LABEL_WIDTH = 230;
const BAR_HEIGHT = 18;
const GAP = 6;

function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Horizontal bars, one per row; a suppressed row has no bar, only its marker ("<5"). */
export function BarChart({ bars, title, suppressedMarker, tableId }: { bars: TBar[]; title: string; suppressedMarker: (row: TTableRow) => string; tableId: string }) {
  const max = Math.max(1, ...bars.map((b) => b.row.count ?? 0));
  const plot = WIDTH - LABEL_WIDTH - 60;
  const height = bars.length * (BAR_HEIGHT + GAP) + GAP;
  return (
    <svg className="chart" viewBox={`0 0 ${WIDTH} ${height}`} width="100%" role="img" aria-label={title} aria-describedby={tableId} focusable="false">
      {bars.map((bar, i) => {
        const y = GAP + i * (BAR_HEIGHT + GAP);
        const width = bar.row.count === null ? 0 : Math.max(bar.row.count > 0 ? 2 : 0, (bar.row.count / max) * plot);
        return (
          <g key={bar.key}>
            <text className="chart-label" x={LABEL_WIDTH - 8} y={y + BAR_HEIGHT - 5} textAnchor="end">
              {shorten(bar.label, 34)}
            </text>
            {bar.row.count === null ? (
              <rect className="chart-bar-suppressed" x={LABEL_WIDTH} y={y} width={plot / 40} height={BAR_HEIGHT} />
            ) : (
              <rect className="chart-bar" x={LABEL_WIDTH} y={y} width={width} height={BAR_HEIGHT} />
            )}
            <text className="chart-value" x={LABEL_WIDTH + (bar.row.count === null ? plot / 40 : width) + 6} y={y + BAR_HEIGHT - 5}>
              {bar.row.count === null ? suppressedMarker(bar.row) : bar.row.count}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

/** Cases per month as columns, with a line through their tops; suppressed months are marked, not drawn. */
export function TimeChart({ points, title, tableId }: { points: TBar[]; title: string; tableId: string }) {
  const height = 220;
  const left = 40;
  const bottom = 30;
  const top = 10;
  const plotHeight = height - bottom - top;
  const max = Math.max(1, ...points.map((p) => p.row.count ?? 0));
  const step = points.length > 0 ? (WIDTH - left - 10) / points.length : 0;
  const yOf = (count: number) => top + plotHeight - (count / max) * plotHeight;
  const line = points
    .map((p, i) => (p.row.count === null ? null : `${(left + i * step + step / 2).toFixed(1)},${yOf(p.row.count).toFixed(1)}`))
    .filter(Boolean)
    .join(' ');
  const labelEvery = Math.max(1, Math.ceil(points.length / 8));
  return (
    <svg className="chart" viewBox={`0 0 ${WIDTH} ${height}`} width="100%" role="img" aria-label={title} aria-describedby={tableId} focusable="false">
      <line className="chart-axis" x1={left} y1={top + plotHeight} x2={WIDTH - 10} y2={top + plotHeight} />
      <text className="chart-value" x={left - 6} y={top + 10} textAnchor="end">{max}</text>
      <text className="chart-value" x={left - 6} y={top + plotHeight} textAnchor="end">0</text>
      {points.map((p, i) => {
        const x = left + i * step;
        return (
          <g key={p.key}>
            {p.row.count === null ? (
              <rect className="chart-bar-suppressed" x={x + step * 0.15} y={top + plotHeight - 4} width={step * 0.7} height={4} />
            ) : (
              <rect className="chart-bar" x={x + step * 0.15} y={yOf(p.row.count)} width={step * 0.7} height={top + plotHeight - yOf(p.row.count)} />
            )}
            {i % labelEvery === 0 ? (
              <text className="chart-label" x={x + step / 2} y={height - 10} textAnchor="middle">{p.label}</text>
            ) : null}
          </g>
        );
      })}
      {line ? <polyline className="chart-line" points={line} /> : null}
    </svg>
  );
}
