import type { Company, Consultant, Participant, Study } from '../../../db/schema.ts';
import { db } from '../db.ts';
import { completedOfCompany } from '../repositories/participants.ts';
import { companyInStudy, studyOf } from '../repositories/studies.ts';

export interface CompanyAccess {
  study: Study;
  company: Company;
  /** Completed respondents, oldest first; the report is built through the first. */
  respondents: Participant[];
}

/** A company of one of the consultant's own studies, or null (the route answers 404). */
export function companyForConsultant(consultant: Consultant | null, studyId: string | undefined, companyId: string | undefined): CompanyAccess | null {
  if (!consultant) return null;
  const s = Number(studyId);
  const c = Number(companyId);
  if (!Number.isInteger(s) || !Number.isInteger(c)) return null;
  const study = studyOf(db(), consultant.id, s);
  const company = study && companyInStudy(db(), study.id, c);
  if (!study || !company) return null;
  return { study, company, respondents: completedOfCompany(db(), company.id).sort((a, b) => a.id - b.id) };
}
