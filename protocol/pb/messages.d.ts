import type { Codec, DecodeOptions } from 'protons-runtime';
import type { Uint8ArrayList } from 'uint8arraylist';
export interface Envelope {
    type: number;
    payload: Uint8Array<ArrayBuffer>;
    publicKey: Uint8Array<ArrayBuffer>;
    signature: Uint8Array<ArrayBuffer>;
}
export declare namespace Envelope {
    const codec: () => Codec<Envelope>;
    interface EnvelopeTypeFieldEvent {
        field: '$.type';
        value: number;
    }
    interface EnvelopePayloadFieldEvent {
        field: '$.payload';
        value: Uint8Array<ArrayBuffer>;
    }
    interface EnvelopePublicKeyFieldEvent {
        field: '$.publicKey';
        value: Uint8Array<ArrayBuffer>;
    }
    interface EnvelopeSignatureFieldEvent {
        field: '$.signature';
        value: Uint8Array<ArrayBuffer>;
    }
    function encode(obj: Partial<Envelope>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Envelope>): Envelope;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Envelope>): Generator<EnvelopeTypeFieldEvent | EnvelopePayloadFieldEvent | EnvelopePublicKeyFieldEvent | EnvelopeSignatureFieldEvent>;
}
export interface RendererInfo {
    name: string;
    version: string;
    engines: string[];
    devices: string[];
}
export declare namespace RendererInfo {
    const codec: () => Codec<RendererInfo>;
    interface RendererInfoNameFieldEvent {
        field: '$.name';
        value: string;
    }
    interface RendererInfoVersionFieldEvent {
        field: '$.version';
        value: string;
    }
    interface RendererInfoEnginesFieldEvent {
        field: '$.engines[]';
        index: number;
        value: string;
    }
    interface RendererInfoDevicesFieldEvent {
        field: '$.devices[]';
        index: number;
        value: string;
    }
    function encode(obj: Partial<RendererInfo>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RendererInfo>): RendererInfo;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RendererInfo>): Generator<RendererInfoNameFieldEvent | RendererInfoVersionFieldEvent | RendererInfoEnginesFieldEvent | RendererInfoDevicesFieldEvent>;
}
export interface Hardware {
    cpuModel: string;
    cpuCount: number;
    gpuModel: string;
    gpuCount: number;
    ramMib: number;
    gpuVendor: string;
    gpuVramMib: number;
}
export declare namespace Hardware {
    const codec: () => Codec<Hardware>;
    interface HardwareCpuModelFieldEvent {
        field: '$.cpuModel';
        value: string;
    }
    interface HardwareCpuCountFieldEvent {
        field: '$.cpuCount';
        value: number;
    }
    interface HardwareGpuModelFieldEvent {
        field: '$.gpuModel';
        value: string;
    }
    interface HardwareGpuCountFieldEvent {
        field: '$.gpuCount';
        value: number;
    }
    interface HardwareRamMibFieldEvent {
        field: '$.ramMib';
        value: number;
    }
    interface HardwareGpuVendorFieldEvent {
        field: '$.gpuVendor';
        value: string;
    }
    interface HardwareGpuVramMibFieldEvent {
        field: '$.gpuVramMib';
        value: number;
    }
    function encode(obj: Partial<Hardware>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Hardware>): Hardware;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Hardware>): Generator<HardwareCpuModelFieldEvent | HardwareCpuCountFieldEvent | HardwareGpuModelFieldEvent | HardwareGpuCountFieldEvent | HardwareRamMibFieldEvent | HardwareGpuVendorFieldEvent | HardwareGpuVramMibFieldEvent>;
}
export interface WorkerOffer {
    renderers: RendererInfo[];
    hardware?: Hardware;
    benchScore: number;
    price: number;
    slots: number;
    freeSlots: number;
    region: string;
    timestampMs: number;
    seq: number;
}
export declare namespace WorkerOffer {
    const codec: () => Codec<WorkerOffer>;
    interface WorkerOfferRenderersNameFieldEvent {
        field: '$.renderers[].name';
        value: string;
        index: number;
    }
    interface WorkerOfferRenderersVersionFieldEvent {
        field: '$.renderers[].version';
        value: string;
        index: number;
    }
    interface WorkerOfferRenderersEnginesFieldEvent {
        field: '$.renderers[].engines[]';
        index: number;
        value: string;
    }
    interface WorkerOfferRenderersDevicesFieldEvent {
        field: '$.renderers[].devices[]';
        index: number;
        value: string;
    }
    interface WorkerOfferHardwareCpuModelFieldEvent {
        field: '$.hardware.cpuModel';
        value: string;
    }
    interface WorkerOfferHardwareCpuCountFieldEvent {
        field: '$.hardware.cpuCount';
        value: number;
    }
    interface WorkerOfferHardwareGpuModelFieldEvent {
        field: '$.hardware.gpuModel';
        value: string;
    }
    interface WorkerOfferHardwareGpuCountFieldEvent {
        field: '$.hardware.gpuCount';
        value: number;
    }
    interface WorkerOfferHardwareRamMibFieldEvent {
        field: '$.hardware.ramMib';
        value: number;
    }
    interface WorkerOfferHardwareGpuVendorFieldEvent {
        field: '$.hardware.gpuVendor';
        value: string;
    }
    interface WorkerOfferHardwareGpuVramMibFieldEvent {
        field: '$.hardware.gpuVramMib';
        value: number;
    }
    interface WorkerOfferBenchScoreFieldEvent {
        field: '$.benchScore';
        value: number;
    }
    interface WorkerOfferPriceFieldEvent {
        field: '$.price';
        value: number;
    }
    interface WorkerOfferSlotsFieldEvent {
        field: '$.slots';
        value: number;
    }
    interface WorkerOfferFreeSlotsFieldEvent {
        field: '$.freeSlots';
        value: number;
    }
    interface WorkerOfferRegionFieldEvent {
        field: '$.region';
        value: string;
    }
    interface WorkerOfferTimestampMsFieldEvent {
        field: '$.timestampMs';
        value: number;
    }
    interface WorkerOfferSeqFieldEvent {
        field: '$.seq';
        value: number;
    }
    function encode(obj: Partial<WorkerOffer>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<WorkerOffer>): WorkerOffer;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<WorkerOffer>): Generator<WorkerOfferRenderersNameFieldEvent | WorkerOfferRenderersVersionFieldEvent | WorkerOfferRenderersEnginesFieldEvent | WorkerOfferRenderersDevicesFieldEvent | WorkerOfferHardwareCpuModelFieldEvent | WorkerOfferHardwareCpuCountFieldEvent | WorkerOfferHardwareGpuModelFieldEvent | WorkerOfferHardwareGpuCountFieldEvent | WorkerOfferHardwareRamMibFieldEvent | WorkerOfferHardwareGpuVendorFieldEvent | WorkerOfferHardwareGpuVramMibFieldEvent | WorkerOfferBenchScoreFieldEvent | WorkerOfferPriceFieldEvent | WorkerOfferSlotsFieldEvent | WorkerOfferFreeSlotsFieldEvent | WorkerOfferRegionFieldEvent | WorkerOfferTimestampMsFieldEvent | WorkerOfferSeqFieldEvent>;
}
export interface JobAnnouncement {
    jobId: Uint8Array<ArrayBuffer>;
    renderer: string;
    sceneBlob: Uint8Array<ArrayBuffer>;
    sceneSize: number;
    frameStart: number;
    frameEnd: number;
    framesPerTask: number;
    width: number;
    height: number;
    samples: number;
    seed: number;
    maxPrice: number;
    timeoutStopS: number;
    minBenchScore: number;
    engine: string;
    device: string;
    rendererVersion: string;
    addrs: string[];
    timestampMs: number;
    nonce: Uint8Array<ArrayBuffer>;
    outputFormat: string;
    regions: string[];
    gpuVendor: string;
    gpuModel: string;
    minGpuCount: number;
    minRamMib: number;
    tier: number;
    sceneProject: boolean;
    sceneWalrus?: WalrusRef;
}
export declare namespace JobAnnouncement {
    const codec: () => Codec<JobAnnouncement>;
    interface JobAnnouncementJobIdFieldEvent {
        field: '$.jobId';
        value: Uint8Array<ArrayBuffer>;
    }
    interface JobAnnouncementRendererFieldEvent {
        field: '$.renderer';
        value: string;
    }
    interface JobAnnouncementSceneBlobFieldEvent {
        field: '$.sceneBlob';
        value: Uint8Array<ArrayBuffer>;
    }
    interface JobAnnouncementSceneSizeFieldEvent {
        field: '$.sceneSize';
        value: number;
    }
    interface JobAnnouncementFrameStartFieldEvent {
        field: '$.frameStart';
        value: number;
    }
    interface JobAnnouncementFrameEndFieldEvent {
        field: '$.frameEnd';
        value: number;
    }
    interface JobAnnouncementFramesPerTaskFieldEvent {
        field: '$.framesPerTask';
        value: number;
    }
    interface JobAnnouncementWidthFieldEvent {
        field: '$.width';
        value: number;
    }
    interface JobAnnouncementHeightFieldEvent {
        field: '$.height';
        value: number;
    }
    interface JobAnnouncementSamplesFieldEvent {
        field: '$.samples';
        value: number;
    }
    interface JobAnnouncementSeedFieldEvent {
        field: '$.seed';
        value: number;
    }
    interface JobAnnouncementMaxPriceFieldEvent {
        field: '$.maxPrice';
        value: number;
    }
    interface JobAnnouncementTimeoutStopSFieldEvent {
        field: '$.timeoutStopS';
        value: number;
    }
    interface JobAnnouncementMinBenchScoreFieldEvent {
        field: '$.minBenchScore';
        value: number;
    }
    interface JobAnnouncementEngineFieldEvent {
        field: '$.engine';
        value: string;
    }
    interface JobAnnouncementDeviceFieldEvent {
        field: '$.device';
        value: string;
    }
    interface JobAnnouncementRendererVersionFieldEvent {
        field: '$.rendererVersion';
        value: string;
    }
    interface JobAnnouncementAddrsFieldEvent {
        field: '$.addrs[]';
        index: number;
        value: string;
    }
    interface JobAnnouncementTimestampMsFieldEvent {
        field: '$.timestampMs';
        value: number;
    }
    interface JobAnnouncementNonceFieldEvent {
        field: '$.nonce';
        value: Uint8Array<ArrayBuffer>;
    }
    interface JobAnnouncementOutputFormatFieldEvent {
        field: '$.outputFormat';
        value: string;
    }
    interface JobAnnouncementRegionsFieldEvent {
        field: '$.regions[]';
        index: number;
        value: string;
    }
    interface JobAnnouncementGpuVendorFieldEvent {
        field: '$.gpuVendor';
        value: string;
    }
    interface JobAnnouncementGpuModelFieldEvent {
        field: '$.gpuModel';
        value: string;
    }
    interface JobAnnouncementMinGpuCountFieldEvent {
        field: '$.minGpuCount';
        value: number;
    }
    interface JobAnnouncementMinRamMibFieldEvent {
        field: '$.minRamMib';
        value: number;
    }
    interface JobAnnouncementTierFieldEvent {
        field: '$.tier';
        value: number;
    }
    interface JobAnnouncementSceneProjectFieldEvent {
        field: '$.sceneProject';
        value: boolean;
    }
    interface JobAnnouncementSceneWalrusBlobIdFieldEvent {
        field: '$.sceneWalrus.blobId';
        value: string;
    }
    interface JobAnnouncementSceneWalrusPartsFieldEvent {
        field: '$.sceneWalrus.parts';
        value: boolean;
    }
    interface JobAnnouncementSceneWalrusOffsetFieldEvent {
        field: '$.sceneWalrus.offset';
        value: number;
    }
    function encode(obj: Partial<JobAnnouncement>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<JobAnnouncement>): JobAnnouncement;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<JobAnnouncement>): Generator<JobAnnouncementJobIdFieldEvent | JobAnnouncementRendererFieldEvent | JobAnnouncementSceneBlobFieldEvent | JobAnnouncementSceneSizeFieldEvent | JobAnnouncementFrameStartFieldEvent | JobAnnouncementFrameEndFieldEvent | JobAnnouncementFramesPerTaskFieldEvent | JobAnnouncementWidthFieldEvent | JobAnnouncementHeightFieldEvent | JobAnnouncementSamplesFieldEvent | JobAnnouncementSeedFieldEvent | JobAnnouncementMaxPriceFieldEvent | JobAnnouncementTimeoutStopSFieldEvent | JobAnnouncementMinBenchScoreFieldEvent | JobAnnouncementEngineFieldEvent | JobAnnouncementDeviceFieldEvent | JobAnnouncementRendererVersionFieldEvent | JobAnnouncementAddrsFieldEvent | JobAnnouncementTimestampMsFieldEvent | JobAnnouncementNonceFieldEvent | JobAnnouncementOutputFormatFieldEvent | JobAnnouncementRegionsFieldEvent | JobAnnouncementGpuVendorFieldEvent | JobAnnouncementGpuModelFieldEvent | JobAnnouncementMinGpuCountFieldEvent | JobAnnouncementMinRamMibFieldEvent | JobAnnouncementTierFieldEvent | JobAnnouncementSceneProjectFieldEvent | JobAnnouncementSceneWalrusBlobIdFieldEvent | JobAnnouncementSceneWalrusPartsFieldEvent | JobAnnouncementSceneWalrusOffsetFieldEvent>;
}
export interface WalrusRef {
    blobId: string;
    parts: boolean;
    offset: number;
}
export declare namespace WalrusRef {
    const codec: () => Codec<WalrusRef>;
    interface WalrusRefBlobIdFieldEvent {
        field: '$.blobId';
        value: string;
    }
    interface WalrusRefPartsFieldEvent {
        field: '$.parts';
        value: boolean;
    }
    interface WalrusRefOffsetFieldEvent {
        field: '$.offset';
        value: number;
    }
    function encode(obj: Partial<WalrusRef>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<WalrusRef>): WalrusRef;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<WalrusRef>): Generator<WalrusRefBlobIdFieldEvent | WalrusRefPartsFieldEvent | WalrusRefOffsetFieldEvent>;
}
export interface Bid {
    jobId: Uint8Array<ArrayBuffer>;
    price: number;
    benchScore: number;
    slots: number;
    hardware?: Hardware;
    timestampMs: number;
    region: string;
}
export declare namespace Bid {
    const codec: () => Codec<Bid>;
    interface BidJobIdFieldEvent {
        field: '$.jobId';
        value: Uint8Array<ArrayBuffer>;
    }
    interface BidPriceFieldEvent {
        field: '$.price';
        value: number;
    }
    interface BidBenchScoreFieldEvent {
        field: '$.benchScore';
        value: number;
    }
    interface BidSlotsFieldEvent {
        field: '$.slots';
        value: number;
    }
    interface BidHardwareCpuModelFieldEvent {
        field: '$.hardware.cpuModel';
        value: string;
    }
    interface BidHardwareCpuCountFieldEvent {
        field: '$.hardware.cpuCount';
        value: number;
    }
    interface BidHardwareGpuModelFieldEvent {
        field: '$.hardware.gpuModel';
        value: string;
    }
    interface BidHardwareGpuCountFieldEvent {
        field: '$.hardware.gpuCount';
        value: number;
    }
    interface BidHardwareRamMibFieldEvent {
        field: '$.hardware.ramMib';
        value: number;
    }
    interface BidHardwareGpuVendorFieldEvent {
        field: '$.hardware.gpuVendor';
        value: string;
    }
    interface BidHardwareGpuVramMibFieldEvent {
        field: '$.hardware.gpuVramMib';
        value: number;
    }
    interface BidTimestampMsFieldEvent {
        field: '$.timestampMs';
        value: number;
    }
    interface BidRegionFieldEvent {
        field: '$.region';
        value: string;
    }
    function encode(obj: Partial<Bid>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Bid>): Bid;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Bid>): Generator<BidJobIdFieldEvent | BidPriceFieldEvent | BidBenchScoreFieldEvent | BidSlotsFieldEvent | BidHardwareCpuModelFieldEvent | BidHardwareCpuCountFieldEvent | BidHardwareGpuModelFieldEvent | BidHardwareGpuCountFieldEvent | BidHardwareRamMibFieldEvent | BidHardwareGpuVendorFieldEvent | BidHardwareGpuVramMibFieldEvent | BidTimestampMsFieldEvent | BidRegionFieldEvent>;
}
export interface TaskClaim {
    jobId: Uint8Array<ArrayBuffer>;
    timestampMs: number;
    bid?: Envelope;
}
export declare namespace TaskClaim {
    const codec: () => Codec<TaskClaim>;
    interface TaskClaimJobIdFieldEvent {
        field: '$.jobId';
        value: Uint8Array<ArrayBuffer>;
    }
    interface TaskClaimTimestampMsFieldEvent {
        field: '$.timestampMs';
        value: number;
    }
    interface TaskClaimBidTypeFieldEvent {
        field: '$.bid.type';
        value: number;
    }
    interface TaskClaimBidPayloadFieldEvent {
        field: '$.bid.payload';
        value: Uint8Array<ArrayBuffer>;
    }
    interface TaskClaimBidPublicKeyFieldEvent {
        field: '$.bid.publicKey';
        value: Uint8Array<ArrayBuffer>;
    }
    interface TaskClaimBidSignatureFieldEvent {
        field: '$.bid.signature';
        value: Uint8Array<ArrayBuffer>;
    }
    function encode(obj: Partial<TaskClaim>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<TaskClaim>): TaskClaim;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<TaskClaim>): Generator<TaskClaimJobIdFieldEvent | TaskClaimTimestampMsFieldEvent | TaskClaimBidTypeFieldEvent | TaskClaimBidPayloadFieldEvent | TaskClaimBidPublicKeyFieldEvent | TaskClaimBidSignatureFieldEvent>;
}
export interface Lease {
    jobId: Uint8Array<ArrayBuffer>;
    taskIndex: number;
    leaseId: Uint8Array<ArrayBuffer>;
    worker: Uint8Array<ArrayBuffer>;
    frameStart: number;
    frameEnd: number;
    issuedMs: number;
    expiresMs: number;
    price: number;
}
export declare namespace Lease {
    const codec: () => Codec<Lease>;
    interface LeaseJobIdFieldEvent {
        field: '$.jobId';
        value: Uint8Array<ArrayBuffer>;
    }
    interface LeaseTaskIndexFieldEvent {
        field: '$.taskIndex';
        value: number;
    }
    interface LeaseLeaseIdFieldEvent {
        field: '$.leaseId';
        value: Uint8Array<ArrayBuffer>;
    }
    interface LeaseWorkerFieldEvent {
        field: '$.worker';
        value: Uint8Array<ArrayBuffer>;
    }
    interface LeaseFrameStartFieldEvent {
        field: '$.frameStart';
        value: number;
    }
    interface LeaseFrameEndFieldEvent {
        field: '$.frameEnd';
        value: number;
    }
    interface LeaseIssuedMsFieldEvent {
        field: '$.issuedMs';
        value: number;
    }
    interface LeaseExpiresMsFieldEvent {
        field: '$.expiresMs';
        value: number;
    }
    interface LeasePriceFieldEvent {
        field: '$.price';
        value: number;
    }
    function encode(obj: Partial<Lease>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Lease>): Lease;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Lease>): Generator<LeaseJobIdFieldEvent | LeaseTaskIndexFieldEvent | LeaseLeaseIdFieldEvent | LeaseWorkerFieldEvent | LeaseFrameStartFieldEvent | LeaseFrameEndFieldEvent | LeaseIssuedMsFieldEvent | LeaseExpiresMsFieldEvent | LeasePriceFieldEvent>;
}
export interface LeaseRenewal {
    jobId: Uint8Array<ArrayBuffer>;
    taskIndex: number;
    leaseId: Uint8Array<ArrayBuffer>;
    framesDone: number;
    timestampMs: number;
}
export declare namespace LeaseRenewal {
    const codec: () => Codec<LeaseRenewal>;
    interface LeaseRenewalJobIdFieldEvent {
        field: '$.jobId';
        value: Uint8Array<ArrayBuffer>;
    }
    interface LeaseRenewalTaskIndexFieldEvent {
        field: '$.taskIndex';
        value: number;
    }
    interface LeaseRenewalLeaseIdFieldEvent {
        field: '$.leaseId';
        value: Uint8Array<ArrayBuffer>;
    }
    interface LeaseRenewalFramesDoneFieldEvent {
        field: '$.framesDone';
        value: number;
    }
    interface LeaseRenewalTimestampMsFieldEvent {
        field: '$.timestampMs';
        value: number;
    }
    function encode(obj: Partial<LeaseRenewal>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<LeaseRenewal>): LeaseRenewal;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<LeaseRenewal>): Generator<LeaseRenewalJobIdFieldEvent | LeaseRenewalTaskIndexFieldEvent | LeaseRenewalLeaseIdFieldEvent | LeaseRenewalFramesDoneFieldEvent | LeaseRenewalTimestampMsFieldEvent>;
}
export interface FrameResult {
    frame: number;
    blobId: Uint8Array<ArrayBuffer>;
    pixelHash: Uint8Array<ArrayBuffer>;
    size?: number;
    walrus?: WalrusRef;
}
export declare namespace FrameResult {
    const codec: () => Codec<FrameResult>;
    interface FrameResultFrameFieldEvent {
        field: '$.frame';
        value: number;
    }
    interface FrameResultBlobIdFieldEvent {
        field: '$.blobId';
        value: Uint8Array<ArrayBuffer>;
    }
    interface FrameResultPixelHashFieldEvent {
        field: '$.pixelHash';
        value: Uint8Array<ArrayBuffer>;
    }
    interface FrameResultSizeFieldEvent {
        field: '$.size';
        value: number;
    }
    interface FrameResultWalrusBlobIdFieldEvent {
        field: '$.walrus.blobId';
        value: string;
    }
    interface FrameResultWalrusPartsFieldEvent {
        field: '$.walrus.parts';
        value: boolean;
    }
    interface FrameResultWalrusOffsetFieldEvent {
        field: '$.walrus.offset';
        value: number;
    }
    function encode(obj: Partial<FrameResult>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FrameResult>): FrameResult;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FrameResult>): Generator<FrameResultFrameFieldEvent | FrameResultBlobIdFieldEvent | FrameResultPixelHashFieldEvent | FrameResultSizeFieldEvent | FrameResultWalrusBlobIdFieldEvent | FrameResultWalrusPartsFieldEvent | FrameResultWalrusOffsetFieldEvent>;
}
export interface ResultCommitment {
    jobId: Uint8Array<ArrayBuffer>;
    taskIndex: number;
    leaseId: Uint8Array<ArrayBuffer>;
    merkleRoot: Uint8Array<ArrayBuffer>;
    frames: FrameResult[];
    timestampMs: number;
}
export declare namespace ResultCommitment {
    const codec: () => Codec<ResultCommitment>;
    interface ResultCommitmentJobIdFieldEvent {
        field: '$.jobId';
        value: Uint8Array<ArrayBuffer>;
    }
    interface ResultCommitmentTaskIndexFieldEvent {
        field: '$.taskIndex';
        value: number;
    }
    interface ResultCommitmentLeaseIdFieldEvent {
        field: '$.leaseId';
        value: Uint8Array<ArrayBuffer>;
    }
    interface ResultCommitmentMerkleRootFieldEvent {
        field: '$.merkleRoot';
        value: Uint8Array<ArrayBuffer>;
    }
    interface ResultCommitmentFramesFrameFieldEvent {
        field: '$.frames[].frame';
        value: number;
        index: number;
    }
    interface ResultCommitmentFramesBlobIdFieldEvent {
        field: '$.frames[].blobId';
        value: Uint8Array<ArrayBuffer>;
        index: number;
    }
    interface ResultCommitmentFramesPixelHashFieldEvent {
        field: '$.frames[].pixelHash';
        value: Uint8Array<ArrayBuffer>;
        index: number;
    }
    interface ResultCommitmentFramesSizeFieldEvent {
        field: '$.frames[].size';
        value: number;
        index: number;
    }
    interface ResultCommitmentFramesWalrusBlobIdFieldEvent {
        field: '$.frames[].walrus.blobId';
        value: string;
        index: number;
    }
    interface ResultCommitmentFramesWalrusPartsFieldEvent {
        field: '$.frames[].walrus.parts';
        value: boolean;
        index: number;
    }
    interface ResultCommitmentFramesWalrusOffsetFieldEvent {
        field: '$.frames[].walrus.offset';
        value: number;
        index: number;
    }
    interface ResultCommitmentTimestampMsFieldEvent {
        field: '$.timestampMs';
        value: number;
    }
    function encode(obj: Partial<ResultCommitment>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ResultCommitment>): ResultCommitment;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ResultCommitment>): Generator<ResultCommitmentJobIdFieldEvent | ResultCommitmentTaskIndexFieldEvent | ResultCommitmentLeaseIdFieldEvent | ResultCommitmentMerkleRootFieldEvent | ResultCommitmentFramesFrameFieldEvent | ResultCommitmentFramesBlobIdFieldEvent | ResultCommitmentFramesPixelHashFieldEvent | ResultCommitmentFramesSizeFieldEvent | ResultCommitmentFramesWalrusBlobIdFieldEvent | ResultCommitmentFramesWalrusPartsFieldEvent | ResultCommitmentFramesWalrusOffsetFieldEvent | ResultCommitmentTimestampMsFieldEvent>;
}
export interface Verdict {
    jobId: Uint8Array<ArrayBuffer>;
    taskIndex: number;
    worker: Uint8Array<ArrayBuffer>;
    merkleRoot: Uint8Array<ArrayBuffer>;
    accepted: boolean;
    reason: string;
    sampledFrames: number[];
    scores: number[];
    timestampMs: number;
}
export declare namespace Verdict {
    const codec: () => Codec<Verdict>;
    interface VerdictJobIdFieldEvent {
        field: '$.jobId';
        value: Uint8Array<ArrayBuffer>;
    }
    interface VerdictTaskIndexFieldEvent {
        field: '$.taskIndex';
        value: number;
    }
    interface VerdictWorkerFieldEvent {
        field: '$.worker';
        value: Uint8Array<ArrayBuffer>;
    }
    interface VerdictMerkleRootFieldEvent {
        field: '$.merkleRoot';
        value: Uint8Array<ArrayBuffer>;
    }
    interface VerdictAcceptedFieldEvent {
        field: '$.accepted';
        value: boolean;
    }
    interface VerdictReasonFieldEvent {
        field: '$.reason';
        value: string;
    }
    interface VerdictSampledFramesFieldEvent {
        field: '$.sampledFrames[]';
        index: number;
        value: number;
    }
    interface VerdictScoresFieldEvent {
        field: '$.scores[]';
        index: number;
        value: number;
    }
    interface VerdictTimestampMsFieldEvent {
        field: '$.timestampMs';
        value: number;
    }
    function encode(obj: Partial<Verdict>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Verdict>): Verdict;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Verdict>): Generator<VerdictJobIdFieldEvent | VerdictTaskIndexFieldEvent | VerdictWorkerFieldEvent | VerdictMerkleRootFieldEvent | VerdictAcceptedFieldEvent | VerdictReasonFieldEvent | VerdictSampledFramesFieldEvent | VerdictScoresFieldEvent | VerdictTimestampMsFieldEvent>;
}
export interface JobNotice {
    jobId: Uint8Array<ArrayBuffer>;
    kind: number;
    timestampMs: number;
}
export declare namespace JobNotice {
    const codec: () => Codec<JobNotice>;
    interface JobNoticeJobIdFieldEvent {
        field: '$.jobId';
        value: Uint8Array<ArrayBuffer>;
    }
    interface JobNoticeKindFieldEvent {
        field: '$.kind';
        value: number;
    }
    interface JobNoticeTimestampMsFieldEvent {
        field: '$.timestampMs';
        value: number;
    }
    function encode(obj: Partial<JobNotice>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<JobNotice>): JobNotice;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<JobNotice>): Generator<JobNoticeJobIdFieldEvent | JobNoticeKindFieldEvent | JobNoticeTimestampMsFieldEvent>;
}
export interface TaskReply {
    code: number;
    reason: string;
    lease?: Envelope;
    retryAfterMs: number;
}
export declare namespace TaskReply {
    const codec: () => Codec<TaskReply>;
    interface TaskReplyCodeFieldEvent {
        field: '$.code';
        value: number;
    }
    interface TaskReplyReasonFieldEvent {
        field: '$.reason';
        value: string;
    }
    interface TaskReplyLeaseTypeFieldEvent {
        field: '$.lease.type';
        value: number;
    }
    interface TaskReplyLeasePayloadFieldEvent {
        field: '$.lease.payload';
        value: Uint8Array<ArrayBuffer>;
    }
    interface TaskReplyLeasePublicKeyFieldEvent {
        field: '$.lease.publicKey';
        value: Uint8Array<ArrayBuffer>;
    }
    interface TaskReplyLeaseSignatureFieldEvent {
        field: '$.lease.signature';
        value: Uint8Array<ArrayBuffer>;
    }
    interface TaskReplyRetryAfterMsFieldEvent {
        field: '$.retryAfterMs';
        value: number;
    }
    function encode(obj: Partial<TaskReply>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<TaskReply>): TaskReply;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<TaskReply>): Generator<TaskReplyCodeFieldEvent | TaskReplyReasonFieldEvent | TaskReplyLeaseTypeFieldEvent | TaskReplyLeasePayloadFieldEvent | TaskReplyLeasePublicKeyFieldEvent | TaskReplyLeaseSignatureFieldEvent | TaskReplyRetryAfterMsFieldEvent>;
}
export interface BlobRequest {
    blobId: Uint8Array<ArrayBuffer>;
    offset: number;
}
export declare namespace BlobRequest {
    const codec: () => Codec<BlobRequest>;
    interface BlobRequestBlobIdFieldEvent {
        field: '$.blobId';
        value: Uint8Array<ArrayBuffer>;
    }
    interface BlobRequestOffsetFieldEvent {
        field: '$.offset';
        value: number;
    }
    function encode(obj: Partial<BlobRequest>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<BlobRequest>): BlobRequest;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<BlobRequest>): Generator<BlobRequestBlobIdFieldEvent | BlobRequestOffsetFieldEvent>;
}
export interface BlobHeader {
    code: number;
    size: number;
}
export declare namespace BlobHeader {
    const codec: () => Codec<BlobHeader>;
    interface BlobHeaderCodeFieldEvent {
        field: '$.code';
        value: number;
    }
    interface BlobHeaderSizeFieldEvent {
        field: '$.size';
        value: number;
    }
    function encode(obj: Partial<BlobHeader>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<BlobHeader>): BlobHeader;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<BlobHeader>): Generator<BlobHeaderCodeFieldEvent | BlobHeaderSizeFieldEvent>;
}
export interface CropTile {
    frame: number;
    x: number;
    y: number;
    width: number;
    height: number;
}
export declare namespace CropTile {
    const codec: () => Codec<CropTile>;
    interface CropTileFrameFieldEvent {
        field: '$.frame';
        value: number;
    }
    interface CropTileXFieldEvent {
        field: '$.x';
        value: number;
    }
    interface CropTileYFieldEvent {
        field: '$.y';
        value: number;
    }
    interface CropTileWidthFieldEvent {
        field: '$.width';
        value: number;
    }
    interface CropTileHeightFieldEvent {
        field: '$.height';
        value: number;
    }
    function encode(obj: Partial<CropTile>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<CropTile>): CropTile;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<CropTile>): Generator<CropTileFrameFieldEvent | CropTileXFieldEvent | CropTileYFieldEvent | CropTileWidthFieldEvent | CropTileHeightFieldEvent>;
}
export interface CheckRequest {
    jobAnnouncement: Uint8Array<ArrayBuffer>;
    commitment?: Envelope;
    beacon: Uint8Array<ArrayBuffer>;
    frames: number[];
    tiles: CropTile[];
    redundancyIndex: number;
    timestampMs: number;
}
export declare namespace CheckRequest {
    const codec: () => Codec<CheckRequest>;
    interface CheckRequestJobAnnouncementFieldEvent {
        field: '$.jobAnnouncement';
        value: Uint8Array<ArrayBuffer>;
    }
    interface CheckRequestCommitmentTypeFieldEvent {
        field: '$.commitment.type';
        value: number;
    }
    interface CheckRequestCommitmentPayloadFieldEvent {
        field: '$.commitment.payload';
        value: Uint8Array<ArrayBuffer>;
    }
    interface CheckRequestCommitmentPublicKeyFieldEvent {
        field: '$.commitment.publicKey';
        value: Uint8Array<ArrayBuffer>;
    }
    interface CheckRequestCommitmentSignatureFieldEvent {
        field: '$.commitment.signature';
        value: Uint8Array<ArrayBuffer>;
    }
    interface CheckRequestBeaconFieldEvent {
        field: '$.beacon';
        value: Uint8Array<ArrayBuffer>;
    }
    interface CheckRequestFramesFieldEvent {
        field: '$.frames[]';
        index: number;
        value: number;
    }
    interface CheckRequestTilesFrameFieldEvent {
        field: '$.tiles[].frame';
        value: number;
        index: number;
    }
    interface CheckRequestTilesXFieldEvent {
        field: '$.tiles[].x';
        value: number;
        index: number;
    }
    interface CheckRequestTilesYFieldEvent {
        field: '$.tiles[].y';
        value: number;
        index: number;
    }
    interface CheckRequestTilesWidthFieldEvent {
        field: '$.tiles[].width';
        value: number;
        index: number;
    }
    interface CheckRequestTilesHeightFieldEvent {
        field: '$.tiles[].height';
        value: number;
        index: number;
    }
    interface CheckRequestRedundancyIndexFieldEvent {
        field: '$.redundancyIndex';
        value: number;
    }
    interface CheckRequestTimestampMsFieldEvent {
        field: '$.timestampMs';
        value: number;
    }
    function encode(obj: Partial<CheckRequest>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<CheckRequest>): CheckRequest;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<CheckRequest>): Generator<CheckRequestJobAnnouncementFieldEvent | CheckRequestCommitmentTypeFieldEvent | CheckRequestCommitmentPayloadFieldEvent | CheckRequestCommitmentPublicKeyFieldEvent | CheckRequestCommitmentSignatureFieldEvent | CheckRequestBeaconFieldEvent | CheckRequestFramesFieldEvent | CheckRequestTilesFrameFieldEvent | CheckRequestTilesXFieldEvent | CheckRequestTilesYFieldEvent | CheckRequestTilesWidthFieldEvent | CheckRequestTilesHeightFieldEvent | CheckRequestRedundancyIndexFieldEvent | CheckRequestTimestampMsFieldEvent>;
}
export interface CheckReply {
    code: number;
    reason: string;
    verdict?: Envelope;
}
export declare namespace CheckReply {
    const codec: () => Codec<CheckReply>;
    interface CheckReplyCodeFieldEvent {
        field: '$.code';
        value: number;
    }
    interface CheckReplyReasonFieldEvent {
        field: '$.reason';
        value: string;
    }
    interface CheckReplyVerdictTypeFieldEvent {
        field: '$.verdict.type';
        value: number;
    }
    interface CheckReplyVerdictPayloadFieldEvent {
        field: '$.verdict.payload';
        value: Uint8Array<ArrayBuffer>;
    }
    interface CheckReplyVerdictPublicKeyFieldEvent {
        field: '$.verdict.publicKey';
        value: Uint8Array<ArrayBuffer>;
    }
    interface CheckReplyVerdictSignatureFieldEvent {
        field: '$.verdict.signature';
        value: Uint8Array<ArrayBuffer>;
    }
    function encode(obj: Partial<CheckReply>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<CheckReply>): CheckReply;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<CheckReply>): Generator<CheckReplyCodeFieldEvent | CheckReplyReasonFieldEvent | CheckReplyVerdictTypeFieldEvent | CheckReplyVerdictPayloadFieldEvent | CheckReplyVerdictPublicKeyFieldEvent | CheckReplyVerdictSignatureFieldEvent>;
}
