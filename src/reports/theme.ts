import { StyleSheet } from '@react-pdf/renderer';
import type { ActionKind } from '../domain/actions.ts';
import type { SubIndexKey } from '../domain/instrument.ts';
import { FONT } from './fonts.ts';

/**
 * One visual identity for both reports, matching the site: the same
 * colours stand for the same things in global.css (--factor-*, --keep …).
 */
export const colors = {
  ink: '#14213d',
  soft: '#4a5470',
  faint: '#8a93a8',
  line: '#d9dee8',
  wash: '#f4f6fa',
  brand: '#0b5cad',
  brandDark: '#08467f',
  accent: '#0f7b5f',
  track: '#e3e8f0',
  band: '#c9d6ea',
  amber: '#f0a202',
  bar: '#9db7d9',
  keep: '#0a5c46',
  keepBg: '#e6f4ef',
  change: '#7a4f00',
  changeBg: '#fff3d6',
  stop: '#8f1d17',
  stopBg: '#fde8e6',
};

/** The four factors keep one colour each, in every chart, table and page. */
export const factorColors: Record<SubIndexKey, string> = {
  value: '#0b5cad',
  number: '#0f7b5f',
  winRate: '#6b3fa0',
  cycle: '#b4540a',
};

export const KCS: Record<ActionKind, { label: string; color: string; bg: string }> = {
  keep: { label: 'KEEP', color: colors.keep, bg: colors.keepBg },
  change: { label: 'CHANGE', color: colors.change, bg: colors.changeBg },
  stop: { label: 'STOP', color: colors.stop, bg: colors.stopBg },
};

/** Type scale (pt): 8 · 9.5 · 11 · 14 · 20 · 32. */
export const type = { caption: 8, body: 9.5, lead: 11, h2: 14, h1: 20, display: 32 };

/** A4 in points, and the page's side margin: charts are sized to the text column. */
export const PAGE = { width: 595.28, height: 841.89, margin: 48 };
export const COLUMN = PAGE.width - 2 * PAGE.margin;

/** 22 pt above the foot of an A4 page for one 8 pt line. */
const FOOTER_TOP = 808;

export const styles = StyleSheet.create({
  page: { fontFamily: FONT, fontSize: type.body, color: colors.ink, paddingTop: 58, paddingBottom: 54, paddingHorizontal: PAGE.margin, lineHeight: 1.45 },
  header: { position: 'absolute', top: 24, left: PAGE.margin, right: PAGE.margin, flexDirection: 'row', justifyContent: 'space-between', borderBottomWidth: 0.5, borderColor: colors.line, paddingBottom: 5 },
  headerText: { fontSize: type.caption, color: colors.soft },
  // Placed from the top of the A4 page (841.89 pt): a render-prop text placed from the bottom of a page with a
  // line height is laid out far above the page, so react-pdf never drew the page numbers.
  footerBrand: { position: 'absolute', top: FOOTER_TOP, left: PAGE.margin, width: 300, fontSize: type.caption, color: colors.soft },
  pageNumber: { position: 'absolute', top: FOOTER_TOP, right: PAGE.margin, width: 120, textAlign: 'right', fontSize: type.caption, color: colors.soft },
  eyebrow: { fontSize: type.caption, fontWeight: 'bold', color: colors.brand, marginBottom: 2 },
  h1: { fontSize: type.h1, fontWeight: 'bold', marginBottom: 8, lineHeight: 1.2 },
  h2: { fontSize: type.h2, fontWeight: 'bold', marginBottom: 6, marginTop: 6, lineHeight: 1.25 },
  h3: { fontSize: type.lead, fontWeight: 'bold', marginBottom: 3, marginTop: 8 },
  p: { marginBottom: 6 },
  intro: { fontSize: type.lead, color: colors.soft, marginBottom: 10, lineHeight: 1.4 },
  soft: { color: colors.soft },
  lead: { fontSize: 15, fontWeight: 'bold', lineHeight: 1.25 },
  small: { fontSize: type.caption, color: colors.soft },
  label: { fontSize: 7.5, fontWeight: 'bold', color: colors.soft },
  card: { borderWidth: 0.75, borderColor: colors.line, borderRadius: 6, padding: 10, marginBottom: 10 },
  panel: { backgroundColor: colors.wash, borderRadius: 6, padding: 10, marginBottom: 10 },
  row: { flexDirection: 'row' },
  tag: { fontSize: 6.5, fontWeight: 'bold', paddingHorizontal: 3.5, paddingVertical: 1.5, borderRadius: 2.5, textAlign: 'center' },
  big: { fontSize: type.display, fontWeight: 'bold', lineHeight: 1.1 },
  pill: { fontSize: 9, fontWeight: 'bold', color: colors.keep, backgroundColor: colors.keepBg, borderRadius: 8, paddingHorizontal: 7, paddingVertical: 2, alignSelf: 'center' },
  th: { fontSize: 7.5, fontWeight: 'bold', color: colors.soft },
});
