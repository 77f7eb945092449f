// One simulation run: builds the scenario's world, funds and registers its
// nodes, starts them, submits the jobs at their times, plays the churn
// and partitions, and runs the virtual clock until every job is verified
// (or the scenario's time limit). What happened is collected in a Study
// (study.ts), which the report turns into the result line.
import type { CreatorService } from '../../node/roles/creator/creator-service.ts'
import type { WorkerService } from '../../node/roles/worker/worker-service.ts'
import { sha256 } from '@noble/hashes/sha2.js'
import type { CommittedResult } from '../../node/roles/creator/committed-result.ts'
import { fromHex, selectCheckers, toHex } from '../../protocol/index.ts'
import { seededRandom } from '../seeded-random.ts'
import type { Scenario } from './scenario.ts'
import { simCreator, specOf } from './sim-creator.ts'
import { serveChecks } from './sim-checker.ts'
import { simGossip } from './sim-gossip.ts'
import { simWorker } from './sim-worker.ts'
import { Study } from './study.ts'
import { type SimNode, World } from './world.ts'

const FUNDS = 10n ** 15n
/** Each worker stakes this many minimum stakes: enough open tasks (16 per minimum stake) for one slot with prefetch. */
const WORKER_STAKES = 2
const CHECKER_STAKES = 2
/** Undercutting workers look at the going rate this often. */
const UNDERCUT_EVERY_MS = 60_000
const UNDERCUT_STEP = 0.95

interface LiveWorker {
  node: SimNode
  service: WorkerService
  online: boolean
}

/** Simulated time between two progress reports. */
const PROGRESS_EVERY_MS = 60_000

export interface RunOptions {
  /** Called every simulated minute (a long run's sign of life on stderr). */
  onProgress?(p: { simulatedS: number; framesVerified: number; wallS: number }): void
}

