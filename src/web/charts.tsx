/**
 * Small accessible SVG charts (no chart library): every chart is a <figure> with a caption,
 * an SVG with role="img" and a text summary, a <title> on each mark, and the same numbers in
 * a table under "Show data". Colours come from CSS variables, so the Teams themes (default,
 * dark, high contrast) apply. Marks carry class names (`bar`, `point`) the tests count.
 */
import type { ComponentChildren } from 'preact';

export interface Datum {
  label: string;
  value: number;
  /** Shown after the value, e.g. "4 of 5". */
  detail?: string;
  /** Drawn as a gap (outlined, labelled) rather than a bar. */
  gap?: boolean;
  warn?: boolean;
}

const fmt = (v: number, unit: 'count' | 'percent' | 'score') =>
  unit === 'percent' ? `${Math.round(v * 100)}%` : unit === 'score' ? v.toFixed(1) : String(v);

function DataTable(props: { headers: string[]; rows: (string | number)[][] }) {
  return (
    <details class="data">
      <summary>Show data</summary>
      <table>
        <thead>
          <tr>
            {props.headers.map((h) => (
              <th scope="col">{h}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((r) => (
            <tr>{r.map((c, i) => (i === 0 ? <th scope="row">{c}</th> : <td>{c}</td>))}</tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

function Figure(props: {
  caption: string;
  summary: string;
  children: ComponentChildren;
  table: ComponentChildren;
  chart: string;
}) {
  return (
    <figure class="chart" data-chart={props.chart}>
      <figcaption>{props.caption}</figcaption>
      {props.children}
      <p class="sr-only">{props.summary}</p>
      {props.table}
    </figure>
  );
}

/** Vertical bars, one per category (e.g. per placement week). */
export function ColumnChart(props: {
  id: string;
  caption: string;
  data: Datum[];
  unit: 'count' | 'percent';
  max?: number;
}) {
  const { data, unit } = props;
  const max = props.max ?? Math.max(1, ...data.map((d) => d.value));
  const W = 600;
  const H = 220;
  const left = 40;
  const bottom = 30;
  const top = 18;
  const plotH = H - bottom - top;
  const step = (W - left - 10) / Math.max(1, data.length);
  const barW = Math.min(60, step * 0.6);
  const ticks = unit === 'percent' ? [0, 0.5, 1] : [0, Math.round(max / 2), max];
  const summary = data
    .map((d) => `${d.label}: ${fmt(d.value, unit)}${d.detail ? ` (${d.detail})` : ''}`)
    .join('; ');
  return (
    <Figure
      caption={props.caption}
      summary={summary}
      chart={props.id}
      table={
        <DataTable
          headers={['', unit === 'percent' ? 'Rate' : 'Count', 'Detail']}
          rows={data.map((d) => [d.label, fmt(d.value, unit), d.detail ?? ''])}
        />
      }
    >
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${props.caption}. ${summary}`} class="svg-chart">
        {ticks.map((t) => {
          const y = top + plotH - (t / max) * plotH;
          return (
            <g aria-hidden="true">
              <line x1={left} x2={W - 5} y1={y} y2={y} class="grid" />
              <text x={left - 6} y={y + 4} class="tick" text-anchor="end">
                {fmt(t, unit)}
              </text>
            </g>
          );
        })}
        {data.map((d, i) => {
          const h = (Math.max(0, d.value) / max) * plotH;
          const x = left + i * step + (step - barW) / 2;
          return (
            <g>
              <rect
                class={`bar${d.warn ? ' warn' : ''}`}
                x={x}
                y={top + plotH - h}
                width={barW}
                height={Math.max(h, 1)}
                data-value={d.value}
              >
                <title>{`${d.label}: ${fmt(d.value, unit)}${d.detail ? ` (${d.detail})` : ''}`}</title>
              </rect>
              <text
                x={x + barW / 2}
                y={top + plotH - h - 4}
                class="value"
                text-anchor="middle"
                aria-hidden="true"
              >
                {fmt(d.value, unit)}
              </text>
              <text x={x + barW / 2} y={H - 10} class="tick" text-anchor="middle" aria-hidden="true">
                {d.label}
              </text>
            </g>
          );
        })}
      </svg>
    </Figure>
  );
}

/** Horizontal bars with category labels; gaps (zero) are outlined and labelled "gap". */
export function BarList(props: {
  id: string;
  caption: string;
  data: Datum[];
  unit?: 'count' | 'percent' | 'score';
  max?: number;
  labelWidth?: number;
}) {
  const unit = props.unit ?? 'count';
  const { data } = props;
  const max = props.max ?? Math.max(1, ...data.map((d) => d.value));
  const W = 600;
  const row = 26;
  const labelW = props.labelWidth ?? 200;
  const H = data.length * row + 8;
  const plotW = W - labelW - 70;
  const summary = data.map((d) => `${d.label}: ${d.gap ? 'none yet (gap)' : fmt(d.value, unit)}`).join('; ');
  return (
    <Figure
      caption={props.caption}
      summary={summary}
      chart={props.id}
      table={
        <DataTable
          headers={['', 'Value']}
          rows={data.map((d) => [d.label, d.gap ? '0 (gap)' : fmt(d.value, unit)])}
        />
      }
    >
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${props.caption}. ${summary}`} class="svg-chart">
        {data.map((d, i) => {
          const y = 4 + i * row;
          const w = (Math.max(0, d.value) / max) * plotW;
          return (
            <g>
              <text x={labelW - 8} y={y + row / 2 + 4} class="label" text-anchor="end" aria-hidden="true">
                {d.label}
              </text>
              {d.gap ? (
                <rect class="bar gap" x={labelW} y={y + 4} width={plotW} height={row - 8} data-value={0}>
                  <title>{`${d.label}: none yet (gap)`}</title>
                </rect>
              ) : (
                <rect
                  class={`bar${d.warn ? ' warn' : ''}`}
                  x={labelW}
                  y={y + 4}
                  width={Math.max(w, 1)}
                  height={row - 8}
                  data-value={d.value}
                >
                  <title>{`${d.label}: ${fmt(d.value, unit)}`}</title>
                </rect>
              )}
              <text
                x={d.gap ? labelW + 8 : labelW + Math.max(w, 1) + 6}
                y={y + row / 2 + 4}
                class={d.gap ? 'gap-label' : 'value'}
                aria-hidden="true"
              >
                {d.gap ? 'gap' : fmt(d.value, unit)}
              </text>
            </g>
          );
        })}
      </svg>
    </Figure>
  );
}

/** Two bars per category (e.g. confidence before and after), on a 1–5 scale by default. */
export function PairedBars(props: {
  id: string;
  caption: string;
  data: { label: string; a: number | null; b: number | null }[];
  names: [string, string];
  max?: number;
}) {
  const max = props.max ?? 5;
  const W = 600;
  const row = 40;
  const labelW = 210;
  const H = props.data.length * row + 30;
  const plotW = W - labelW - 60;
  const v = (x: number | null) => (x === null ? 'no data' : x.toFixed(1));
  const summary = props.data
    .map((d) => `${d.label}: ${props.names[0]} ${v(d.a)}, ${props.names[1]} ${v(d.b)}`)
    .join('; ');
  return (
    <Figure
      caption={props.caption}
      summary={summary}
      chart={props.id}
      table={
        <DataTable
          headers={['', props.names[0], props.names[1]]}
          rows={props.data.map((d) => [d.label, v(d.a), v(d.b)])}
        />
      }
    >
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${props.caption}. ${summary}`} class="svg-chart">
        <g aria-hidden="true">
          <rect x={labelW} y={4} width={12} height={12} class="key" />
          <text x={labelW + 18} y={15} class="tick">
            {props.names[0]}
          </text>
          <rect x={labelW + 110} y={4} width={12} height={12} class="key alt" />
          <text x={labelW + 128} y={15} class="tick">
            {props.names[1]}
          </text>
        </g>
        {props.data.map((d, i) => {
          const y = 26 + i * row;
          return (
            <g>
              <text x={labelW - 8} y={y + row / 2} class="label" text-anchor="end" aria-hidden="true">
                {d.label}
              </text>
              {[d.a, d.b].map((val, j) =>
                val === null ? null : (
                  <g>
                    <rect
                      class={`bar${j ? ' alt' : ''}`}
                      x={labelW}
                      y={y + 2 + j * 17}
                      width={Math.max(1, (val / max) * plotW)}
                      height={14}
                      data-value={val}
                    >
                      <title>{`${d.label}, ${props.names[j]}: ${val.toFixed(1)}`}</title>
                    </rect>
                    <text
                      x={labelW + Math.max(1, (val / max) * plotW) + 6}
                      y={y + 13 + j * 17}
                      class="value"
                      aria-hidden="true"
                    >
                      {val.toFixed(1)}
                    </text>
                  </g>
                ),
              )}
            </g>
          );
        })}
      </svg>
    </Figure>
  );
}

/** Lines over placement weeks, one per series, with a marker at every point (1–5 scale). */
export function LineChart(props: {
  id: string;
  caption: string;
  series: { name: string; points: { week: number; mean: number }[] }[];
  weeks: number;
  max?: number;
}) {
  const max = props.max ?? 5;
  const W = 600;
  const H = 220;
  const left = 34;
  const top = 12;
  const bottom = 30;
  const plotW = W - left - 20;
  const plotH = H - top - bottom;
  const weeks = Math.max(2, props.weeks);
  const x = (w: number) => left + ((w - 1) / (weeks - 1)) * plotW;
  const y = (v: number) => top + plotH - (v / max) * plotH;
  const summary = props.series
    .map((s) => `${s.name}: ${s.points.map((p) => `week ${p.week} ${p.mean.toFixed(1)}`).join(', ')}`)
    .join('; ');
  const rows = props.series.flatMap((s) =>
    s.points.map((p) => [s.name, `Week ${p.week}`, p.mean.toFixed(1)]),
  );
  return (
    <Figure
      caption={props.caption}
      summary={summary}
      chart={props.id}
      table={<DataTable headers={['', 'Week', 'Mean (1–5)']} rows={rows} />}
    >
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${props.caption}. ${summary}`} class="svg-chart">
        <g aria-hidden="true">
          {[1, 3, 5].map((t) => (
            <g>
              <line x1={left} x2={W - 10} y1={y(t)} y2={y(t)} class="grid" />
              <text x={left - 6} y={y(t) + 4} class="tick" text-anchor="end">
                {t}
              </text>
            </g>
          ))}
          {Array.from({ length: props.weeks }, (_, i) => (
            <text x={x(i + 1)} y={H - 10} class="tick" text-anchor="middle">{`W${i + 1}`}</text>
          ))}
        </g>
        {props.series.map((s, si) => (
          <g class={`series s${si % 6}`}>
            <polyline
              class="line"
              fill="none"
              points={s.points.map((p) => `${x(p.week)},${y(p.mean)}`).join(' ')}
            />
            {s.points.map((p) => (
              <circle class="point" cx={x(p.week)} cy={y(p.mean)} r={5}>
                <title>{`${s.name}, week ${p.week}: ${p.mean.toFixed(1)}`}</title>
              </circle>
            ))}
          </g>
        ))}
      </svg>
      {props.series.length > 1 && (
        <ul class="legend" aria-hidden="true">
          {props.series.map((s, si) => (
            <li>
              <span class={`swatch s${si % 6}`} />
              {s.name}
            </li>
          ))}
        </ul>
      )}
    </Figure>
  );
}
