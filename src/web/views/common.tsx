import type { ComponentChildren } from 'preact';
import type { Panel } from '../api.js';

/** A titled section of the page; shows the panel's message instead of its body when there is no data. */
export function Section<T>(props: {
  id: string;
  title: string;
  panel: Panel<T>;
  onCsv?: () => void;
  /** Spans the whole row of the grid (a wide table). */
  wide?: boolean;
  children: (data: T) => ComponentChildren;
}) {
  const { panel } = props;
  return (
    <section
      class={props.wide ? 'panel panel-wide' : 'panel'}
      aria-labelledby={`${props.id}-title`}
      data-panel={props.id}
      data-state={panel.state}
    >
      <div class="panel-head">
        <h2 id={`${props.id}-title`}>{props.title}</h2>
        {props.onCsv && panel.state === 'ok' && (
          <button type="button" class="csv" onClick={props.onCsv}>
            Download CSV<span class="sr-only"> of {props.title}</span>
          </button>
        )}
      </div>
      {panel.state === 'ok' && panel.data !== undefined ? (
        props.children(panel.data)
      ) : (
        <p class={`notice notice-${panel.state}`}>{panel.message ?? 'Nothing to show yet.'}</p>
      )}
    </section>
  );
}

export function Notice(props: { kind?: 'error' | 'info'; title?: string; children: ComponentChildren }) {
  return (
    <div class={`notice-box ${props.kind ?? 'info'}`} role={props.kind === 'error' ? 'alert' : 'status'}>
      {props.title && <h2>{props.title}</h2>}
      <p>{props.children}</p>
    </div>
  );
}

export const formatDate = (iso: string) =>
  new Date(iso).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric' });
