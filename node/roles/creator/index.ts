// The creator role's public surface. createCreatorServices builds the
// creator from narrow components (a NodeContext satisfies them), serves
// /pictor/task/1.0.0 and registers the job API; the verifier and timings
// can be set through init (tests pass fakes).
import type { NodeService } from '../../node.ts'
import type { CreatorComponents } from './components.ts'
import { type CreatorInit, CreatorService } from './creator-service.ts'
import { registerJobApi } from './job-api.ts'
import { registerJobDownloadsApi } from './job-downloads-api.ts'

export { type AdmissionDecision, shouldAdmit, withAdmitted } from './admission.ts'
export { CheckedVerifier, type CheckedVerifierComponents, type CheckedVerifierInit } from './checked-verifier.ts'
export { type CommittedResult, committedOf, type PendingResult, pendingOf } from './committed-result.ts'
export type { CreatorComponents } from './components.ts'
export { type CreatorInit, CreatorService } from './creator-service.ts'
export { disputeClosed, earlierCheckers, finishRerender, openDisputes, settleDispute } from './disputes.ts'
export { CreatorError, type CreatorErrorCode } from './errors.ts'
export { acceptJob } from './job-acceptance.ts'
export { checkerFeeOf, termsOf } from './job-ledger.ts'
export type { AdmittedWorker, Dispute, FrameRecord, JobRecord, JobStatus, LedgerSettlement } from './job-record.ts'
export { type JobPlan, planJob } from './job-plan.ts'
export { JobStore } from './job-store.ts'
export { type JobView, viewOf } from './job-view.ts'
export { LeaseExpiry } from './lease-expiry.ts'
export { MAX_SCENE_UPLOAD_BYTES } from './job-api.ts'
export { acceptResult, banWorker, cancelJob, claimTask, commitResult, expireLeases, rejectResult, renewLease, revokeTask, type Settlement, settleResult } from './scheduler.ts'
export { type CheckContext, IntegrityVerifier, type ResultOutcome, type Verifier } from './verifier.ts'

export function createCreatorServices(components: CreatorComponents, init: CreatorInit = {}): NodeService[] {
  const creator = new CreatorService({ ...components, logger: components.logger.child('creator') }, init)
  registerJobApi(components, creator)
  registerJobDownloadsApi(components, creator)
  return [creator]
}
