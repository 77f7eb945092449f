// What `npm run sim` prints and writes: the result line as one JSON line,
// a short table for people, and an SVG of utilisation and of verified
// frames over time.
import type { Curves, ResultLine } from './study.ts'

export function table(line: ResultLine): string {
  const pct = (x: number | null) => (x === null ? '-' : `${(100 * x).toFixed(1)}%`)
  const rows: [string, string][] = [
    ['scenario', `${line.scenario} (seed ${line.seed})`],
    ['nodes', `${line.nodes.creators} creators, ${line.nodes.workers} workers (+${line.nodes.workersJoined} joined), ${line.nodes.checkers} checkers`],
    ['jobs completed', `${line.jobs.completed} of ${line.jobs.submitted}; frames verified ${line.frames.verified} of ${line.frames.total}`],
    ['makespan', line.makespanS === null ? '-' : `${line.makespanS} s, ideal ${line.idealMakespanS} s (x${line.makespanOverIdeal})`],
    ['utilisation', `mean ${pct(line.utilisation.mean)}, p10 ${pct(line.utilisation.p10)}, p50 ${pct(line.utilisation.p50)}, p90 ${pct(line.utilisation.p90)}`],
    ['earnings (µPIC)', `${line.earnings.workersPaid} workers paid; min ${line.earnings.min}, p50 ${line.earnings.p50}, max ${line.earnings.max}; Gini ${line.earnings.gini}`],
    ['price paid / cap', pct(line.pricePaidOverCap)],
    ['cheats', `${line.cheats.caught} caught, ${line.cheats.missed} missed of ${line.cheats.tasks} faked tasks (${pct(line.cheats.detectionRate)}); ${line.cheats.kept} kept at the end`],
    ['honest rejected', String(line.honestRejected)],
    ['per task', `${line.perTask.messages} messages (gossip ${Object.entries(line.perTask.gossipByTopic).map(([t, n]) => `${t} ${n}`).join(', ')}), ${line.perTask.bytes} bytes, ${line.perTask.chainTx} chain transactions`],
    ['speed', `${line.simulatedS} simulated s in ${line.wallS} wall s (${line.simulatedSPerWallS}x), ${line.events} events`]
  ]
  const width = Math.max(...rows.map(([k]) => k.length))
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n')
}

/** Two panels on one time axis: the share of online workers rendering, and frames verified. */
export function plot(line: ResultLine, curves: Curves): string {
  const W = 640
  const H = 180
  const pad = 40
  const maxT = Math.max(1e-9, ...curves.tS)
  const maxF = Math.max(1, line.frames.total)
  const x = (t: number) => pad + ((W - 2 * pad) * t) / maxT
  const path = (ys: number[], top: number, max: number) =>
    ys.map((y, i) => `${i === 0 ? 'M' : 'L'}${x(curves.tS[i]!).toFixed(1)},${(top + H - (H * y) / max).toFixed(1)}`).join(' ')
  const panel = (title: string, ys: number[], top: number, max: number, colour: string) =>
    [
      `<text x="${pad}" y="${top - 8}" font-size="13">${title}</text>`,
      `<rect x="${pad}" y="${top}" width="${W - 2 * pad}" height="${H}" fill="none" stroke="#999"/>`,
      `<path d="${path(ys, top, max)}" fill="none" stroke="${colour}" stroke-width="2"/>`,
      `<text x="${pad - 4}" y="${top + 10}" font-size="10" text-anchor="end">${max === 1 ? '100%' : max}</text>`,
      `<text x="${pad - 4}" y="${top + H}" font-size="10" text-anchor="end">0</text>`
    ].join('\n')
  const top2 = 2 * H - 20
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${top2 + H + 40}" font-family="sans-serif">`,
    panel(`${xmlText(line.scenario)}: share of online workers rendering`, curves.utilisation, 30, 1, '#1f77b4'),
    panel(`frames verified (of ${line.frames.total})`, curves.framesVerified, top2, maxF, '#2ca02c'),
    `<text x="${W - pad}" y="${top2 + H + 20}" font-size="10" text-anchor="end">${maxT.toFixed(0)} s simulated</text>`,
    '</svg>'
  ].join('\n')
}

function xmlText(text: string): string {
  return text.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`)
}
