/** The lead's workspace as the dashboard's Manage page needs it (ManageWorkspace). */
import type { ManageWorkspace } from '../features/dashboard/ports.js';
import type { LeadWorkspaceService, Outcome } from '../features/lead-workspace/lead-workspace-service.js';
import { errorSummary, LABELS, labelledErrors } from '../features/lead-workspace/workspace-input.js';

export function manageWorkspace(workspace: () => LeadWorkspaceService): ManageWorkspace {
  return {
    isLead: (person) => workspace().isLead(person),
    manageableCohorts: (tenantId, person) => workspace().manageableCohorts(tenantId, person),
    view: (tenantId, person, cohortId) => workspace().view(tenantId, person, cohortId),
    upload: (tenantId, person, files) => workspace().upload(tenantId, person, files),
    change(action, tenantId, person, body) {
      const w = workspace();
      return (w[action] as (t: string, p: typeof person, d: unknown) => Promise<Outcome<unknown>>).call(
        w,
        tenantId,
        person,
        body,
      );
    },
    errorSummary: (errors) => errorSummary(errors),
    label: (field) => LABELS[field] ?? 'A field',
    errorLines: (errors) => labelledErrors(errors),
  };
}
