import { decodeMessage, encodeMessage, MaxLengthError, message, streamMessage } from 'protons-runtime';
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc';
export var Envelope;
(function (Envelope) {
    let _codec;
    Envelope.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.type != null && obj.type !== 0)) {
                    w.uint32(8);
                    w.uint32(obj.type);
                }
                if ((obj.payload != null && obj.payload.byteLength > 0)) {
                    w.uint32(18);
                    w.bytes(obj.payload);
                }
                if ((obj.publicKey != null && obj.publicKey.byteLength > 0)) {
                    w.uint32(26);
                    w.bytes(obj.publicKey);
                }
                if ((obj.signature != null && obj.signature.byteLength > 0)) {
                    w.uint32(34);
                    w.bytes(obj.signature);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    type: 0,
                    payload: uint8ArrayAlloc(0),
                    publicKey: uint8ArrayAlloc(0),
                    signature: uint8ArrayAlloc(0)
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.type = reader.uint32();
                            break;
                        }
                        case 2: {
                            obj.payload = reader.bytes();
                            break;
                        }
                        case 3: {
                            obj.publicKey = reader.bytes();
                            break;
                        }
                        case 4: {
                            obj.signature = reader.bytes();
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
                return obj;
            }, function* (reader, length, prefix, opts = {}) {
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            yield {
                                field: `${prefix}.type`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.payload`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        case 3: {
                            yield {
                                field: `${prefix}.publicKey`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        case 4: {
                            yield {
                                field: `${prefix}.signature`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
            });
        }
        return _codec;
    };
    function encode(obj) {
        return encodeMessage(obj, Envelope.codec());
    }
    Envelope.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, Envelope.codec(), opts);
    }
    Envelope.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, Envelope.codec(), opts);
    }
    Envelope.stream = stream;
})(Envelope || (Envelope = {}));
export var RendererInfo;
(function (RendererInfo) {
    let _codec;
    RendererInfo.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.name != null && obj.name !== '')) {
                    w.uint32(10);
                    w.string(obj.name);
                }
                if ((obj.version != null && obj.version !== '')) {
                    w.uint32(18);
                    w.string(obj.version);
                }
                if (obj.engines != null && obj.engines.length > 0) {
                    for (const value of obj.engines) {
                        w.uint32(26);
                        w.string(value);
                    }
                }
                if (obj.devices != null && obj.devices.length > 0) {
                    for (const value of obj.devices) {
                        w.uint32(34);
                        w.string(value);
                    }
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    name: '',
                    version: '',
                    engines: [],
                    devices: []
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.name = reader.string();
                            break;
                        }
                        case 2: {
                            obj.version = reader.string();
                            break;
                        }
                        case 3: {
                            if (opts.limits?.engines != null && obj.engines.length === opts.limits.engines) {
                                throw new MaxLengthError('Decode error - repeated field "engines" had too many elements');
                            }
                            if (obj.engines.length === 8) {
                                throw new MaxLengthError('Decode error - repeated field "engines" had too many elements');
                            }
                            obj.engines.push(reader.string());
                            break;
                        }
                        case 4: {
                            if (opts.limits?.devices != null && obj.devices.length === opts.limits.devices) {
                                throw new MaxLengthError('Decode error - repeated field "devices" had too many elements');
                            }
                            if (obj.devices.length === 8) {
                                throw new MaxLengthError('Decode error - repeated field "devices" had too many elements');
                            }
                            obj.devices.push(reader.string());
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
                return obj;
            }, function* (reader, length, prefix, opts = {}) {
                const obj = {
                    engines: 8,
                    devices: 8
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            yield {
                                field: `${prefix}.name`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.version`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 3: {
                            if (opts.limits?.engines != null && obj.engines === opts.limits.engines) {
                                throw new MaxLengthError('Streaming decode error - repeated field "engines" had too many elements');
                            }
                            if (obj.engines === 8) {
                                throw new MaxLengthError('Streaming decode error - repeated field "engines" had too many elements');
                            }
                            yield {
                                field: `${prefix}.engines[]`,
                                index: obj.engines,
                                value: reader.string()
                            };
                            obj.engines++;
                            break;
                        }
                        case 4: {
                            if (opts.limits?.devices != null && obj.devices === opts.limits.devices) {
                                throw new MaxLengthError('Streaming decode error - repeated field "devices" had too many elements');
                            }
                            if (obj.devices === 8) {
                                throw new MaxLengthError('Streaming decode error - repeated field "devices" had too many elements');
                            }
                            yield {
                                field: `${prefix}.devices[]`,
                                index: obj.devices,
                                value: reader.string()
                            };
                            obj.devices++;
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
            });
        }
        return _codec;
    };
    function encode(obj) {
        return encodeMessage(obj, RendererInfo.codec());
    }
    RendererInfo.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, RendererInfo.codec(), opts);
    }
    RendererInfo.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, RendererInfo.codec(), opts);
    }
    RendererInfo.stream = stream;
})(RendererInfo || (RendererInfo = {}));
export var Hardware;
(function (Hardware) {
    let _codec;
    Hardware.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.cpuModel != null && obj.cpuModel !== '')) {
                    w.uint32(10);
                    w.string(obj.cpuModel);
                }
                if ((obj.cpuCount != null && obj.cpuCount !== 0)) {
                    w.uint32(16);
                    w.uint32(obj.cpuCount);
                }
                if ((obj.gpuModel != null && obj.gpuModel !== '')) {
                    w.uint32(26);
                    w.string(obj.gpuModel);
                }
                if ((obj.gpuCount != null && obj.gpuCount !== 0)) {
                    w.uint32(32);
                    w.uint32(obj.gpuCount);
                }
                if ((obj.ramMib != null && obj.ramMib !== 0)) {
                    w.uint32(40);
                    w.uint32(obj.ramMib);
                }
                if ((obj.gpuVendor != null && obj.gpuVendor !== '')) {
                    w.uint32(50);
                    w.string(obj.gpuVendor);
                }
                if ((obj.gpuVramMib != null && obj.gpuVramMib !== 0)) {
                    w.uint32(56);
                    w.uint32(obj.gpuVramMib);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    cpuModel: '',
                    cpuCount: 0,
                    gpuModel: '',
                    gpuCount: 0,
                    ramMib: 0,
                    gpuVendor: '',
                    gpuVramMib: 0
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.cpuModel = reader.string();
                            break;
                        }
                        case 2: {
                            obj.cpuCount = reader.uint32();
                            break;
                        }
                        case 3: {
                            obj.gpuModel = reader.string();
                            break;
                        }
                        case 4: {
                            obj.gpuCount = reader.uint32();
                            break;
                        }
                        case 5: {
                            obj.ramMib = reader.uint32();
                            break;
                        }
                        case 6: {
                            obj.gpuVendor = reader.string();
                            break;
                        }
                        case 7: {
                            obj.gpuVramMib = reader.uint32();
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
                return obj;
            }, function* (reader, length, prefix, opts = {}) {
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            yield {
                                field: `${prefix}.cpuModel`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.cpuCount`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 3: {
                            yield {
                                field: `${prefix}.gpuModel`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 4: {
                            yield {
                                field: `${prefix}.gpuCount`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 5: {
                            yield {
                                field: `${prefix}.ramMib`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 6: {
                            yield {
                                field: `${prefix}.gpuVendor`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 7: {
                            yield {
                                field: `${prefix}.gpuVramMib`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
            });
        }
        return _codec;
    };
    function encode(obj) {
        return encodeMessage(obj, Hardware.codec());
    }
    Hardware.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, Hardware.codec(), opts);
    }
    Hardware.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, Hardware.codec(), opts);
    }
    Hardware.stream = stream;
})(Hardware || (Hardware = {}));
export var WorkerOffer;
(function (WorkerOffer) {
    let _codec;
    WorkerOffer.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if (obj.renderers != null && obj.renderers.length > 0) {
                    for (const value of obj.renderers) {
                        w.uint32(10);
                        RendererInfo.codec().encode(value, w);
                    }
                }
                if (obj.hardware != null) {
                    w.uint32(18);
                    Hardware.codec().encode(obj.hardware, w);
                }
                if ((obj.benchScore != null && obj.benchScore !== 0)) {
                    w.uint32(24);
                    w.uint32(obj.benchScore);
                }
                if ((obj.price != null && obj.price !== 0)) {
                    w.uint32(32);
                    w.uint64Number(obj.price);
                }
                if ((obj.slots != null && obj.slots !== 0)) {
                    w.uint32(40);
                    w.uint32(obj.slots);
                }
                if ((obj.freeSlots != null && obj.freeSlots !== 0)) {
                    w.uint32(48);
                    w.uint32(obj.freeSlots);
                }
                if ((obj.region != null && obj.region !== '')) {
                    w.uint32(58);
                    w.string(obj.region);
                }
                if ((obj.timestampMs != null && obj.timestampMs !== 0)) {
                    w.uint32(64);
                    w.uint64Number(obj.timestampMs);
                }
                if ((obj.seq != null && obj.seq !== 0)) {
                    w.uint32(72);
                    w.uint64Number(obj.seq);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    renderers: [],
                    benchScore: 0,
                    price: 0,
                    slots: 0,
                    freeSlots: 0,
                    region: '',
                    timestampMs: 0,
                    seq: 0
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            if (opts.limits?.renderers != null && obj.renderers.length === opts.limits.renderers) {
                                throw new MaxLengthError('Decode error - repeated field "renderers" had too many elements');
                            }
                            if (obj.renderers.length === 8) {
                                throw new MaxLengthError('Decode error - repeated field "renderers" had too many elements');
                            }
                            obj.renderers.push(RendererInfo.codec().decode(reader, reader.uint32(), {
                                limits: opts.limits?.renderers$
                            }));
                            break;
                        }
                        case 2: {
                            obj.hardware = Hardware.codec().decode(reader, reader.uint32(), {
                                limits: opts.limits?.hardware
                            });
                            break;
                        }
                        case 3: {
                            obj.benchScore = reader.uint32();
                            break;
                        }
                        case 4: {
                            obj.price = reader.uint64Number();
                            break;
                        }
                        case 5: {
                            obj.slots = reader.uint32();
                            break;
                        }
                        case 6: {
                            obj.freeSlots = reader.uint32();
                            break;
                        }
                        case 7: {
                            obj.region = reader.string();
                            break;
                        }
                        case 8: {
                            obj.timestampMs = reader.uint64Number();
                            break;
                        }
                        case 9: {
                            obj.seq = reader.uint64Number();
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
                return obj;
            }, function* (reader, length, prefix, opts = {}) {
                const obj = {
                    renderers: 8
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            if (opts.limits?.renderers != null && obj.renderers === opts.limits.renderers) {
                                throw new MaxLengthError('Streaming decode error - repeated field "renderers" had too many elements');
                            }
                            if (obj.renderers === 8) {
                                throw new MaxLengthError('Streaming decode error - repeated field "renderers" had too many elements');
                            }
                            for (const evt of RendererInfo.codec().stream(reader, reader.uint32(), `${prefix}.renderers[]`, {
                                limits: opts.limits?.renderers$
                            })) {
                                yield {
                                    ...evt,
                                    index: obj.renderers
                                };
                            }
                            obj.renderers++;
                            break;
                        }
                        case 2: {
                            yield* Hardware.codec().stream(reader, reader.uint32(), `${prefix}.hardware`, {
                                limits: opts.limits?.hardware
                            });
                            break;
                        }
                        case 3: {
                            yield {
                                field: `${prefix}.benchScore`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 4: {
                            yield {
                                field: `${prefix}.price`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 5: {
                            yield {
                                field: `${prefix}.slots`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 6: {
                            yield {
                                field: `${prefix}.freeSlots`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 7: {
                            yield {
                                field: `${prefix}.region`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 8: {
                            yield {
                                field: `${prefix}.timestampMs`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 9: {
                            yield {
                                field: `${prefix}.seq`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
            });
        }
        return _codec;
    };
    function encode(obj) {
        return encodeMessage(obj, WorkerOffer.codec());
    }
    WorkerOffer.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, WorkerOffer.codec(), opts);
    }
    WorkerOffer.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, WorkerOffer.codec(), opts);
    }
    WorkerOffer.stream = stream;
})(WorkerOffer || (WorkerOffer = {}));
export var JobAnnouncement;
(function (JobAnnouncement) {
    let _codec;
    JobAnnouncement.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.jobId != null && obj.jobId.byteLength > 0)) {
                    w.uint32(10);
                    w.bytes(obj.jobId);
                }
                if ((obj.renderer != null && obj.renderer !== '')) {
                    w.uint32(18);
                    w.string(obj.renderer);
                }
                if ((obj.sceneBlob != null && obj.sceneBlob.byteLength > 0)) {
                    w.uint32(26);
                    w.bytes(obj.sceneBlob);
                }
                if ((obj.sceneSize != null && obj.sceneSize !== 0)) {
                    w.uint32(32);
                    w.uint64Number(obj.sceneSize);
                }
                if ((obj.frameStart != null && obj.frameStart !== 0)) {
                    w.uint32(40);
                    w.uint32(obj.frameStart);
                }
                if ((obj.frameEnd != null && obj.frameEnd !== 0)) {
                    w.uint32(48);
                    w.uint32(obj.frameEnd);
                }
                if ((obj.framesPerTask != null && obj.framesPerTask !== 0)) {
                    w.uint32(56);
                    w.uint32(obj.framesPerTask);
                }
                if ((obj.width != null && obj.width !== 0)) {
                    w.uint32(64);
                    w.uint32(obj.width);
                }
                if ((obj.height != null && obj.height !== 0)) {
                    w.uint32(72);
                    w.uint32(obj.height);
                }
                if ((obj.samples != null && obj.samples !== 0)) {
                    w.uint32(80);
                    w.uint32(obj.samples);
                }
                if ((obj.seed != null && obj.seed !== 0)) {
                    w.uint32(88);
                    w.uint32(obj.seed);
                }
                if ((obj.maxPrice != null && obj.maxPrice !== 0)) {
                    w.uint32(96);
                    w.uint64Number(obj.maxPrice);
                }
                if ((obj.timeoutStopS != null && obj.timeoutStopS !== 0)) {
                    w.uint32(104);
                    w.uint32(obj.timeoutStopS);
                }
                if ((obj.minBenchScore != null && obj.minBenchScore !== 0)) {
                    w.uint32(112);
                    w.uint32(obj.minBenchScore);
                }
                if ((obj.engine != null && obj.engine !== '')) {
                    w.uint32(122);
                    w.string(obj.engine);
                }
                if ((obj.device != null && obj.device !== '')) {
                    w.uint32(130);
                    w.string(obj.device);
                }
                if ((obj.rendererVersion != null && obj.rendererVersion !== '')) {
                    w.uint32(138);
                    w.string(obj.rendererVersion);
                }
                if (obj.addrs != null && obj.addrs.length > 0) {
                    for (const value of obj.addrs) {
                        w.uint32(146);
                        w.string(value);
                    }
                }
                if ((obj.timestampMs != null && obj.timestampMs !== 0)) {
                    w.uint32(152);
                    w.uint64Number(obj.timestampMs);
                }
                if ((obj.nonce != null && obj.nonce.byteLength > 0)) {
                    w.uint32(162);
                    w.bytes(obj.nonce);
                }
                if ((obj.outputFormat != null && obj.outputFormat !== '')) {
                    w.uint32(170);
                    w.string(obj.outputFormat);
                }
                if (obj.regions != null && obj.regions.length > 0) {
                    for (const value of obj.regions) {
                        w.uint32(178);
                        w.string(value);
                    }
                }
                if ((obj.gpuVendor != null && obj.gpuVendor !== '')) {
                    w.uint32(186);
                    w.string(obj.gpuVendor);
                }
                if ((obj.gpuModel != null && obj.gpuModel !== '')) {
                    w.uint32(194);
                    w.string(obj.gpuModel);
                }
                if ((obj.minGpuCount != null && obj.minGpuCount !== 0)) {
                    w.uint32(200);
                    w.uint32(obj.minGpuCount);
                }
                if ((obj.minRamMib != null && obj.minRamMib !== 0)) {
                    w.uint32(208);
                    w.uint32(obj.minRamMib);
                }
                if ((obj.tier != null && obj.tier !== 0)) {
                    w.uint32(216);
                    w.uint32(obj.tier);
                }
                if ((obj.sceneProject != null && obj.sceneProject !== false)) {
                    w.uint32(224);
                    w.bool(obj.sceneProject);
                }
                if (obj.sceneWalrus != null) {
                    w.uint32(234);
                    WalrusRef.codec().encode(obj.sceneWalrus, w);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    jobId: uint8ArrayAlloc(0),
                    renderer: '',
                    sceneBlob: uint8ArrayAlloc(0),
                    sceneSize: 0,
                    frameStart: 0,
                    frameEnd: 0,
                    framesPerTask: 0,
                    width: 0,
                    height: 0,
                    samples: 0,
                    seed: 0,
                    maxPrice: 0,
                    timeoutStopS: 0,
                    minBenchScore: 0,
                    engine: '',
                    device: '',
                    rendererVersion: '',
                    addrs: [],
                    timestampMs: 0,
                    nonce: uint8ArrayAlloc(0),
                    outputFormat: '',
                    regions: [],
                    gpuVendor: '',
                    gpuModel: '',
                    minGpuCount: 0,
                    minRamMib: 0,
                    tier: 0,
                    sceneProject: false
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.jobId = reader.bytes();
                            break;
                        }
                        case 2: {
                            obj.renderer = reader.string();
                            break;
                        }
                        case 3: {
                            obj.sceneBlob = reader.bytes();
                            break;
                        }
                        case 4: {
                            obj.sceneSize = reader.uint64Number();
                            break;
                        }
                        case 5: {
                            obj.frameStart = reader.uint32();
                            break;
                        }
                        case 6: {
                            obj.frameEnd = reader.uint32();
                            break;
                        }
                        case 7: {
                            obj.framesPerTask = reader.uint32();
                            break;
                        }
                        case 8: {
                            obj.width = reader.uint32();
                            break;
                        }
                        case 9: {
                            obj.height = reader.uint32();
                            break;
                        }
                        case 10: {
                            obj.samples = reader.uint32();
                            break;
                        }
                        case 11: {
                            obj.seed = reader.uint32();
                            break;
                        }
                        case 12: {
                            obj.maxPrice = reader.uint64Number();
                            break;
                        }
                        case 13: {
                            obj.timeoutStopS = reader.uint32();
                            break;
                        }
                        case 14: {
                            obj.minBenchScore = reader.uint32();
                            break;
                        }
                        case 15: {
                            obj.engine = reader.string();
                            break;
                        }
                        case 16: {
                            obj.device = reader.string();
                            break;
                        }
                        case 17: {
                            obj.rendererVersion = reader.string();
                            break;
                        }
                        case 18: {
                            if (opts.limits?.addrs != null && obj.addrs.length === opts.limits.addrs) {
                                throw new MaxLengthError('Decode error - repeated field "addrs" had too many elements');
                            }
                            if (obj.addrs.length === 8) {
                                throw new MaxLengthError('Decode error - repeated field "addrs" had too many elements');
                            }
                            obj.addrs.push(reader.string());
                            break;
                        }
                        case 19: {
                            obj.timestampMs = reader.uint64Number();
                            break;
                        }
                        case 20: {
                            obj.nonce = reader.bytes();
                            break;
                        }
                        case 21: {
                            obj.outputFormat = reader.string();
                            break;
                        }
                        case 22: {
                            if (opts.limits?.regions != null && obj.regions.length === opts.limits.regions) {
                                throw new MaxLengthError('Decode error - repeated field "regions" had too many elements');
                            }
                            if (obj.regions.length === 8) {
                                throw new MaxLengthError('Decode error - repeated field "regions" had too many elements');
                            }
                            obj.regions.push(reader.string());
                            break;
                        }
                        case 23: {
                            obj.gpuVendor = reader.string();
                            break;
                        }
                        case 24: {
                            obj.gpuModel = reader.string();
                            break;
                        }
                        case 25: {
                            obj.minGpuCount = reader.uint32();
                            break;
                        }
                        case 26: {
                            obj.minRamMib = reader.uint32();
                            break;
                        }
                        case 27: {
                            obj.tier = reader.uint32();
                            break;
                        }
                        case 28: {
                            obj.sceneProject = reader.bool();
                            break;
                        }
                        case 29: {
                            obj.sceneWalrus = WalrusRef.codec().decode(reader, reader.uint32(), {
                                limits: opts.limits?.sceneWalrus
                            });
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
                return obj;
            }, function* (reader, length, prefix, opts = {}) {
                const obj = {
                    addrs: 8,
                    regions: 8
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            yield {
                                field: `${prefix}.jobId`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.renderer`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 3: {
                            yield {
                                field: `${prefix}.sceneBlob`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        case 4: {
                            yield {
                                field: `${prefix}.sceneSize`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 5: {
                            yield {
                                field: `${prefix}.frameStart`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 6: {
                            yield {
                                field: `${prefix}.frameEnd`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 7: {
                            yield {
                                field: `${prefix}.framesPerTask`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 8: {
                            yield {
                                field: `${prefix}.width`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 9: {
                            yield {
                                field: `${prefix}.height`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 10: {
                            yield {
                                field: `${prefix}.samples`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 11: {
                            yield {
                                field: `${prefix}.seed`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 12: {
                            yield {
                                field: `${prefix}.maxPrice`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 13: {
                            yield {
                                field: `${prefix}.timeoutStopS`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 14: {
                            yield {
                                field: `${prefix}.minBenchScore`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 15: {
                            yield {
                                field: `${prefix}.engine`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 16: {
                            yield {
                                field: `${prefix}.device`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 17: {
                            yield {
                                field: `${prefix}.rendererVersion`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 18: {
                            if (opts.limits?.addrs != null && obj.addrs === opts.limits.addrs) {
                                throw new MaxLengthError('Streaming decode error - repeated field "addrs" had too many elements');
                            }
                            if (obj.addrs === 8) {
                                throw new MaxLengthError('Streaming decode error - repeated field "addrs" had too many elements');
                            }
                            yield {
                                field: `${prefix}.addrs[]`,
                                index: obj.addrs,
                                value: reader.string()
                            };
                            obj.addrs++;
                            break;
                        }
                        case 19: {
                            yield {
                                field: `${prefix}.timestampMs`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 20: {
                            yield {
                                field: `${prefix}.nonce`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        case 21: {
                            yield {
                                field: `${prefix}.outputFormat`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 22: {
                            if (opts.limits?.regions != null && obj.regions === opts.limits.regions) {
                                throw new MaxLengthError('Streaming decode error - repeated field "regions" had too many elements');
                            }
                            if (obj.regions === 8) {
                                throw new MaxLengthError('Streaming decode error - repeated field "regions" had too many elements');
                            }
                            yield {
                                field: `${prefix}.regions[]`,
                                index: obj.regions,
                                value: reader.string()
                            };
                            obj.regions++;
                            break;
                        }
                        case 23: {
                            yield {
                                field: `${prefix}.gpuVendor`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 24: {
                            yield {
                                field: `${prefix}.gpuModel`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 25: {
                            yield {
                                field: `${prefix}.minGpuCount`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 26: {
                            yield {
                                field: `${prefix}.minRamMib`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 27: {
                            yield {
                                field: `${prefix}.tier`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 28: {
                            yield {
                                field: `${prefix}.sceneProject`,
                                value: reader.bool()
                            };
                            break;
                        }
                        case 29: {
                            yield* WalrusRef.codec().stream(reader, reader.uint32(), `${prefix}.sceneWalrus`, {
                                limits: opts.limits?.sceneWalrus
                            });
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
            });
        }
        return _codec;
    };
    function encode(obj) {
        return encodeMessage(obj, JobAnnouncement.codec());
    }
    JobAnnouncement.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, JobAnnouncement.codec(), opts);
    }
    JobAnnouncement.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, JobAnnouncement.codec(), opts);
    }
    JobAnnouncement.stream = stream;
})(JobAnnouncement || (JobAnnouncement = {}));
export var WalrusRef;
(function (WalrusRef) {
    let _codec;
    WalrusRef.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.blobId != null && obj.blobId !== '')) {
                    w.uint32(10);
                    w.string(obj.blobId);
                }
                if ((obj.parts != null && obj.parts !== false)) {
                    w.uint32(16);
                    w.bool(obj.parts);
                }
                if ((obj.offset != null && obj.offset !== 0)) {
                    w.uint32(24);
                    w.uint64Number(obj.offset);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    blobId: '',
                    parts: false,
                    offset: 0
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.blobId = reader.string();
                            break;
                        }
                        case 2: {
                            obj.parts = reader.bool();
                            break;
                        }
                        case 3: {
                            obj.offset = reader.uint64Number();
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
                return obj;
            }, function* (reader, length, prefix, opts = {}) {
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            yield {
                                field: `${prefix}.blobId`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.parts`,
                                value: reader.bool()
                            };
                            break;
                        }
                        case 3: {
                            yield {
                                field: `${prefix}.offset`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
            });
        }
        return _codec;
    };
    function encode(obj) {
        return encodeMessage(obj, WalrusRef.codec());
    }
    WalrusRef.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, WalrusRef.codec(), opts);
    }
    WalrusRef.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, WalrusRef.codec(), opts);
    }
    WalrusRef.stream = stream;
})(WalrusRef || (WalrusRef = {}));
export var Bid;
(function (Bid) {
    let _codec;
    Bid.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.jobId != null && obj.jobId.byteLength > 0)) {
                    w.uint32(10);
                    w.bytes(obj.jobId);
                }
                if ((obj.price != null && obj.price !== 0)) {
                    w.uint32(16);
                    w.uint64Number(obj.price);
                }
                if ((obj.benchScore != null && obj.benchScore !== 0)) {
                    w.uint32(24);
                    w.uint32(obj.benchScore);
                }
                if ((obj.slots != null && obj.slots !== 0)) {
                    w.uint32(32);
                    w.uint32(obj.slots);
                }
                if (obj.hardware != null) {
                    w.uint32(42);
                    Hardware.codec().encode(obj.hardware, w);
                }
                if ((obj.timestampMs != null && obj.timestampMs !== 0)) {
                    w.uint32(48);
                    w.uint64Number(obj.timestampMs);
                }
                if ((obj.region != null && obj.region !== '')) {
                    w.uint32(58);
                    w.string(obj.region);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    jobId: uint8ArrayAlloc(0),
                    price: 0,
                    benchScore: 0,
                    slots: 0,
                    timestampMs: 0,
                    region: ''
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.jobId = reader.bytes();
                            break;
                        }
                        case 2: {
                            obj.price = reader.uint64Number();
                            break;
                        }
                        case 3: {
                            obj.benchScore = reader.uint32();
                            break;
                        }
                        case 4: {
                            obj.slots = reader.uint32();
                            break;
                        }
                        case 5: {
                            obj.hardware = Hardware.codec().decode(reader, reader.uint32(), {
                                limits: opts.limits?.hardware
                            });
                            break;
                        }
                        case 6: {
                            obj.timestampMs = reader.uint64Number();
                            break;
                        }
                        case 7: {
                            obj.region = reader.string();
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
                return obj;
            }, function* (reader, length, prefix, opts = {}) {
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            yield {
                                field: `${prefix}.jobId`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.price`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 3: {
                            yield {
                                field: `${prefix}.benchScore`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 4: {
                            yield {
                                field: `${prefix}.slots`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 5: {
                            yield* Hardware.codec().stream(reader, reader.uint32(), `${prefix}.hardware`, {
                                limits: opts.limits?.hardware
                            });
                            break;
                        }
                        case 6: {
                            yield {
                                field: `${prefix}.timestampMs`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 7: {
                            yield {
                                field: `${prefix}.region`,
                                value: reader.string()
                            };
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
            });
        }
        return _codec;
    };
    function encode(obj) {
        return encodeMessage(obj, Bid.codec());
    }
    Bid.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, Bid.codec(), opts);
    }
    Bid.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, Bid.codec(), opts);
    }
    Bid.stream = stream;
})(Bid || (Bid = {}));
export var TaskClaim;
(function (TaskClaim) {
    let _codec;
    TaskClaim.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.jobId != null && obj.jobId.byteLength > 0)) {
                    w.uint32(10);
                    w.bytes(obj.jobId);
                }
                if ((obj.timestampMs != null && obj.timestampMs !== 0)) {
                    w.uint32(16);
                    w.uint64Number(obj.timestampMs);
                }
                if (obj.bid != null) {
                    w.uint32(26);
                    Envelope.codec().encode(obj.bid, w);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    jobId: uint8ArrayAlloc(0),
                    timestampMs: 0
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.jobId = reader.bytes();
                            break;
                        }
                        case 2: {
                            obj.timestampMs = reader.uint64Number();
                            break;
                        }
                        case 3: {
                            obj.bid = Envelope.codec().decode(reader, reader.uint32(), {
                                limits: opts.limits?.bid
                            });
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
                return obj;
            }, function* (reader, length, prefix, opts = {}) {
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            yield {
                                field: `${prefix}.jobId`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.timestampMs`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 3: {
                            yield* Envelope.codec().stream(reader, reader.uint32(), `${prefix}.bid`, {
                                limits: opts.limits?.bid
                            });
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
            });
        }
        return _codec;
    };
    function encode(obj) {
        return encodeMessage(obj, TaskClaim.codec());
    }
    TaskClaim.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, TaskClaim.codec(), opts);
    }
    TaskClaim.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, TaskClaim.codec(), opts);
    }
    TaskClaim.stream = stream;
})(TaskClaim || (TaskClaim = {}));
export var Lease;
(function (Lease) {
    let _codec;
    Lease.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.jobId != null && obj.jobId.byteLength > 0)) {
                    w.uint32(10);
                    w.bytes(obj.jobId);
                }
                if ((obj.taskIndex != null && obj.taskIndex !== 0)) {
                    w.uint32(16);
                    w.uint32(obj.taskIndex);
                }
                if ((obj.leaseId != null && obj.leaseId.byteLength > 0)) {
                    w.uint32(26);
                    w.bytes(obj.leaseId);
                }
                if ((obj.worker != null && obj.worker.byteLength > 0)) {
                    w.uint32(34);
                    w.bytes(obj.worker);
                }
                if ((obj.frameStart != null && obj.frameStart !== 0)) {
                    w.uint32(40);
                    w.uint32(obj.frameStart);
                }
                if ((obj.frameEnd != null && obj.frameEnd !== 0)) {
                    w.uint32(48);
                    w.uint32(obj.frameEnd);
                }
                if ((obj.issuedMs != null && obj.issuedMs !== 0)) {
                    w.uint32(56);
                    w.uint64Number(obj.issuedMs);
                }
                if ((obj.expiresMs != null && obj.expiresMs !== 0)) {
                    w.uint32(64);
                    w.uint64Number(obj.expiresMs);
                }
                if ((obj.price != null && obj.price !== 0)) {
                    w.uint32(72);
                    w.uint64Number(obj.price);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    jobId: uint8ArrayAlloc(0),
                    taskIndex: 0,
                    leaseId: uint8ArrayAlloc(0),
                    worker: uint8ArrayAlloc(0),
                    frameStart: 0,
                    frameEnd: 0,
                    issuedMs: 0,
                    expiresMs: 0,
                    price: 0
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.jobId = reader.bytes();
                            break;
                        }
                        case 2: {
                            obj.taskIndex = reader.uint32();
                            break;
                        }
                        case 3: {
                            obj.leaseId = reader.bytes();
                            break;
                        }
                        case 4: {
                            obj.worker = reader.bytes();
                            break;
                        }
                        case 5: {
                            obj.frameStart = reader.uint32();
                            break;
                        }
                        case 6: {
                            obj.frameEnd = reader.uint32();
                            break;
                        }
                        case 7: {
                            obj.issuedMs = reader.uint64Number();
                            break;
                        }
                        case 8: {
                            obj.expiresMs = reader.uint64Number();
                            break;
                        }
                        case 9: {
                            obj.price = reader.uint64Number();
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
                return obj;
            }, function* (reader, length, prefix, opts = {}) {
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            yield {
                                field: `${prefix}.jobId`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.taskIndex`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 3: {
                            yield {
                                field: `${prefix}.leaseId`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        case 4: {
                            yield {
                                field: `${prefix}.worker`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        case 5: {
                            yield {
                                field: `${prefix}.frameStart`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 6: {
                            yield {
                                field: `${prefix}.frameEnd`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 7: {
                            yield {
                                field: `${prefix}.issuedMs`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 8: {
                            yield {
                                field: `${prefix}.expiresMs`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 9: {
                            yield {
                                field: `${prefix}.price`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
            });
        }
        return _codec;
    };
    function encode(obj) {
        return encodeMessage(obj, Lease.codec());
    }
    Lease.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, Lease.codec(), opts);
    }
    Lease.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, Lease.codec(), opts);
    }
    Lease.stream = stream;
})(Lease || (Lease = {}));
export var LeaseRenewal;
(function (LeaseRenewal) {
    let _codec;
    LeaseRenewal.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.jobId != null && obj.jobId.byteLength > 0)) {
                    w.uint32(10);
                    w.bytes(obj.jobId);
                }
                if ((obj.taskIndex != null && obj.taskIndex !== 0)) {
                    w.uint32(16);
                    w.uint32(obj.taskIndex);
                }
                if ((obj.leaseId != null && obj.leaseId.byteLength > 0)) {
                    w.uint32(26);
                    w.bytes(obj.leaseId);
                }
                if ((obj.framesDone != null && obj.framesDone !== 0)) {
                    w.uint32(32);
                    w.uint32(obj.framesDone);
                }
                if ((obj.timestampMs != null && obj.timestampMs !== 0)) {
                    w.uint32(40);
                    w.uint64Number(obj.timestampMs);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    jobId: uint8ArrayAlloc(0),
                    taskIndex: 0,
                    leaseId: uint8ArrayAlloc(0),
                    framesDone: 0,
                    timestampMs: 0
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.jobId = reader.bytes();
                            break;
                        }
                        case 2: {
                            obj.taskIndex = reader.uint32();
                            break;
                        }
                        case 3: {
                            obj.leaseId = reader.bytes();
                            break;
                        }
                        case 4: {
                            obj.framesDone = reader.uint32();
                            break;
                        }
                        case 5: {
                            obj.timestampMs = reader.uint64Number();
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
                return obj;
            }, function* (reader, length, prefix, opts = {}) {
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            yield {
                                field: `${prefix}.jobId`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.taskIndex`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 3: {
                            yield {
                                field: `${prefix}.leaseId`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        case 4: {
                            yield {
                                field: `${prefix}.framesDone`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 5: {
                            yield {
                                field: `${prefix}.timestampMs`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
            });
        }
        return _codec;
    };
    function encode(obj) {
        return encodeMessage(obj, LeaseRenewal.codec());
    }
    LeaseRenewal.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, LeaseRenewal.codec(), opts);
    }
    LeaseRenewal.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, LeaseRenewal.codec(), opts);
    }
    LeaseRenewal.stream = stream;
})(LeaseRenewal || (LeaseRenewal = {}));
export var FrameResult;
(function (FrameResult) {
    let _codec;
    FrameResult.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.frame != null && obj.frame !== 0)) {
                    w.uint32(8);
                    w.uint32(obj.frame);
                }
                if ((obj.blobId != null && obj.blobId.byteLength > 0)) {
                    w.uint32(18);
                    w.bytes(obj.blobId);
                }
                if ((obj.pixelHash != null && obj.pixelHash.byteLength > 0)) {
                    w.uint32(26);
                    w.bytes(obj.pixelHash);
                }
                if (obj.size != null) {
                    w.uint32(32);
                    w.uint64Number(obj.size);
                }
                if (obj.walrus != null) {
                    w.uint32(42);
                    WalrusRef.codec().encode(obj.walrus, w);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    frame: 0,
                    blobId: uint8ArrayAlloc(0),
                    pixelHash: uint8ArrayAlloc(0)
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.frame = reader.uint32();
                            break;
                        }
                        case 2: {
                            obj.blobId = reader.bytes();
                            break;
                        }
                        case 3: {
                            obj.pixelHash = reader.bytes();
                            break;
                        }
                        case 4: {
                            obj.size = reader.uint64Number();
                            break;
                        }
                        case 5: {
                            obj.walrus = WalrusRef.codec().decode(reader, reader.uint32(), {
                                limits: opts.limits?.walrus
                            });
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
                return obj;
            }, function* (reader, length, prefix, opts = {}) {
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            yield {
                                field: `${prefix}.frame`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.blobId`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        case 3: {
                            yield {
                                field: `${prefix}.pixelHash`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        case 4: {
                            yield {
                                field: `${prefix}.size`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 5: {
                            yield* WalrusRef.codec().stream(reader, reader.uint32(), `${prefix}.walrus`, {
                                limits: opts.limits?.walrus
                            });
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
            });
        }
        return _codec;
    };
    function encode(obj) {
        return encodeMessage(obj, FrameResult.codec());
    }
    FrameResult.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, FrameResult.codec(), opts);
    }
    FrameResult.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, FrameResult.codec(), opts);
    }
    FrameResult.stream = stream;
})(FrameResult || (FrameResult = {}));
export var ResultCommitment;
(function (ResultCommitment) {
    let _codec;
    ResultCommitment.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.jobId != null && obj.jobId.byteLength > 0)) {
                    w.uint32(10);
                    w.bytes(obj.jobId);
                }
                if ((obj.taskIndex != null && obj.taskIndex !== 0)) {
                    w.uint32(16);
                    w.uint32(obj.taskIndex);
                }
                if ((obj.leaseId != null && obj.leaseId.byteLength > 0)) {
                    w.uint32(26);
                    w.bytes(obj.leaseId);
                }
                if ((obj.merkleRoot != null && obj.merkleRoot.byteLength > 0)) {
                    w.uint32(34);
                    w.bytes(obj.merkleRoot);
                }
                if (obj.frames != null && obj.frames.length > 0) {
                    for (const value of obj.frames) {
                        w.uint32(42);
                        FrameResult.codec().encode(value, w);
                    }
                }
                if ((obj.timestampMs != null && obj.timestampMs !== 0)) {
                    w.uint32(48);
                    w.uint64Number(obj.timestampMs);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    jobId: uint8ArrayAlloc(0),
                    taskIndex: 0,
                    leaseId: uint8ArrayAlloc(0),
                    merkleRoot: uint8ArrayAlloc(0),
                    frames: [],
                    timestampMs: 0
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.jobId = reader.bytes();
                            break;
                        }
                        case 2: {
                            obj.taskIndex = reader.uint32();
                            break;
                        }
                        case 3: {
                            obj.leaseId = reader.bytes();
                            break;
                        }
                        case 4: {
                            obj.merkleRoot = reader.bytes();
                            break;
                        }
                        case 5: {
                            if (opts.limits?.frames != null && obj.frames.length === opts.limits.frames) {
                                throw new MaxLengthError('Decode error - repeated field "frames" had too many elements');
                            }
                            if (obj.frames.length === 1000) {
                                throw new MaxLengthError('Decode error - repeated field "frames" had too many elements');
                            }
                            obj.frames.push(FrameResult.codec().decode(reader, reader.uint32(), {
                                limits: opts.limits?.frames$
                            }));
                            break;
                        }
                        case 6: {
                            obj.timestampMs = reader.uint64Number();
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
                return obj;
            }, function* (reader, length, prefix, opts = {}) {
                const obj = {
                    frames: 1000
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            yield {
                                field: `${prefix}.jobId`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.taskIndex`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 3: {
                            yield {
                                field: `${prefix}.leaseId`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        case 4: {
                            yield {
                                field: `${prefix}.merkleRoot`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        case 5: {
                            if (opts.limits?.frames != null && obj.frames === opts.limits.frames) {
                                throw new MaxLengthError('Streaming decode error - repeated field "frames" had too many elements');
                            }
                            if (obj.frames === 1000) {
                                throw new MaxLengthError('Streaming decode error - repeated field "frames" had too many elements');
                            }
                            for (const evt of FrameResult.codec().stream(reader, reader.uint32(), `${prefix}.frames[]`, {
                                limits: opts.limits?.frames$
                            })) {
                                yield {
                                    ...evt,
                                    index: obj.frames
                                };
                            }
                            obj.frames++;
                            break;
                        }
                        case 6: {
                            yield {
                                field: `${prefix}.timestampMs`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
            });
        }
        return _codec;
    };
    function encode(obj) {
        return encodeMessage(obj, ResultCommitment.codec());
    }
    ResultCommitment.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, ResultCommitment.codec(), opts);
    }
    ResultCommitment.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, ResultCommitment.codec(), opts);
    }
    ResultCommitment.stream = stream;
})(ResultCommitment || (ResultCommitment = {}));
export var Verdict;
(function (Verdict) {
    let _codec;
    Verdict.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.jobId != null && obj.jobId.byteLength > 0)) {
                    w.uint32(10);
                    w.bytes(obj.jobId);
                }
                if ((obj.taskIndex != null && obj.taskIndex !== 0)) {
                    w.uint32(16);
                    w.uint32(obj.taskIndex);
                }
                if ((obj.worker != null && obj.worker.byteLength > 0)) {
                    w.uint32(26);
                    w.bytes(obj.worker);
                }
                if ((obj.merkleRoot != null && obj.merkleRoot.byteLength > 0)) {
                    w.uint32(34);
                    w.bytes(obj.merkleRoot);
                }
                if ((obj.accepted != null && obj.accepted !== false)) {
                    w.uint32(40);
                    w.bool(obj.accepted);
                }
                if ((obj.reason != null && obj.reason !== '')) {
                    w.uint32(50);
                    w.string(obj.reason);
                }
                if (obj.sampledFrames != null && obj.sampledFrames.length > 0) {
                    for (const value of obj.sampledFrames) {
                        w.uint32(56);
                        w.uint32(value);
                    }
                }
                if (obj.scores != null && obj.scores.length > 0) {
                    for (const value of obj.scores) {
                        w.uint32(69);
                        w.float(value);
                    }
                }
                if ((obj.timestampMs != null && obj.timestampMs !== 0)) {
                    w.uint32(72);
                    w.uint64Number(obj.timestampMs);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    jobId: uint8ArrayAlloc(0),
                    taskIndex: 0,
                    worker: uint8ArrayAlloc(0),
                    merkleRoot: uint8ArrayAlloc(0),
                    accepted: false,
                    reason: '',
                    sampledFrames: [],
                    scores: [],
                    timestampMs: 0
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.jobId = reader.bytes();
                            break;
                        }
                        case 2: {
                            obj.taskIndex = reader.uint32();
                            break;
                        }
                        case 3: {
                            obj.worker = reader.bytes();
                            break;
                        }
                        case 4: {
                            obj.merkleRoot = reader.bytes();
                            break;
                        }
                        case 5: {
                            obj.accepted = reader.bool();
                            break;
                        }
                        case 6: {
                            obj.reason = reader.string();
                            break;
                        }
                        case 7: {
                            if (opts.limits?.sampledFrames != null && obj.sampledFrames.length === opts.limits.sampledFrames) {
                                throw new MaxLengthError('Decode error - repeated field "sampledFrames" had too many elements');
                            }
                            if (obj.sampledFrames.length === 1000) {
                                throw new MaxLengthError('Decode error - repeated field "sampledFrames" had too many elements');
                            }
                            obj.sampledFrames.push(reader.uint32());
                            break;
                        }
                        case 8: {
                            if (opts.limits?.scores != null && obj.scores.length === opts.limits.scores) {
                                throw new MaxLengthError('Decode error - repeated field "scores" had too many elements');
                            }
                            if (obj.scores.length === 1000) {
                                throw new MaxLengthError('Decode error - repeated field "scores" had too many elements');
                            }
                            obj.scores.push(reader.float());
                            break;
                        }
                        case 9: {
                            obj.timestampMs = reader.uint64Number();
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
                return obj;
            }, function* (reader, length, prefix, opts = {}) {
                const obj = {
                    sampledFrames: 1000,
                    scores: 1000
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            yield {
                                field: `${prefix}.jobId`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.taskIndex`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 3: {
                            yield {
                                field: `${prefix}.worker`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        case 4: {
                            yield {
                                field: `${prefix}.merkleRoot`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        case 5: {
                            yield {
                                field: `${prefix}.accepted`,
                                value: reader.bool()
                            };
                            break;
                        }
                        case 6: {
                            yield {
                                field: `${prefix}.reason`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 7: {
                            if (opts.limits?.sampledFrames != null && obj.sampledFrames === opts.limits.sampledFrames) {
                                throw new MaxLengthError('Streaming decode error - repeated field "sampledFrames" had too many elements');
                            }
                            if (obj.sampledFrames === 1000) {
                                throw new MaxLengthError('Streaming decode error - repeated field "sampledFrames" had too many elements');
                            }
                            yield {
                                field: `${prefix}.sampledFrames[]`,
                                index: obj.sampledFrames,
                                value: reader.uint32()
                            };
                            obj.sampledFrames++;
                            break;
                        }
                        case 8: {
                            if (opts.limits?.scores != null && obj.scores === opts.limits.scores) {
                                throw new MaxLengthError('Streaming decode error - repeated field "scores" had too many elements');
                            }
                            if (obj.scores === 1000) {
                                throw new MaxLengthError('Streaming decode error - repeated field "scores" had too many elements');
                            }
                            yield {
                                field: `${prefix}.scores[]`,
                                index: obj.scores,
                                value: reader.float()
                            };
                            obj.scores++;
                            break;
                        }
                        case 9: {
                            yield {
                                field: `${prefix}.timestampMs`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
            });
        }
        return _codec;
    };
    function encode(obj) {
        return encodeMessage(obj, Verdict.codec());
    }
    Verdict.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, Verdict.codec(), opts);
    }
    Verdict.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, Verdict.codec(), opts);
    }
    Verdict.stream = stream;
})(Verdict || (Verdict = {}));
export var JobNotice;
(function (JobNotice) {
    let _codec;
    JobNotice.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.jobId != null && obj.jobId.byteLength > 0)) {
                    w.uint32(10);
                    w.bytes(obj.jobId);
                }
                if ((obj.kind != null && obj.kind !== 0)) {
                    w.uint32(16);
                    w.uint32(obj.kind);
                }
                if ((obj.timestampMs != null && obj.timestampMs !== 0)) {
                    w.uint32(24);
                    w.uint64Number(obj.timestampMs);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    jobId: uint8ArrayAlloc(0),
                    kind: 0,
                    timestampMs: 0
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.jobId = reader.bytes();
                            break;
                        }
                        case 2: {
                            obj.kind = reader.uint32();
                            break;
                        }
                        case 3: {
                            obj.timestampMs = reader.uint64Number();
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
                return obj;
            }, function* (reader, length, prefix, opts = {}) {
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            yield {
                                field: `${prefix}.jobId`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.kind`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 3: {
                            yield {
                                field: `${prefix}.timestampMs`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
            });
        }
        return _codec;
    };
    function encode(obj) {
        return encodeMessage(obj, JobNotice.codec());
    }
    JobNotice.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, JobNotice.codec(), opts);
    }
    JobNotice.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, JobNotice.codec(), opts);
    }
    JobNotice.stream = stream;
})(JobNotice || (JobNotice = {}));
export var TaskReply;
(function (TaskReply) {
    let _codec;
    TaskReply.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.code != null && obj.code !== 0)) {
                    w.uint32(8);
                    w.uint32(obj.code);
                }
                if ((obj.reason != null && obj.reason !== '')) {
                    w.uint32(18);
                    w.string(obj.reason);
                }
                if (obj.lease != null) {
                    w.uint32(26);
                    Envelope.codec().encode(obj.lease, w);
                }
                if ((obj.retryAfterMs != null && obj.retryAfterMs !== 0)) {
                    w.uint32(32);
                    w.uint32(obj.retryAfterMs);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    code: 0,
                    reason: '',
                    retryAfterMs: 0
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.code = reader.uint32();
                            break;
                        }
                        case 2: {
                            obj.reason = reader.string();
                            break;
                        }
                        case 3: {
                            obj.lease = Envelope.codec().decode(reader, reader.uint32(), {
                                limits: opts.limits?.lease
                            });
                            break;
                        }
                        case 4: {
                            obj.retryAfterMs = reader.uint32();
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
                return obj;
            }, function* (reader, length, prefix, opts = {}) {
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            yield {
                                field: `${prefix}.code`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.reason`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 3: {
                            yield* Envelope.codec().stream(reader, reader.uint32(), `${prefix}.lease`, {
                                limits: opts.limits?.lease
                            });
                            break;
                        }
                        case 4: {
                            yield {
                                field: `${prefix}.retryAfterMs`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
            });
        }
        return _codec;
    };
    function encode(obj) {
        return encodeMessage(obj, TaskReply.codec());
    }
    TaskReply.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, TaskReply.codec(), opts);
    }
    TaskReply.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, TaskReply.codec(), opts);
    }
    TaskReply.stream = stream;
})(TaskReply || (TaskReply = {}));
export var BlobRequest;
(function (BlobRequest) {
    let _codec;
    BlobRequest.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.blobId != null && obj.blobId.byteLength > 0)) {
                    w.uint32(10);
                    w.bytes(obj.blobId);
                }
                if ((obj.offset != null && obj.offset !== 0)) {
                    w.uint32(16);
                    w.uint64Number(obj.offset);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    blobId: uint8ArrayAlloc(0),
                    offset: 0
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.blobId = reader.bytes();
                            break;
                        }
                        case 2: {
                            obj.offset = reader.uint64Number();
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
                return obj;
            }, function* (reader, length, prefix, opts = {}) {
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            yield {
                                field: `${prefix}.blobId`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.offset`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
            });
        }
        return _codec;
    };
    function encode(obj) {
        return encodeMessage(obj, BlobRequest.codec());
    }
    BlobRequest.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, BlobRequest.codec(), opts);
    }
    BlobRequest.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, BlobRequest.codec(), opts);
    }
    BlobRequest.stream = stream;
})(BlobRequest || (BlobRequest = {}));
export var BlobHeader;
(function (BlobHeader) {
    let _codec;
    BlobHeader.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.code != null && obj.code !== 0)) {
                    w.uint32(8);
                    w.uint32(obj.code);
                }
                if ((obj.size != null && obj.size !== 0)) {
                    w.uint32(16);
                    w.uint64Number(obj.size);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    code: 0,
                    size: 0
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.code = reader.uint32();
                            break;
                        }
                        case 2: {
                            obj.size = reader.uint64Number();
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
                return obj;
            }, function* (reader, length, prefix, opts = {}) {
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            yield {
                                field: `${prefix}.code`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.size`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
            });
        }
        return _codec;
    };
    function encode(obj) {
        return encodeMessage(obj, BlobHeader.codec());
    }
    BlobHeader.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, BlobHeader.codec(), opts);
    }
    BlobHeader.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, BlobHeader.codec(), opts);
    }
    BlobHeader.stream = stream;
})(BlobHeader || (BlobHeader = {}));
export var CropTile;
(function (CropTile) {
    let _codec;
    CropTile.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.frame != null && obj.frame !== 0)) {
                    w.uint32(8);
                    w.uint32(obj.frame);
                }
                if ((obj.x != null && obj.x !== 0)) {
                    w.uint32(16);
                    w.uint32(obj.x);
                }
                if ((obj.y != null && obj.y !== 0)) {
                    w.uint32(24);
                    w.uint32(obj.y);
                }
                if ((obj.width != null && obj.width !== 0)) {
                    w.uint32(32);
                    w.uint32(obj.width);
                }
                if ((obj.height != null && obj.height !== 0)) {
                    w.uint32(40);
                    w.uint32(obj.height);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    frame: 0,
                    x: 0,
                    y: 0,
                    width: 0,
                    height: 0
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.frame = reader.uint32();
                            break;
                        }
                        case 2: {
                            obj.x = reader.uint32();
                            break;
                        }
                        case 3: {
                            obj.y = reader.uint32();
                            break;
                        }
                        case 4: {
                            obj.width = reader.uint32();
                            break;
                        }
                        case 5: {
                            obj.height = reader.uint32();
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
                return obj;
            }, function* (reader, length, prefix, opts = {}) {
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            yield {
                                field: `${prefix}.frame`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.x`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 3: {
                            yield {
                                field: `${prefix}.y`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 4: {
                            yield {
                                field: `${prefix}.width`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 5: {
                            yield {
                                field: `${prefix}.height`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
            });
        }
        return _codec;
    };
    function encode(obj) {
        return encodeMessage(obj, CropTile.codec());
    }
    CropTile.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, CropTile.codec(), opts);
    }
    CropTile.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, CropTile.codec(), opts);
    }
    CropTile.stream = stream;
})(CropTile || (CropTile = {}));
export var CheckRequest;
(function (CheckRequest) {
    let _codec;
    CheckRequest.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.jobAnnouncement != null && obj.jobAnnouncement.byteLength > 0)) {
                    w.uint32(10);
                    w.bytes(obj.jobAnnouncement);
                }
                if (obj.commitment != null) {
                    w.uint32(18);
                    Envelope.codec().encode(obj.commitment, w);
                }
                if ((obj.beacon != null && obj.beacon.byteLength > 0)) {
                    w.uint32(26);
                    w.bytes(obj.beacon);
                }
                if (obj.frames != null && obj.frames.length > 0) {
                    for (const value of obj.frames) {
                        w.uint32(32);
                        w.uint32(value);
                    }
                }
                if (obj.tiles != null && obj.tiles.length > 0) {
                    for (const value of obj.tiles) {
                        w.uint32(42);
                        CropTile.codec().encode(value, w);
                    }
                }
                if ((obj.redundancyIndex != null && obj.redundancyIndex !== 0)) {
                    w.uint32(48);
                    w.uint32(obj.redundancyIndex);
                }
                if ((obj.timestampMs != null && obj.timestampMs !== 0)) {
                    w.uint32(56);
                    w.uint64Number(obj.timestampMs);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    jobAnnouncement: uint8ArrayAlloc(0),
                    beacon: uint8ArrayAlloc(0),
                    frames: [],
                    tiles: [],
                    redundancyIndex: 0,
                    timestampMs: 0
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.jobAnnouncement = reader.bytes();
                            break;
                        }
                        case 2: {
                            obj.commitment = Envelope.codec().decode(reader, reader.uint32(), {
                                limits: opts.limits?.commitment
                            });
                            break;
                        }
                        case 3: {
                            obj.beacon = reader.bytes();
                            break;
                        }
                        case 4: {
                            if (opts.limits?.frames != null && obj.frames.length === opts.limits.frames) {
                                throw new MaxLengthError('Decode error - repeated field "frames" had too many elements');
                            }
                            if (obj.frames.length === 1000) {
                                throw new MaxLengthError('Decode error - repeated field "frames" had too many elements');
                            }
                            obj.frames.push(reader.uint32());
                            break;
                        }
                        case 5: {
                            if (opts.limits?.tiles != null && obj.tiles.length === opts.limits.tiles) {
                                throw new MaxLengthError('Decode error - repeated field "tiles" had too many elements');
                            }
                            if (obj.tiles.length === 4000) {
                                throw new MaxLengthError('Decode error - repeated field "tiles" had too many elements');
                            }
                            obj.tiles.push(CropTile.codec().decode(reader, reader.uint32(), {
                                limits: opts.limits?.tiles$
                            }));
                            break;
                        }
                        case 6: {
                            obj.redundancyIndex = reader.uint32();
                            break;
                        }
                        case 7: {
                            obj.timestampMs = reader.uint64Number();
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
                return obj;
            }, function* (reader, length, prefix, opts = {}) {
                const obj = {
                    frames: 1000,
                    tiles: 4000
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            yield {
                                field: `${prefix}.jobAnnouncement`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        case 2: {
                            yield* Envelope.codec().stream(reader, reader.uint32(), `${prefix}.commitment`, {
                                limits: opts.limits?.commitment
                            });
                            break;
                        }
                        case 3: {
                            yield {
                                field: `${prefix}.beacon`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        case 4: {
                            if (opts.limits?.frames != null && obj.frames === opts.limits.frames) {
                                throw new MaxLengthError('Streaming decode error - repeated field "frames" had too many elements');
                            }
                            if (obj.frames === 1000) {
                                throw new MaxLengthError('Streaming decode error - repeated field "frames" had too many elements');
                            }
                            yield {
                                field: `${prefix}.frames[]`,
                                index: obj.frames,
                                value: reader.uint32()
                            };
                            obj.frames++;
                            break;
                        }
                        case 5: {
                            if (opts.limits?.tiles != null && obj.tiles === opts.limits.tiles) {
                                throw new MaxLengthError('Streaming decode error - repeated field "tiles" had too many elements');
                            }
                            if (obj.tiles === 4000) {
                                throw new MaxLengthError('Streaming decode error - repeated field "tiles" had too many elements');
                            }
                            for (const evt of CropTile.codec().stream(reader, reader.uint32(), `${prefix}.tiles[]`, {
                                limits: opts.limits?.tiles$
                            })) {
                                yield {
                                    ...evt,
                                    index: obj.tiles
                                };
                            }
                            obj.tiles++;
                            break;
                        }
                        case 6: {
                            yield {
                                field: `${prefix}.redundancyIndex`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 7: {
                            yield {
                                field: `${prefix}.timestampMs`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
            });
        }
        return _codec;
    };
    function encode(obj) {
        return encodeMessage(obj, CheckRequest.codec());
    }
    CheckRequest.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, CheckRequest.codec(), opts);
    }
    CheckRequest.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, CheckRequest.codec(), opts);
    }
    CheckRequest.stream = stream;
})(CheckRequest || (CheckRequest = {}));
export var CheckReply;
(function (CheckReply) {
    let _codec;
    CheckReply.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.code != null && obj.code !== 0)) {
                    w.uint32(8);
                    w.uint32(obj.code);
                }
                if ((obj.reason != null && obj.reason !== '')) {
                    w.uint32(18);
                    w.string(obj.reason);
                }
                if (obj.verdict != null) {
                    w.uint32(26);
                    Envelope.codec().encode(obj.verdict, w);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    code: 0,
                    reason: ''
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.code = reader.uint32();
                            break;
                        }
                        case 2: {
                            obj.reason = reader.string();
                            break;
                        }
                        case 3: {
                            obj.verdict = Envelope.codec().decode(reader, reader.uint32(), {
                                limits: opts.limits?.verdict
                            });
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
                return obj;
            }, function* (reader, length, prefix, opts = {}) {
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            yield {
                                field: `${prefix}.code`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.reason`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 3: {
                            yield* Envelope.codec().stream(reader, reader.uint32(), `${prefix}.verdict`, {
                                limits: opts.limits?.verdict
                            });
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
            });
        }
        return _codec;
    };
    function encode(obj) {
        return encodeMessage(obj, CheckReply.codec());
    }
    CheckReply.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, CheckReply.codec(), opts);
    }
    CheckReply.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, CheckReply.codec(), opts);
    }
    CheckReply.stream = stream;
})(CheckReply || (CheckReply = {}));
