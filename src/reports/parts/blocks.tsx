import { Text, View } from '@react-pdf/renderer';
import type { ActionKind } from '../../domain/actions.ts';
import { practiceLine, type DetailItem } from '../../domain/report-model.ts';
import { colors, KCS, styles } from '../theme.ts';

/** A page's heading: a small eyebrow (the part of the report) over the title. */
export function Heading({ eyebrow, title, accent, marginTop = 0 }: { eyebrow: string; title: string; accent?: string; marginTop?: number }) {
  return (
    // Eyebrow and title never part, and they keep some of what follows with them.
    <View wrap={false} minPresenceAhead={120} style={{ marginTop }}>
      <Text style={[styles.eyebrow, accent ? { color: accent } : {}]}>{eyebrow.toUpperCase()}</Text>
      <Text style={styles.h1}>{title}</Text>
    </View>
  );
}

export function Tag({ kind }: { kind: ActionKind }) {
  return <Text style={[styles.tag, { color: KCS[kind].color, backgroundColor: KCS[kind].bg }]}>{KCS[kind].label}</Text>;
}

type ActionRow = { kind: ActionKind; title: string; text: string; score: number };

/**
 * The first five actions. The tag leads the behaviour sentence, never the practice's name: "STOP Referral
 * requests" read as "stop asking for referrals". Compact: one line each, for the one-page summary.
 */
export function ActionList({ items, compact = false }: { items: ActionRow[]; compact?: boolean }) {
  // The page's own children (see DetailTable): a wrapping View could be moved whole at a page break.
  return (
    <>
      {items.map((a, i) => (
        <View
          key={a.title}
          style={[styles.row, { alignItems: 'flex-start', paddingVertical: compact ? 3 : 8, borderBottomWidth: 0.5, borderColor: colors.line }]}
          wrap={false}
        >
          <Text style={{ width: 16, fontWeight: 'bold', color: colors.soft }}>{i + 1}</Text>
          <View style={{ width: 46, paddingTop: 1.5 }}>
            <Tag kind={a.kind} />
          </View>
          <View style={{ flex: 1, paddingLeft: 8 }}>
            <Text style={{ fontWeight: 'bold', fontSize: compact ? 8.5 : 10, lineHeight: compact ? 1.3 : 1.45 }}>{a.text}</Text>
            <Text style={[styles.small, compact ? { fontSize: 7 } : {}]}>
              {a.title} · score {a.score} / 100
            </Text>
          </View>
        </View>
      ))}
    </>
  );
}

/** A score as a number with a short bar under it, so a column of scores reads at a glance. */
function ScoreCell({ score, width }: { score: number | null; width: number }) {
  if (score === null) return <Text style={[styles.small, { width }]}>n/a</Text>;
  const w = width - 10;
  return (
    <View style={{ width }}>
      <Text style={{ fontWeight: 'bold' }}>{score}</Text>
      <View style={{ width: w, height: 3, backgroundColor: colors.track, borderRadius: 1.5 }}>
        <View style={{ width: (w * score) / 100, height: 3, backgroundColor: colors.brand, borderRadius: 1.5 }} />
      </View>
    </View>
  );
}

const COL = { practice: 118, answer: 92, score: 36, mark: 46 };

/**
 * One section of the detailed analysis as a compact table: the practice, the
 * answer, the score, keep / change / stop and the one-line next step. The
 * longer narrative is printed only under a STOP, where the reason matters
 * most; items without advice (the personal ones) show it in the last column.
 */
export function DetailTable({ section, accent }: { section: { title: string; intro: string; items: DetailItem[]; score?: number | null }; accent?: string }) {
  const row = (item: DetailItem) => (
    <View key={item.id} style={{ paddingVertical: 4, borderBottomWidth: 0.5, borderColor: colors.line }} wrap={false}>
      <View style={styles.row}>
        <Text style={{ width: COL.practice, fontWeight: 'bold', fontSize: 8.5, paddingRight: 6 }}>{item.short}</Text>
        <Text style={{ width: COL.answer, fontSize: 8.5, paddingRight: 6, color: colors.soft }}>{item.answerShort ?? '—'}</Text>
        <ScoreCell score={item.score} width={COL.score} />
        <View style={{ width: COL.mark, paddingTop: 1 }}>{item.kind ? <Tag kind={item.kind} /> : null}</View>
        <Text style={{ flex: 1, fontSize: 8.5, paddingLeft: 6 }}>{practiceLine(item)}</Text>
      </View>
      {item.kind === 'stop' && item.next && item.narrative ? <Text style={[styles.small, { marginLeft: COL.practice, marginTop: 2 }]}>{item.narrative}</Text> : null}
    </View>
  );
  const [first, ...rest] = section.items;
  // The rows are the page's own children, not inside a section View: react-pdf moves a View that does not fit
  // the rest of a page whole to the next one, which left half pages empty, and overprinted a long one.
  return (
    <>
      {/* The heading, the column heads and the first row move together: a heading never ends a page alone. */}
      <View wrap={false} style={{ marginTop: 14 }}>
        <View style={[styles.row, { justifyContent: 'space-between', alignItems: 'flex-end', borderBottomWidth: 1.5, borderColor: accent ?? colors.ink, paddingBottom: 3, marginBottom: 3 }]}>
          <Text style={[styles.h2, { marginBottom: 0 }]}>{section.title}</Text>
          {section.score != null ? <Text style={{ fontSize: 11, fontWeight: 'bold' }}>{section.score} / 100</Text> : null}
        </View>
        <Text style={[styles.small, { marginBottom: 4 }]}>{section.intro}</Text>
        <View style={[styles.row, { paddingVertical: 3, borderBottomWidth: 0.5, borderColor: colors.line }]}>
          <Text style={[styles.th, { width: COL.practice }]}>PRACTICE</Text>
          <Text style={[styles.th, { width: COL.answer }]}>ANSWER</Text>
          <Text style={[styles.th, { width: COL.score }]}>SCORE</Text>
          <Text style={[styles.th, { width: COL.mark }]}> </Text>
          <Text style={[styles.th, { flex: 1 }]}>{section.items.some((i) => i.next) ? 'NEXT STEP' : 'WHAT IT MEANS'}</Text>
        </View>
        {first ? row(first) : null}
      </View>
      {rest.map(row)}
    </>
  );
}

/** The methodology as the page's own children (see DetailTable), so it flows on from whatever comes before it. */
export function Methodology({ paragraphs, instrument }: { paragraphs: string[]; instrument: string }) {
  return (
    <>
      <Heading eyebrow="How to read this report" title="Methodology" marginTop={16} />
      {paragraphs.map((p, i) => (
        <Text key={i} style={styles.p}>
          {p}
        </Text>
      ))}
      <Text style={styles.small}>Instrument: {instrument}.</Text>
    </>
  );
}
