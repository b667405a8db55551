import { Text, View } from '@react-pdf/renderer';
import type { DetailItem } from '../../domain/report-model.ts';
import { colors, styles } from '../theme.ts';

const TAGS = {
  keep: { label: 'KEEP', color: colors.keep, bg: colors.keepBg },
  change: { label: 'CHANGE', color: colors.change, bg: colors.changeBg },
  stop: { label: 'STOP', color: colors.stop, bg: colors.stopBg },
} as const;

export function Cover({ title, name, tagline, lines }: { title: string; name: string; tagline: string; lines: string[] }) {
  return (
    <View style={{ marginTop: 120 }}>
      <Text style={{ fontSize: 12, color: colors.brand, fontWeight: 'bold', letterSpacing: 1 }}>VELOCITY INDEX</Text>
      <Text style={{ fontSize: 30, fontWeight: 'bold', marginTop: 8, lineHeight: 1.2 }}>{title}</Text>
      <Text style={{ fontSize: 20, marginTop: 14, lineHeight: 1.3 }}>{name}</Text>
      <View style={{ height: 3, width: 80, backgroundColor: colors.amber, marginVertical: 18 }} />
      <Text style={[styles.p, { fontSize: 11.5, color: colors.soft }]}>{tagline}</Text>
      <View style={{ marginTop: 24 }}>
        {lines.map((l) => (
          <Text key={l} style={{ marginBottom: 3 }}>
            {l}
          </Text>
        ))}
      </View>
    </View>
  );
}

export function ActionList({ items }: { items: { kind: keyof typeof TAGS; title: string; text: string; score: number }[] }) {
  return (
    <View>
      {items.map((a, i) => (
        <View key={a.title} style={styles.card} wrap={false}>
          {/* The tag leads the behaviour sentence, never the practice's name: "STOP Referral requests" read as "stop asking for referrals". */}
          <View style={[styles.row, { alignItems: 'flex-start', marginBottom: 3 }]}>
            <Text style={{ fontWeight: 'bold', marginRight: 6 }}>{i + 1}.</Text>
            <Text style={[styles.tag, { color: TAGS[a.kind].color, backgroundColor: TAGS[a.kind].bg }]}>{TAGS[a.kind].label}</Text>
            <Text style={{ fontWeight: 'bold', flex: 1 }}>{a.text}</Text>
          </View>
          <Text style={styles.small}>
            Practice: {a.title} · score {a.score}
          </Text>
        </View>
      ))}
    </View>
  );
}

/**
 * One section of the detailed analysis, as the page's own children rather than inside a View: react-pdf moved a
 * section View that did not fit the rest of a page whole to the next page, leaving the page above it empty.
 */
export function DetailSection({ section }: { section: { title: string; intro: string; items: DetailItem[] } }) {
  return (
    <>
      <Text style={[styles.h2, { marginTop: 12 }]} minPresenceAhead={80}>
        {section.title}
      </Text>
      <Text style={[styles.p, styles.soft]}>{section.intro}</Text>
      {section.items.map((item) => (
        <View key={item.id} style={{ marginBottom: 7 }}>
          {/* Keeps an item's heading with the first lines of its text at a page break. */}
          <Text style={{ fontWeight: 'bold' }} minPresenceAhead={40}>
            {item.short} — {item.score === null ? 'not applicable' : `${item.score} / 100`}
          </Text>
          <Text style={styles.small}>{item.text}</Text>
          {item.answer ? <Text style={styles.small}>{item.answer}</Text> : null}
          {item.narrative ? <Text>{item.narrative}</Text> : null}
        </View>
      ))}
    </>
  );
}

export function Methodology({ paragraphs, instrument }: { paragraphs: string[]; instrument: string }) {
  return (
    <>
      {/* Follows on from the report's last part, so it keeps a few lines with its heading. */}
      <Text style={[styles.h1, { marginTop: 18 }]} minPresenceAhead={140}>
        Methodology
      </Text>
      {paragraphs.map((p, i) => (
        <Text key={i} style={styles.p}>
          {p}
        </Text>
      ))}
      <Text style={styles.small}>Instrument: {instrument}.</Text>
    </>
  );
}
