import { renderMail, type RenderedMail } from './render.ts';

/** What the invitation and reminder texts are written from. */
export interface InvitationMailFacts {
  /** Who invites: the study's brand name or the consultant's name; null when neither is known. */
  inviter: string | null;
  studyName: string;
  companyName: string | null;
  /** The personal link, absolute. */
  link: string;
  /** The unsubscribe page, absolute. */
  unsubscribe: string;
  minutes: number;
  accent?: string;
}

/** RFC 2369 and RFC 8058: mail clients offer a one-click unsubscribe that POSTs to the address without opening a page. */
export function unsubscribeHeaders(unsubscribe: string): Record<string, string> {
  return { 'List-Unsubscribe': `<${unsubscribe}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
}

const privacy = 'Your answers are never shown with your name or e-mail address, and company figures appear only once enough colleagues have answered that no one can be singled out.';

function footer(f: InvitationMailFacts): string[] {
  return [
    `You received this because ${f.inviter ?? 'the consultant running the study'} invited this address to “${f.studyName}”. The link is personal: please don’t forward it.`,
    'We delete your address as soon as you finish or unsubscribe.',
    `No more e-mails about this study: ${f.unsubscribe}`,
  ];
}

const forCompany = (f: InvitationMailFacts) => (f.companyName ? ` for ${f.companyName}` : '');
const onCompany = (f: InvitationMailFacts) => (f.companyName ? ` on how ${f.companyName} sells` : '');

export function invitationMail(f: InvitationMailFacts): RenderedMail {
  const who = f.inviter ?? 'Your consultant';
  return renderMail({
    subject: `${who} invites you to the sales benchmark${forCompany(f)}`,
    preheader: `About ${f.minutes} minutes. You get your own results and reports straight away.`,
    heading: `Benchmark how ${f.companyName ?? 'your company'} sells`,
    paragraphs: [
      `${who} is running “${f.studyName}” and would like your view${onCompany(f)}. The Velocity Index scores how your company sells on deal value, number of opportunities, win rate and sales cycle, and how you sell personally, against peers of your industry and size.`,
      `It takes about ${f.minutes} minutes. You can stop at any point and pick up where you left off.`,
      {
        list: [
          'Your own results the moment you finish: your Velocity Index and where you stand among peers.',
          'A company report and a personal report as PDFs, with the first five actions to take.',
        ],
      },
      privacy,
    ],
    button: { label: 'Start the assessment', href: f.link },
    footer: footer(f),
    accent: f.accent,
  });
}

export function reminderMail(f: InvitationMailFacts, started: boolean): RenderedMail {
  const who = f.inviter ?? 'Your consultant';
  return started
    ? renderMail({
        subject: `Finish your sales benchmark${forCompany(f)}: your answers are saved`,
        preheader: 'Your answers so far are saved. Finish to see your results.',
        heading: 'Pick up where you left off',
        paragraphs: [
          `You started the Velocity Index assessment for “${f.studyName}” and your answers so far are saved. A few more minutes and you will see your results and reports.`,
          privacy,
        ],
        button: { label: 'Continue the assessment', href: f.link },
        footer: footer(f),
        accent: f.accent,
      })
    : renderMail({
        subject: `Reminder: ${f.inviter ?? 'your consultant'} would still like your view${onCompany(f)}`,
        preheader: `About ${f.minutes} minutes, and your results straight away.`,
        heading: 'There is still time to take part',
        paragraphs: [
          `${who} invited you to “${f.studyName}”, and you haven’t started yet. It takes about ${f.minutes} minutes, and you see your own results the moment you finish.`,
          privacy,
        ],
        button: { label: 'Start the assessment', href: f.link },
        footer: footer(f),
        accent: f.accent,
      });
}