export async function runScenario(scenario: Scenario, options: RunOptions = {}): Promise<Study> {
  const world = new World(scenario)
  const { clock } = world
  const study = new Study(scenario, world)
  const checkers = new Map<string, string>()
  const checkerKeys = new Map<string, string>()
  const creators: CreatorService[] = []
  const workers: LiveWorker[] = []
  const churnRandom = seededRandom(scenario.seed ^ 0x5eed0004)
  const setup: Promise<unknown>[] = []

  for (let i = 0; i < scenario.nodes.checkers; i++) {
    const node = world.node('checker', i)
    checkers.set(node.address, node.id)
    checkerKeys.set(toHex(node.publicKey), node.address)
    study.otherNodes().push(node)
    serveChecks({ id: node.id, benchScore: scenario.benchScore.median, colluding: i < scenario.colludingCheckers, clock, rpc: world.rpc, ledger: node.ledger, ed: world.ed, onChecked: (c) => study.checked(c) })
    setup.push(world.fund(node, 'checker', CHECKER_STAKES, FUNDS))
  }
  for (let i = 0; i < scenario.nodes.creators; i++) {
    const node = world.node('creator', i)
    const creator = simCreator({
      ...node,
      clock,
      // Workers' offers only feed the creator's plan and no-bid hints (its API), which no simulated user reads.
      gossip: simGossip(world.gossip, node.id, world.rpc, (topic) => topic !== 'offers'),
      rpc: world.rpc,
      ledger: node.ledger,
      checkers: checkerKeys,
      checkerAt: (address) => checkers.get(address),
      drawOffChain: (result) => drawOffChain(result, checkerKeys),
      onSettled: (result, outcome, settlement) => {
        study.settled(result, outcome, settlement)
        if (settlement !== 'completed') return
        study.completed(result.jobId)
        if (study.allDone()) stopAll()
      }
    })
    creators.push(creator)
    study.otherNodes().push(node)
    setup.push(world.fund(node, 'creator', 0, FUNDS))
  }
  const cheaters = Math.round(scenario.cheaters.share * scenario.nodes.workers)
  const addWorker = (index: number): LiveWorker => {
    const node = world.node('worker', index)
    const model = {
      benchScore: Math.max(1, Math.round(scenario.benchScore.median * Math.exp(scenario.benchScore.spread * gaussian(node.random)))),
      random: node.random,
      cheat: index < cheaters ? { strategy: scenario.cheaters.strategy, fakeRate: scenario.cheaters.fakeRate } : undefined
    }
    const { min, max, policy } = scenario.price
    const price = Math.round(policy === 'random' ? min + (max - min) * node.random() : policy === 'undercut' ? max : min)
    const hearsOffers = policy === 'undercut'
    const gossip = simGossip(world.gossip, node.id, world.rpc, (topic) => topic !== 'offers' || hearsOffers)
    const service = simWorker({ ...node, price, model, clock, gossip, rpc: world.rpc, ledger: node.ledger, ed: world.ed, onProduced: (task, startedMs) => study.produced(node, task, startedMs) })
    const live = { node, service, online: false }
    study.worker(node, model.benchScore, price, model.cheat !== undefined)
    workers.push(live)
    return live
  }
  for (let i = 0; i < scenario.nodes.workers; i++) setup.push(world.fund(addWorker(i).node, 'worker', WORKER_STAKES, FUNDS))

  const startWorker = async (w: LiveWorker) => {
    await w.service.start()
    w.online = true
    study.online(w.node, true)
  }
  const stopWorker = async (w: LiveWorker, crash: boolean) => {
    w.online = false
    study.online(w.node, false)
    if (crash) world.net.setOffline(w.node.id)
    await w.service.stop()
  }
  let stopped = false
  const timers: { cancel(): void }[] = []
  function stopAll(): void {
    if (stopped) return
    stopped = true
    for (const t of timers) t.cancel()
    for (const c of creators) void c.stop()
    for (const w of workers) if (w.online) void stopWorker(w, false)
  }

  const main = (async () => {
    await Promise.all(setup)
    await Promise.all(creators.map((c) => c.start()))
    await Promise.all(workers.map(startWorker))
    study.begin()
    const onProgress = options.onProgress
    if (onProgress !== undefined) {
      const began = { sim: clock.now(), wall: performance.now() }
      timers.push(clock.setInterval(() => onProgress({ simulatedS: (clock.now() - began.sim) / 1000, framesVerified: study.framesVerified, wallS: (performance.now() - began.wall) / 1000 }), PROGRESS_EVERY_MS))
    }
    scenario.jobs.forEach((job, index) => {
      timers.push(clock.setTimeout(() => void creators[index % creators.length]!.submit(specOf(job, index)).then((record) => study.submitted(record, workers.filter((w) => w.online).map((w) => study.benchOf(w.node)))), job.submitAtS * 1000))
    })
    scheduleChurn()
    schedulePartitions()
    if (scenario.price.policy === 'undercut') timers.push(clock.setInterval(undercut, UNDERCUT_EVERY_MS))
  })()

  function scheduleChurn(): void {
    const base = scenario.nodes.workers
    const every = (perHour: number, act: () => void) => {
      if (perHour <= 0) return
      const meanMs = 3_600_000 / (perHour * base)
      const next = (): void => {
        const wait = -Math.log(1 - churnRandom()) * meanMs
        timers.push(
          clock.setTimeout(() => {
            act()
            next()
          }, wait)
        )
      }
      next()
    }
    every(scenario.churn.leavePerHour, () => {
      const online = workers.filter((w) => w.online)
      if (online.length <= 1) return
      void stopWorker(online[Math.floor(churnRandom() * online.length)]!, churnRandom() < scenario.churn.crashShare)
    })
    every(scenario.churn.joinPerHour, () => {
      const w = addWorker(workers.length)
      void world.fund(w.node, 'worker', WORKER_STAKES, FUNDS).then(() => (stopped ? undefined : startWorker(w)))
    })
  }

  function schedulePartitions(): void {
    for (const p of scenario.network.partitions) {
      timers.push(
        clock.setTimeout(() => {
          const cut = new Set(p.regions)
          const all = [...workers.map((w) => w.node), ...study.otherNodes()]
          world.net.partition([all.filter((n) => cut.has(n.region)).map((n) => n.id), all.filter((n) => !cut.has(n.region)).map((n) => n.id)])
          timers.push(clock.setTimeout(() => world.net.heal(), p.forS * 1000))
        }, p.atS * 1000)
      )
    }
  }

  async function undercut(): Promise<void> {
    for (const w of workers) {
      if (!w.online) continue
      const going = w.service.settings().networkAverageBid
      const own = w.service.settings().ownPrice
      if (going === null || going === undefined || own <= scenario.price.min) continue
      const target = Math.max(scenario.price.min, Math.floor(Math.min(own, going) * UNDERCUT_STEP))
      if (target < own) await w.service.changeSettings({ price: target })
    }
  }

  const limit = clock.now() + scenario.maxSimulatedS * 1000
  const report = await clock.run({ untilMs: limit, done: () => stopped })
  stopAll()
  await main
  study.finish(report)
  return study
}

/** protocol/'s checker selection over the registered checkers, with a beacon from the commitment itself (the creator's own draw off chain). */
function drawOffChain(result: CommittedResult, checkerKeys: Map<string, string>): { beacon: string; checker: string } | undefined {
  const beacon = sha256(new TextEncoder().encode(`off-chain/${result.jobId}/${result.taskIndex}/${result.merkleRoot}`))
  const [key] = selectCheckers({ beacon, jobId: fromHex(result.jobId), taskIndex: result.taskIndex, merkleRoot: fromHex(result.merkleRoot), checkers: [...checkerKeys.keys()], exclude: [result.worker], redundancy: 1 })
  return key === undefined ? undefined : { beacon: toHex(beacon), checker: checkerKeys.get(key)! }
}

/** A standard normal draw (Box-Muller) from a uniform stream. */
function gaussian(random: () => number): number {
  const u = 1 - random()
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random())
}
