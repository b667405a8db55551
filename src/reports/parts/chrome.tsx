import { Text, View } from '@react-pdf/renderer';
import { styles } from '../theme.ts';

/** Running header (report, company, date) on every page after the cover, and page numbers in the footer. */
export function Chrome({ title, company, date }: { title: string; company: string; date: string }) {
  return (
    <>
      <View style={styles.header} fixed render={({ pageNumber }) => (pageNumber > 1 ? <Text style={styles.headerLine}>{`${title}   ·   ${company}   ·   ${date}`}</Text> : null)} />
      <View style={styles.footer} fixed>
        <Text>Velocity Index</Text>
        <Text render={({ pageNumber, totalPages }) => `Page ${pageNumber} of ${totalPages}`} />
      </View>
    </>
  );
}
