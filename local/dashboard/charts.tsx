// Plain SVG charts, drawn by React: a time chart (one line per series, a marker per point
// carrying its value) and a bar list. No charting library: a few hundred bytes of SVG per
// plot, readable markup, nothing to keep up to date.
import type { Series } from './series.js';

const palette = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#4b5563'];
const width = 640;
const height = 200;
const pad = { left: 56, right: 12, top: 10, bottom: 24 };

/** A round axis maximum at or above `max`: 1, 2 or 5 times a power of ten. */
function niceMax(max: number): number {
  if (max <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  return ([1, 2, 5, 10].find((step) => step * power >= max) ?? 10) * power;
}

const timeLabel = (at: number, spanMs: number) => {
  const d = new Date(at);
  const hhmm = `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
  return spanMs > 86_400_000 ? `${d.getMonth() + 1}/${d.getDate()} ${hhmm}` : hhmm;
};

export function TimeChart(props: { title: string; testId: string; series: Series[]; format?: (v: number) => string }) {
  const { title, testId, series } = props;
  const format = props.format ?? ((v: number) => v.toLocaleString('en-US'));
  const xs = series.flatMap((s) => s.points.map((p) => p.x));
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const yMax = niceMax(Math.max(0, ...series.flatMap((s) => s.points.map((p) => p.y))));
  const sx = (x: number) => pad.left + (x1 > x0 ? ((x - x0) / (x1 - x0)) * (width - pad.left - pad.right) : 0);
  const sy = (y: number) => height - pad.bottom - (y / yMax) * (height - pad.top - pad.bottom);
  const empty = xs.length === 0;
  return (
    <figure className="chart" data-testid={testId}>
      <figcaption>{title}</figcaption>
      {empty ? (
        <p className="empty">No data in this range yet.</p>
      ) : (
        <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={title}>
          {[0, 0.5, 1].map((f) => (
            <g key={f}>
              <line x1={pad.left} x2={width - pad.right} y1={sy(yMax * f)} y2={sy(yMax * f)} className="grid" />
              <text x={pad.left - 6} y={sy(yMax * f) + 4} textAnchor="end" className="tick">
                {format(yMax * f)}
              </text>
            </g>
          ))}
          <text x={pad.left} y={height - 6} className="tick">
            {timeLabel(x0, x1 - x0)}
          </text>
          <text x={width - pad.right} y={height - 6} textAnchor="end" className="tick">
            {timeLabel(x1, x1 - x0)}
          </text>
          {series.map((s, i) => (
            <g key={s.name} data-series={s.name} style={{ color: palette[i % palette.length] }}>
              <polyline
                fill="none"
                stroke="currentColor"
                strokeWidth={2}
                points={s.points.map((p) => `${sx(p.x)},${sy(p.y)}`).join(' ')}
              />
              {s.points.map((p) => (
                <circle key={p.x} cx={sx(p.x)} cy={sy(p.y)} r={3} fill="currentColor" data-x={p.x} data-y={p.y}>
                  <title>{`${s.name} at ${new Date(p.x).toLocaleString()}: ${format(p.y)}`}</title>
                </circle>
              ))}
            </g>
          ))}
        </svg>
      )}
      <ul className="legend">
        {series.map((s, i) => (
          <li key={s.name}>
            <span className="swatch" style={{ background: palette[i % palette.length] }} />
            {s.name}
          </li>
        ))}
      </ul>
    </figure>
  );
}

export function BarList(props: {
  title: string;
  testId: string;
  bars: Array<{ label: string; value: number; detail?: string }>;
  format?: (v: number) => string;
}) {
  const format = props.format ?? ((v: number) => v.toLocaleString('en-US'));
  const max = Math.max(0, ...props.bars.map((b) => b.value)) || 1;
  return (
    <figure className="chart" data-testid={props.testId}>
      <figcaption>{props.title}</figcaption>
      {props.bars.length === 0 ? (
        <p className="empty">No data in this range yet.</p>
      ) : (
        <svg viewBox={`0 0 ${width} ${props.bars.length * 24 + 4}`} role="img" aria-label={props.title}>
          {props.bars.map((bar, i) => (
            <g key={bar.label} data-bar={bar.label} data-value={bar.value} transform={`translate(0 ${i * 24})`}>
              <text x={150} y={16} textAnchor="end" className="label">
                {bar.label.length > 22 ? `${bar.label.slice(0, 21)}…` : bar.label}
              </text>
              <rect x={158} y={4} height={16} width={Math.max(1, (bar.value / max) * 360)} fill={palette[0]}>
                <title>{`${bar.label}: ${format(bar.value)}${bar.detail ? ` (${bar.detail})` : ''}`}</title>
              </rect>
              <text x={164 + (bar.value / max) * 360} y={16} className="tick">
                {format(bar.value)}
              </text>
            </g>
          ))}
        </svg>
      )}
    </figure>
  );
}
