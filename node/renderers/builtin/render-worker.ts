// Entry point of a render worker thread: renders bands of frames on request.
// Rendering is synchronous here, off the node's event loop; the pool stops a
// band early by terminating the whole thread.

import { type MessagePort, parentPort } from 'node:worker_threads'
import type { Scene } from './scene.ts'
import { renderRegion } from './tracer.ts'
import { buildWorld, type World } from './world.ts'
import type { FromWorker, ToWorker } from './worker-protocol.ts'

function serve(port: MessagePort): void {
  // Only the latest scene and world are kept: bands of one frame arrive together.
  let scene: { id: number; scene: Scene } | undefined
  let world: { sceneId: number; frame: number; world: World } | undefined

  port.on('message', (msg: ToWorker) => {
    if (msg.type === 'scene') {
      scene = { id: msg.sceneId, scene: msg.scene }
      world = undefined
      return
    }
    let reply: FromWorker
    const transfer: ArrayBuffer[] = []
    try {
      if (scene?.id !== msg.sceneId) throw new Error(`band ${msg.bandId} refers to scene ${msg.sceneId}, which this worker does not have`)
      if (world?.sceneId !== msg.sceneId || world.frame !== msg.frame) {
        world = { sceneId: msg.sceneId, frame: msg.frame, world: buildWorld(scene.scene, msg.frame) }
      }
      const pixels = renderRegion(world.world, msg.frame, msg.settings, msg.region)
      reply = { type: 'band', bandId: msg.bandId, pixels }
      transfer.push(pixels.buffer as ArrayBuffer)
    } catch (err) {
      reply = { type: 'error', bandId: msg.bandId, message: (err as Error).message }
    }
    port.postMessage(reply, transfer)
  })
}

if (parentPort) serve(parentPort)
