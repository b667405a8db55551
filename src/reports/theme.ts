import { StyleSheet } from '@react-pdf/renderer';
import { FONT } from './fonts.ts';

/** One visual identity for both reports, matching the site. */
export const colors = {
  ink: '#14213d',
  soft: '#46506a',
  line: '#d9dee8',
  wash: '#f4f6fa',
  brand: '#0b5cad',
  accent: '#0f7b5f',
  track: '#e3e8f0',
  amber: '#f0a202',
  keep: '#0a5c46',
  keepBg: '#e6f4ef',
  change: '#7a4f00',
  changeBg: '#fff3d6',
  stop: '#8f1d17',
  stopBg: '#fde8e6',
};

/** 22 pt above the foot of an A4 page for one 8 pt line. */
const FOOTER_TOP = 808;

export const styles = StyleSheet.create({
  page: { fontFamily: FONT, fontSize: 10, color: colors.ink, paddingTop: 56, paddingBottom: 52, paddingHorizontal: 48, lineHeight: 1.45 },
  header: { position: 'absolute', top: 22, left: 48, right: 48 },
  // No rule under the header: react-pdf never drew the border this style once asked for (the header was a render prop).
  headerLine: { fontSize: 8, color: colors.soft, paddingBottom: 4 },
  // Placed from the top of the A4 page (841.89 pt): a render-prop text placed from the bottom of a page with a
  // line height is laid out far above the page, so react-pdf never drew the page numbers.
  footerBrand: { position: 'absolute', top: FOOTER_TOP, left: 48, width: 200, fontSize: 8, color: colors.soft },
  pageNumber: { position: 'absolute', top: FOOTER_TOP, right: 48, width: 120, textAlign: 'right', fontSize: 8, color: colors.soft },
  h1: { fontSize: 22, fontWeight: 'bold', marginBottom: 10, lineHeight: 1.25 },
  h2: { fontSize: 15, fontWeight: 'bold', marginBottom: 8, marginTop: 4, color: colors.ink, lineHeight: 1.3 },
  h3: { fontSize: 11.5, fontWeight: 'bold', marginBottom: 3, marginTop: 8 },
  p: { marginBottom: 6 },
  soft: { color: colors.soft },
  lead: { fontSize: 16, fontWeight: 'bold', lineHeight: 1.3 },
  small: { fontSize: 8.5, color: colors.soft },
  card: { borderWidth: 0.75, borderColor: colors.line, borderRadius: 6, padding: 10, marginBottom: 10 },
  row: { flexDirection: 'row' },
  tag: { fontSize: 7.5, fontWeight: 'bold', paddingHorizontal: 4, paddingVertical: 1.5, borderRadius: 3, marginRight: 6 },
  big: { fontSize: 30, fontWeight: 'bold', lineHeight: 1.2, marginBottom: 4 },
  pill: { fontSize: 9, fontWeight: 'bold', color: colors.keep, backgroundColor: colors.keepBg, borderRadius: 8, paddingHorizontal: 6, paddingVertical: 2, alignSelf: 'center' },
});
