import type { Company, Consultant, Participant, Study, StudyWave } from '../../../db/schema.ts';
import { config } from '../config.ts';
import { db } from '../db.ts';
import { loadInstrument } from '../instrument-loader.ts';
import { completedOfCompany } from '../repositories/participants.ts';
import { companyInStudy, studyOf, wavesOf } from '../repositories/studies.ts';
import { companyView } from '../services/company-view.ts';

/** A round of the study as the company page's switcher lists it. */
export interface CompanyRound {
  wave: StudyWave;
  /** The company's figures of this round may be shown (k + 1 respondents on this questionnaire version). */
  published: boolean;
}

export interface CompanyAccess {
  study: Study;
  company: Company;
  /** Every round of the study, oldest first. */
  rounds: CompanyRound[];
  /** The round shown: `?wave=N`, else the latest round with published figures, else the latest. */
  wave: StudyWave;
  /** Completed respondents of the round shown, oldest first; the report is built through the first. */
  respondents: Participant[];
}

export type CompanyLookup = { ok: true; access: CompanyAccess } | { ok: false; status: 404 } | { ok: false; status: 400; message: string };

/**
 * A company of one of the consultant's own studies in one round. 404 for
 * anything not theirs or a round the study does not have; 400 for a `wave`
 * that is not a round number at all.
 */
export async function companyForConsultant(
  consultant: Consultant | null,
  studyId: string | undefined,
  companyId: string | undefined,
  waveParam: string | null = null,
): Promise<CompanyLookup> {
  if (!consultant) return { ok: false, status: 404 };
  const s = Number(studyId);
  const c = Number(companyId);
  if (!Number.isInteger(s) || !Number.isInteger(c)) return { ok: false, status: 404 };
  const store = db();
  const study = await studyOf(store, consultant.id, s);
  const company = study && (await companyInStudy(store, study.id, c));
  if (!study || !company) return { ok: false, status: 404 };
  if (waveParam !== null && !/^[1-9][0-9]{0,5}$/.test(waveParam)) {
    return { ok: false, status: 400, message: 'The round in the address (?wave=) must be a whole number such as 1 or 2.' };
  }
  const instrument = loadInstrument();
  const minGroup = config().PEER_MIN_GROUP;
  const rounds: CompanyRound[] = [];
  for (const wave of await wavesOf(store, study.id)) {
    rounds.push({ wave, published: (await companyView(store, instrument, company.id, null, minGroup, wave.id)).aggregate !== null });
  }
  const chosen =
    waveParam !== null
      ? rounds.find((r) => r.wave.number === Number(waveParam))
      : (rounds.filter((r) => r.published).at(-1) ?? rounds.at(-1));
  if (!chosen) return { ok: false, status: 404 };
  const respondents = (await completedOfCompany(store, company.id))
    .filter((p) => p.waveId === chosen.wave.id)
    .sort((a, b) => a.id - b.id);
  return { ok: true, access: { study, company, rounds, wave: chosen.wave, respondents } };
}
