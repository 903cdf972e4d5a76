/**
 * HCPC Standards of Proficiency, 2023 edition (in effect from 1 September 2023): the 15
 * overarching standards shared by all HCPC professions, with short titles for cards.
 * Reflections store the standard code together with the catalogue version, so a later
 * edition can be added alongside without re-labelling old evidence.
 */
export interface HcpcStandard {
  /** '1'..'15' */
  code: string;
  title: string;
}

export interface HcpcCatalogue {
  version: string;
  standards: readonly HcpcStandard[];
}

export const HCPC_SOP_2023 = {
  version: 'HCPC-SOP-2023',
  standards: [
    { code: '1', title: 'Practise safely and effectively within their scope of practice' },
    { code: '2', title: 'Practise within the legal and ethical boundaries of their profession' },
    { code: '3', title: 'Look after their health and wellbeing, seeking support where necessary' },
    { code: '4', title: 'Practise as an autonomous professional, exercising professional judgement' },
    { code: '5', title: 'Recognise the impact of culture, equality and diversity; practise inclusively' },
    { code: '6', title: 'Understand the importance of and maintain confidentiality' },
    { code: '7', title: 'Communicate effectively' },
    { code: '8', title: 'Work appropriately with others' },
    { code: '9', title: 'Practise as a leader' },
    { code: '10', title: 'Maintain records appropriately' },
    { code: '11', title: 'Reflect on and review practice' },
    { code: '12', title: 'Assure the quality of their practice' },
    { code: '13', title: 'Understand the key concepts of the knowledge base relevant to their profession' },
    { code: '14', title: 'Draw on appropriate knowledge and skills to inform practice' },
    { code: '15', title: 'Establish and maintain a safe practice environment' },
  ],
} as const satisfies HcpcCatalogue;

export const CURRENT_HCPC_CATALOGUE: HcpcCatalogue = HCPC_SOP_2023;

export type HcpcStandardCode = (typeof HCPC_SOP_2023.standards)[number]['code'];

const byCode = new Map<string, string>(HCPC_SOP_2023.standards.map((s) => [s.code, s.title]));

export function isKnownStandard(code: string): code is HcpcStandardCode {
  return byCode.has(code);
}

/** The short title of a standard, or undefined for an unknown code. */
export function standardTitle(code: string): string | undefined {
  return byCode.get(code);
}

/** 'SOP 9: Practise as a leader' for cards and exports; throws on an unknown code. */
export function standardLabel(code: string): string {
  const title = standardTitle(code);
  if (title === undefined) throw new Error(`Unknown HCPC standard "${code}" (${HCPC_SOP_2023.version})`);
  return `SOP ${code}: ${title}`;
}
