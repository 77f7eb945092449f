import { once } from 'node:events'
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { probeSandbox, SANDBOX_SCRIPT, sandboxArgs, sandboxPolicy } from '../../../../../node/renderers/blender/sandbox.ts'

const sandbox = await probeSandbox()
if (sandbox === undefined) console.warn('Landlock tests skipped: no Landlock here (Linux >= 5.13 with Landlock enabled, and python3)')

describe('sandbox policy', () => {
  it('lets Blender write only its task folder and read the job, the scene and system folders', () => {
    const p = sandboxPolicy({ blenderDir: '/opt/blender', scenePath: '/var/cache/scenes/abc.1', jobDir: '/w/t/job', workDir: '/w/t', gpuDevices: ['/dev/nvidia0'], env: { PATH: '/usr/bin' } })
    expect(p.write).toEqual(['/w/t'])
    expect(p.exec).toContain('/opt/blender')
    expect(p.read).toEqual(expect.arrayContaining(['/w/t/job', '/var/cache/scenes/abc.1', '/proc/self']))
    for (const secret of ['/etc', '/etc/passwd', '/home', '/root', '/tmp', '/proc', '/var/cache/scenes']) {
      expect([...p.exec, ...p.read, ...p.write]).not.toContain(secret)
    }
    expect(p.devices).toContain('/dev/nvidia0')
  })
})

describe.skipIf(sandbox === undefined)('sandbox_exec.py under Landlock', () => {
  let root: string
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'pictor-landlock-'))
  })
  afterAll(async () => {
    await rm(root, { recursive: true, force: true })
  })

  it('confines writes to the task folder, hides /etc/passwd and denies TCP', async () => {
    const work = await mkdtemp(join(root, 'work-'))
    const outside = await mkdtemp(join(root, 'outside-'))
    const server = createServer((s) => s.destroy()).listen(0, '127.0.0.1')
    await once(server, 'listening')
    let connections = 0
    server.on('connection', () => connections++)
    const port = (server.address() as { port: number }).port
    const policyPath = join(work, 'policy.json')
    const policy = sandboxPolicy({ blenderDir: '/usr/bin', scenePath: '/nonexistent', jobDir: work, workDir: work, gpuDevices: [], env: { PATH: '/usr/bin:/bin' } })
    await writeFile(policyPath, JSON.stringify(policy))
    const script = [`echo ok > ${work}/inside`, `echo bad > ${outside}/escaped`, 'cat /etc/passwd > /dev/null && echo read-passwd', `(exec 3<>/dev/tcp/127.0.0.1/${port}) 2>/dev/null && echo connected`, 'true'].join('; ')
    const [cmd, ...args] = sandboxArgs(sandbox!, policyPath, '/bin/bash', ['-c', script])
    const r = await execa(cmd, args, { reject: false })
    server.close()
    expect(r.exitCode).toBe(0)
    expect(await readdir(work)).toContain('inside')
    expect(await readdir(outside)).toEqual([])
    expect(r.stdout).not.toContain('read-passwd')
    if (sandbox!.abi >= 4) {
      expect(r.stdout).not.toContain('connected')
      expect(connections).toBe(0)
    }
  })

  it('fails closed: a bad policy file means the program never runs', async () => {
    const r = await execa(sandbox!.python, ['-I', '-S', SANDBOX_SCRIPT, join(root, 'missing.json'), '--', '/bin/echo', 'ran'], { reject: false })
    expect(r.exitCode).not.toBe(0)
    expect(r.stdout).not.toContain('ran')
  })
})
