import type { Consultant } from '../../../db/schema.ts';
import { WEEK_MS, weeklySummary, type SummaryCompanyInput, type SummaryStudyInput, type WeeklySummary } from '../../domain/weekly-summary.ts';
import { config } from '../config.ts';
import type { Store } from '../data/store.ts';
import { loadInstrument } from '../instrument-loader.ts';
import { completedOfCompany } from '../repositories/participants.ts';
import { companiesOf, latestWaveOf } from '../repositories/studies.ts';
import { consultantsDueSummary, invitedCountOfStudy, markSummaryQueued, openStudiesOf, peopleOfStudy } from '../repositories/weekly-summary.ts';
import { mailOrigin } from './enabled.ts';
import { enqueueMail } from './outbox.ts';
import { renderMail, type RenderedMail } from './render.ts';

/** Consultants who asked for the summary and have not had one in the last seven days. */
async function dueConsultants(db: Store, now: Date): Promise<Consultant[]> {
  return consultantsDueSummary(db, new Date(now.getTime() - WEEK_MS));
}

/** What the summary needs of each of the consultant's open studies: counts and finishing times, nobody's answers. */
export async function summaryInputs(db: Store, consultantId: number, origin: string): Promise<SummaryStudyInput[]> {
  const instrument = loadInstrument();
  const inputs: SummaryStudyInput[] = [];
  for (const s of await openStudiesOf(db, consultantId)) {
    const people = await peopleOfStudy(db, s.id);
    const invited = await invitedCountOfStudy(db, s.id);
    const wave = (await latestWaveOf(db, s.id))?.id ?? null;
    const companies: SummaryCompanyInput[] = [];
    for (const c of await companiesOf(db, s.id)) {
      companies.push({
        name: c.name,
        floor: c.releaseFloor,
        // The same members the company's figures combine (company-view.ts): this wave, this instrument version.
        completedAt: (await completedOfCompany(db, c.id))
          .filter((p) => p.instrumentVersion === instrument.version && (wave === null || p.waveId === wave) && p.completedAt)
          .map((p) => p.completedAt!),
      });
    }
    inputs.push({
      name: s.name,
      href: `${origin}/consultant/studies/${s.id}`,
      invited,
      started: people.length,
      completedAt: people.filter((p) => p.status === 'completed' && p.completedAt).map((p) => p.completedAt!),
      companies,
    });
  }
  return inputs;
}

/** The summary as an e-mail, in the shared look. */
export function renderSummary(summary: WeeklySummary, origin: string): RenderedMail {
  const rows = summary.studies.map((s) => [s.name, String(s.completedThisWeek), String(s.completed), String(s.started), s.invited > 0 ? String(s.invited) : '–']);
  const visible = summary.studies.flatMap((s) => s.newlyVisible.map((c) => `${c} (${s.name})`));
  return renderMail({
    subject: summary.subject,
    preheader: summary.preheader,
    heading: summary.heading,
    paragraphs: [
      summary.intro,
      { table: { caption: 'Open studies', head: ['Study', 'Finished this week', 'Finished in all', 'Started', 'Invited'], rows } },
      ...(visible.length > 0 ? ['Company figures now ready to read:', { list: visible }] : []),
    ],
    button: summary.studies.length === 1 ? { label: 'Open the study', href: summary.studies[0]!.href } : { label: 'Open your studies', href: `${origin}/consultant` },
    footer: [
      'You receive this summary because you turned it on in your account.',
      `To stop it, switch it off at ${origin}/consultant/account.`,
    ],
  });
}

/**
 * The scheduler's weekly-summary job: one summary per due consultant, put in
 * the outbox under a key of the consultant and ISO week, so running the job
 * twice in a week queues it once. A consultant with no open study gets no
 * mail that week, only the note that the week was looked at.
 */
export async function queueWeeklySummaries(db: Store, now: Date): Promise<void> {
  const origin = mailOrigin();
  const k = config().PEER_MIN_GROUP;
  for (const c of await dueConsultants(db, now)) {
    const studiesIn = await summaryInputs(db, c.id, origin);
    if (studiesIn.length > 0) {
      const summary = weeklySummary({ consultantName: c.name, studies: studiesIn, k, now });
      const mail = renderSummary(summary, origin);
      await enqueueMail(db, { kind: 'weekly-summary', dedupeKey: `summary:${c.id}:${summary.week}`, to: c.email, subject: mail.subject, text: mail.text, html: mail.html, consultantId: c.id }, now);
    }
    await markSummaryQueued(db, c.id, now);
  }
}
