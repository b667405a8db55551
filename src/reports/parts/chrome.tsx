import { Document, Page, Text, View } from '@react-pdf/renderer';
import type { ReactNode } from 'react';
import { styles } from '../theme.ts';
import { Cover } from './blocks.tsx';

/** What every page of one report shows in its header. */
export interface ReportIdentity {
  title: string;
  company: string;
  date: string;
}

/** The PDF document of a report, with its metadata, opening on the cover. */
export function ReportDocument({ id, cover, children }: { id: ReportIdentity; cover: Parameters<typeof Cover>[0]; children: ReactNode }) {
  return (
    <Document title={`${id.title}: ${id.company}`} author="Velocity Index" subject="Sales benchmark study" language="en">
      <Page size="A4" style={styles.page}>
        <Cover {...cover} />
        <Chrome {...id} cover />
      </Page>
      {children}
    </Document>
  );
}

/** An A4 page of a report (several when its content wraps), with the running header and page numbers. */
export function ReportPage({ id, wrap = true, children }: { id: ReportIdentity; wrap?: boolean; children: ReactNode }) {
  return (
    <Page size="A4" style={styles.page} wrap={wrap}>
      <Chrome {...id} />
      {children}
    </Page>
  );
}

/**
 * Running header (report, company, date) on every page after the cover, and page numbers in the footer.
 * The header is plain content (the cover, always page 1, leaves it out): only the page numbers need a
 * render prop, and react-pdf lays every render-prop node out again on each page break.
 */
export function Chrome({ title, company, date, cover = false }: { title: string; company: string; date: string; cover?: boolean }) {
  return (
    <>
      {cover ? null : (
        <View style={styles.header} fixed>
          <Text style={styles.headerLine}>{`${title}   ·   ${company}   ·   ${date}`}</Text>
        </View>
      )}
      <Text style={styles.footerBrand} fixed>
        Velocity Index
      </Text>
      <Text style={styles.pageNumber} fixed render={({ pageNumber, totalPages }) => `Page ${pageNumber} of ${totalPages}`} />
    </>
  );
}
