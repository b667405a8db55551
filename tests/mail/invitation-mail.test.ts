import { describe, expect, it } from 'vitest';
import { invitationMail, reminderMail, unsubscribeHeaders, type InvitationMailFacts } from '../../src/server/mail/invitation-mail.ts';

const facts: InvitationMailFacts = {
  inviter: 'Northwind <Advisory>',
  studyName: 'Q2 review',
  companyName: 'Acme & Sons',
  link: 'https://bench.example.com/i/abcdefghijklmnopqrstuv',
  unsubscribe: 'https://bench.example.com/unsubscribe/7-abcdefghijklmnopqrstuv',
  minutes: 15,
};

describe('invitation and reminder mail', () => {
  it('says who invites, for which company, how long it takes, what they get, the privacy line and both links', () => {
    const m = invitationMail(facts);
    expect(m.subject).toBe('Northwind <Advisory> invites you to the sales benchmark for Acme & Sons');
    expect(m.text).toContain('would like your view on how Acme & Sons sells');
    expect(m.text).toContain('about 15 minutes');
    expect(m.text).toContain('A company report and a personal report as PDFs');
    expect(m.text).toContain('never shown with your name or e-mail address');
    expect(m.text).toContain(`Start the assessment:\n${facts.link}`);
    expect(m.text).toContain(`No more e-mails about this study: ${facts.unsubscribe}`);
    expect(m.html).toContain('Northwind &lt;Advisory&gt;');
    expect(m.html).not.toContain('<Advisory>');
  });

  it('reads well without a company or an inviter name', () => {
    const m = invitationMail({ ...facts, inviter: null, companyName: null });
    expect(m.subject).toBe('Your consultant invites you to the sales benchmark');
    expect(m.text).toContain('Benchmark how your company sells');
    expect(m.text).toContain('the consultant running the study invited this address');
    expect(reminderMail({ ...facts, inviter: null, companyName: null }, false).subject).toBe('Reminder: your consultant would still like your view');
  });

  it('reminds differently from the invitation, and differently for those who started', () => {
    const invitation = invitationMail(facts);
    const notStarted = reminderMail(facts, false);
    const started = reminderMail(facts, true);
    expect(new Set([invitation.subject, notStarted.subject, started.subject]).size).toBe(3);
    expect(notStarted.text).toContain('you haven’t started yet');
    expect(started.text).toContain('your answers so far are saved');
    expect(started.text).toContain('Continue the assessment:');
    for (const m of [notStarted, started]) expect(m.text.length).toBeLessThan(invitation.text.length);
  });

  it('offers one-click unsubscribe in the headers (RFC 8058)', () => {
    expect(unsubscribeHeaders(facts.unsubscribe)).toEqual({ 'List-Unsubscribe': `<${facts.unsubscribe}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' });
  });
});
