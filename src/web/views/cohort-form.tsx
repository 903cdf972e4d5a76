/**
 * The cohort settings form of the Manage page (manage.tsx): its fields, the day pickers and the
 * defaults of a new cohort. The server checks every field; its messages show under each one.
 */
import { useState } from 'preact/hooks';

const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
export const NEW_COHORT: Record<string, string> = {
  name: '',
  startDate: '',
  weeks: '6',
  endDate: '',
  clinicalDays: 'Mon,Tue',
  leadershipDays: 'Wed,Thu,Fri',
  supervisionDay: 'Thu',
  supervisionTime: '14:00',
  timeZone: 'Europe/London',
  promptTime: '09:00',
  reminderHours: '24',
  digestHours: '2',
};

export function Field(props: {
  id: string;
  label: string;
  type?: 'text' | 'date' | 'number' | 'time' | 'email';
  values: Record<string, string>;
  errors: Record<string, string>;
  set: (k: string, v: string) => void;
  hint?: string;
}) {
  const { id, errors } = props;
  const err = errors[id];
  return (
    <div class="field">
      <label for={`f-${id}`}>{props.label}</label>
      {props.hint && (
        <span class="hint" id={`h-${id}`}>
          {props.hint}
        </span>
      )}
      <input
        id={`f-${id}`}
        name={id}
        {...({ type: props.type ?? 'text' } as Record<string, string>)}
        value={props.values[id] ?? ''}
        aria-invalid={err ? 'true' : undefined}
        aria-describedby={err ? `e-${id}` : props.hint ? `h-${id}` : undefined}
        onInput={(e) => props.set(id, (e.target as HTMLInputElement).value)}
      />
      {err && (
        <span class="field-error" id={`e-${id}`}>
          {err}
        </span>
      )}
    </div>
  );
}

function DayPicker(props: {
  id: string;
  label: string;
  values: Record<string, string>;
  errors: Record<string, string>;
  set: (k: string, v: string) => void;
}) {
  const chosen = (props.values[props.id] ?? '').split(',').filter(Boolean);
  const toggle = (d: string) => {
    const next = chosen.includes(d) ? chosen.filter((x) => x !== d) : [...chosen, d];
    props.set(props.id, DAYS.filter((x) => next.includes(x)).join(','));
  };
  const err = props.errors[props.id];
  return (
    <fieldset class="field days" aria-describedby={err ? `e-${props.id}` : undefined}>
      <legend>{props.label}</legend>
      {DAYS.map((d) => (
        <label class="day">
          <input
            type="checkbox"
            name={props.id}
            value={d}
            checked={chosen.includes(d)}
            onChange={() => toggle(d)}
          />
          {d}
        </label>
      ))}
      {err && (
        <span class="field-error" id={`e-${props.id}`}>
          {err}
        </span>
      )}
    </fieldset>
  );
}

let pendingRequestId = '';
/** One id per new-cohort form, so a double click creates one cohort. */
export function requestIdOnce(): string {
  if (!pendingRequestId) pendingRequestId = crypto.randomUUID();
  return pendingRequestId;
}

export function CohortForm(props: {
  initial: Record<string, string>;
  submitLabel: string;
  onSubmit: (v: Record<string, string>) => Promise<Record<string, string>>;
}) {
  const [values, setValues] = useState(props.initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const set = (k: string, v: string) => setValues({ ...values, [k]: v });
  const f = { values, errors, set };
  return (
    <form
      class="panel manage-form"
      aria-label="Cohort settings"
      onSubmit={async (e) => {
        e.preventDefault();
        setErrors(await props.onSubmit(values));
      }}
    >
      <Field id="name" label="Cohort name" {...f} />
      <div class="row">
        <Field id="startDate" label="First placement day" type="date" {...f} />
        <Field id="weeks" label="Number of weeks" type="number" {...f} />
        <Field
          id="endDate"
          label="Last placement day (optional)"
          type="date"
          {...f}
          hint="Works out the weeks, or checks them"
        />
      </div>
      <DayPicker id="clinicalDays" label="Clinical days" {...f} />
      <DayPicker id="leadershipDays" label="Leadership days" {...f} />
      <div class="row">
        <div class="field">
          <label for="f-supervisionDay">Weekly supervision day</label>
          <select
            id="f-supervisionDay"
            value={values.supervisionDay}
            onChange={(e) => set('supervisionDay', (e.target as HTMLSelectElement).value)}
          >
            <option value="none">No weekly slot</option>
            {DAYS.slice(0, 5).map((d) => (
              <option value={d}>{d}</option>
            ))}
          </select>
          {errors.supervisionDay && <span class="field-error">{errors.supervisionDay}</span>}
        </div>
        <Field id="supervisionTime" label="Supervision time" type="time" {...f} />
        <Field id="timeZone" label="Time zone" {...f} />
      </div>
      <div class="row">
        <Field id="promptTime" label="Check-in prompt time" type="time" {...f} />
        <Field id="reminderHours" label="Reminder, hours before due" type="number" {...f} />
        <Field id="digestHours" label="Supervisors' summary, hours before supervision" type="number" {...f} />
      </div>
      <button type="submit" class="primary">
        {props.submitLabel}
      </button>
    </form>
  );
}
