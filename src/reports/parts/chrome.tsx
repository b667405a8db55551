import { Document, Image, Page, Text, View } from '@react-pdf/renderer';
import type { ReactNode } from 'react';
import type { ReportBrand } from '../../domain/report-model.ts';
import { colors, PAGE, styles, type } from '../theme.ts';

/** What every page of one report shows in its header. */
export interface ReportIdentity {
  title: string;
  company: string;
  /** Written out, "1 December 2026". */
  date: string;
  brand: ReportBrand | null;
}

export interface CoverFacts {
  /** "Company report". */
  title: string;
  name: string;
  tagline: string;
  /** Label and value, one line each: study, date, respondents, peer group … */
  facts: { label: string; value: string }[];
}

/** The PDF document of a report, with its metadata, opening on the cover. */
export function ReportDocument({ id, cover, children }: { id: ReportIdentity; cover: CoverFacts; children: ReactNode }) {
  return (
    <Document title={`${id.title}: ${id.company}`} author={id.brand ? `${id.brand.name} with Velocity Index` : 'Velocity Index'} subject="Sales benchmark study" language="en">
      <Page size="A4" style={[styles.page, { paddingTop: 0, paddingHorizontal: 0 }]}>
        <Cover id={id} cover={cover} />
        <Footer brand={id.brand} />
      </Page>
      {children}
    </Document>
  );
}

/** An A4 page of a report (several when its content wraps), with the running header and page numbers. */
export function ReportPage({ id, wrap = true, children }: { id: ReportIdentity; wrap?: boolean; children: ReactNode }) {
  return (
    <Page size="A4" style={styles.page} wrap={wrap}>
      <View style={styles.header} fixed>
        <Text style={[styles.headerText, { fontWeight: 'bold', color: id.brand?.accent ?? colors.brand, maxWidth: 170, paddingRight: 12, maxLines: 1 }]}>
          {id.brand ? id.brand.name : 'Velocity Index'}
        </Text>
        {/* One line, however long the company's name: a second line would run into the page's content. */}
        <Text style={[styles.headerText, { flex: 1, textAlign: 'right', maxLines: 1, textOverflow: 'ellipsis' }]}>
          {`${id.title} · ${id.company} · ${id.date}`}
        </Text>
      </View>
      {children}
      <Footer brand={id.brand} />
    </Page>
  );
}

/** The product's own identity stays in the footer, branded or not; only the page numbers need a render prop. */
function Footer({ brand }: { brand: ReportBrand | null }) {
  return (
    <>
      <Text style={styles.footerBrand} fixed>
        {brand ? 'Benchmark by Velocity Index' : 'Velocity Index · sales benchmark study'}
      </Text>
      <Text style={styles.pageNumber} fixed render={({ pageNumber, totalPages }) => `Page ${pageNumber} of ${totalPages}`} />
    </>
  );
}

/** Logo box on the cover: the logo scaled to fit, never stretched. */
function fitLogo(logo: NonNullable<ReportBrand['logo']>, maxW: number, maxH: number) {
  const scale = Math.min(maxW / logo.width, maxH / logo.height);
  return { width: logo.width * scale, height: logo.height * scale };
}

/** The company's name on the cover: smaller as it grows, so that up to 120 characters stay inside the dark band. */
const coverNameSize = (name: string) => (name.length > 80 ? 20 : name.length > 45 ? 24 : 30);

function Cover({ id, cover }: { id: ReportIdentity; cover: CoverFacts }) {
  const accent = id.brand?.accent ?? colors.brand;
  const logo = id.brand?.logo ?? null;
  return (
    <View style={{ height: PAGE.height - 60 }}>
      <View style={{ backgroundColor: colors.ink, height: 330, paddingHorizontal: PAGE.margin, paddingTop: 56, justifyContent: 'space-between', paddingBottom: 36 }}>
        <View style={[styles.row, { alignItems: 'center', justifyContent: 'space-between' }]}>
          <Text style={{ color: '#ffffff', fontSize: 10, fontWeight: 'bold' }}>VELOCITY INDEX</Text>
          {id.brand ? (
            <View style={[styles.row, { alignItems: 'center', backgroundColor: '#ffffff', borderRadius: 4, paddingHorizontal: 8, paddingVertical: 6 }]}>
              {logo ? <Image src={logo.dataUri} style={{ ...fitLogo(logo, 110, 34), marginRight: 8 }} /> : null}
              <Text style={{ fontSize: 9, fontWeight: 'bold', color: colors.ink, maxWidth: 150 }}>{id.brand.name}</Text>
            </View>
          ) : null}
        </View>
        <View>
          <Text style={{ color: '#c5d3ea', fontSize: type.lead, marginBottom: 6 }}>{cover.title}</Text>
          <Text style={{ color: '#ffffff', fontSize: coverNameSize(cover.name), fontWeight: 'bold', lineHeight: 1.15 }}>{cover.name}</Text>
        </View>
      </View>
      <View style={{ height: 6, backgroundColor: accent }} />
      <View style={{ paddingHorizontal: PAGE.margin, paddingTop: 34 }}>
        <Text style={{ fontSize: 12.5, lineHeight: 1.45, color: colors.ink, maxWidth: 420 }}>{cover.tagline}</Text>
        <View style={{ marginTop: 34, borderTopWidth: 0.75, borderColor: colors.line }}>
          {cover.facts.map((f) => (
            <View key={f.label} style={[styles.row, { borderBottomWidth: 0.75, borderColor: colors.line, paddingVertical: 7 }]}>
              <Text style={[styles.label, { width: 130, paddingTop: 1.5 }]}>{f.label.toUpperCase()}</Text>
              <Text style={{ flex: 1, fontSize: 10.5 }}>{f.value}</Text>
            </View>
          ))}
        </View>
      </View>
      <View style={{ position: 'absolute', bottom: 30, left: PAGE.margin, right: PAGE.margin }}>
        <Text style={styles.small}>
          Confidential: prepared for {cover.name}. Peer figures come only from groups large enough that no one participant can be singled out.
        </Text>
      </View>
    </View>
  );
}
