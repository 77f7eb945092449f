// Entry of the benchmark's child process (benchmark.ts): renders the bench
// scene on `argv[2]` threads, prints {"seconds": best} and exits, so the
// threads' memory leaves with the process.
import { silentLogger } from '../../log.ts'
import { timeBenchScene } from './benchmark.ts'
import { RenderPool } from './pool.ts'

const threads = Number(process.argv[2])
if (!Number.isInteger(threads) || threads < 1) {
  process.stderr.write(`bench-child: threads must be a positive integer, got ${process.argv[2]}\n`)
  process.exit(2)
}
const pool = new RenderPool({ threads, logger: silentLogger })
try {
  process.stdout.write(`${JSON.stringify({ seconds: await timeBenchScene(pool) })}\n`)
} catch (err) {
  process.stderr.write(`bench-child: ${(err as Error).message}\n`)
  process.exitCode = 1
} finally {
  await pool.close()
}
