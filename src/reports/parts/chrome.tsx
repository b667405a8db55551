import { Text, View } from '@react-pdf/renderer';
import { styles } from '../theme.ts';

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
