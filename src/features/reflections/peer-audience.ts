/**
 * Who a reflection's fellow-student audience is. It is worked out when they look (the project's
 * student members, or the cohort's students, without the author), so a revoked share, a member
 * who left the team or a share changed from cohort to project is gone from every peer view at
 * once.
 */
import { can, type Target } from '../../domain/authorization.js';
import { formatDate, localDateOf } from '../../domain/placement-calendar.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import { zoneOf, type ReflectionDeps } from './reflection-deps.js';
import type { PeerGroup, ReflectionDoc } from './reflections-repository.js';

export const GROUP_LABEL: Record<PeerGroup, string> = {
  project: 'your project team',
  cohort: 'your cohort',
};

export class PeerAudience {
  constructor(private readonly deps: Pick<ReflectionDeps, 'config' | 'people' | 'repo' | 'projectTeams'>) {}

  /** The author's project on their cohort. */
  async projectOf(tenantId: string, author: Pick<PersonDoc, '_id' | 'cohortId'>) {
    if (!author.cohortId) return null;
    return this.deps.projectTeams().projectOfStudent(tenantId, author._id, author.cohortId);
  }

  /** The fellow students the reflection is shared with now ([] when it is not shared with peers). */
  async peerIdsOf(tenantId: string, reflection: ReflectionDoc): Promise<string[]> {
    if (!reflection.peerShare || !reflection.cohortId) return [];
    let ids: string[];
    if (reflection.peerShare === 'project') {
      const project = await this.projectOf(tenantId, {
        _id: reflection.personId,
        cohortId: reflection.cohortId,
      });
      const members = project ? await this.deps.projectTeams().membersOf(tenantId, project._id) : null;
      ids = members?.studentIds ?? [];
    } else {
      ids = (await this.deps.people.inCohort(tenantId, reflection.cohortId, 'student')).map((p) => p._id);
    }
    return ids.filter((id) => id !== reflection.personId);
  }

  /** The policy target for a peer: the author, their cohort and whom it is shared with now. */
  async target(tenantId: string, reflection: ReflectionDoc): Promise<Target> {
    return {
      studentId: reflection.personId,
      cohortId: reflection.cohortId,
      peerIds: await this.peerIdsOf(tenantId, reflection),
    };
  }

  /** Data for the author's own view: who it is shared with, the choice, peers' replies. */
  async ownerViewData(tenantId: string, author: PersonDoc, r: ReflectionDoc) {
    const project = await this.projectOf(tenantId, author);
    const replies = await this.repliesData(tenantId, author, r._id);
    const choices = [
      { title: 'No fellow students', value: 'none' },
      ...(project ? [{ title: `My project team (${project.title})`, value: 'project' }] : []),
      { title: 'My cohort', value: 'cohort' },
    ];
    return {
      peerShare: r.peerShare ?? 'none',
      peerChoices: choices,
      peerReplies: replies,
      hasPeerReplies: replies.length > 0,
    };
  }

  /** Fellow students' replies on a reflection, as the cards show them to `viewer`. */
  async repliesData(tenantId: string, viewer: PersonDoc, reflectionId: string) {
    const replies = await this.deps.repo.peerRepliesOn(tenantId, reflectionId);
    const people = await this.deps.people.byIds(tenantId, [...new Set(replies.map((r) => r.replierId))]);
    const zone = zoneOf(this.deps, viewer);
    return replies.map((r) => ({
      from: people.find((p) => p._id === r.replierId)?.displayName ?? 'A fellow student',
      date: formatDate(localDateOf(r.createdAt, zone)),
      text: r.text,
    }));
  }

  /** What fellow students shared with the viewer, with each author's name. */
  async sharedWithMe(
    tenantId: string,
    viewer: PersonDoc,
  ): Promise<{ reflection: ReflectionDoc; author: string }[]> {
    if (!viewer.cohortId) return [];
    const candidates = (await this.deps.repo.peerSharedIn(tenantId, viewer.cohortId)).filter(
      (r) => r.personId !== viewer._id,
    );
    const visible: ReflectionDoc[] = [];
    for (const r of candidates)
      if (can(viewer, 'reflection.peer.view', await this.target(tenantId, r))) visible.push(r);
    const authors = await this.deps.people.byIds(tenantId, [...new Set(visible.map((r) => r.personId))]);
    return visible.map((r) => ({
      reflection: r,
      author: authors.find((a) => a._id === r.personId)?.displayName ?? 'A fellow student',
    }));
  }
}

/** "Shared with your supervisors and your project team", for the author. */
export function sharedText(r: ReflectionDoc): string {
  const groups = [r.shared ? 'your supervisors' : null, r.peerShare ? GROUP_LABEL[r.peerShare] : null].filter(
    Boolean,
  );
  return groups.length ? `Shared with ${groups.join(' and ')}` : 'Private to you';
}

/** Who it was shared with, for the export ("supervisors", "project team"). */
export function sharedWith(r: ReflectionDoc): string[] {
  return [
    r.shared ? 'supervisors' : null,
    r.peerShare === 'project' ? 'project team' : r.peerShare === 'cohort' ? 'cohort' : null,
  ].filter((x): x is string => x !== null);
}
