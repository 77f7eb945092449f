# Pictor's fixed render script. Blender runs it right after loading the
# untrusted scene (with --disable-autoexec, so no Python from the scene has
# run). Every job parameter comes from the JSON file named after `--`; nothing
# from the job is ever part of Python source.
#
# Before rendering it neutralises what --disable-autoexec does not stop
# (compositor File Output nodes, paths that reach outside the job folder,
# OSL scripts, stamp metadata) and forces the settings that make a re-render
# or a crop pixel-identical (fixed seed, no dither, no denoising, no adaptive
# sampling). Lines starting with "PICTOR <nonce>" are its report to the node;
# the nonce is fresh per task, so scene content cannot forge them.
import json
import os
import sys
import time

import bpy

task = {}


def report(*words):
    print("PICTOR", task.get("nonce", "-"), *words, flush=True)


def fail(code, message):
    report("error", code, json.dumps(message))
    sys.stdout.flush()
    os._exit(3)  # no Blender clean-up: nothing of the scene should run after a refusal


def within(path, roots):
    real = os.path.realpath(path)
    return any(real == root or real.startswith(root + os.sep) for root in roots)


def resolve(raw, library=None):
    # Blender's own resolution of "//" (relative to the scene or its library).
    return os.path.normpath(bpy.path.abspath(raw, library=library))


def outside(raw, library=None):
    if not raw:
        return False
    return not within(resolve(raw, library), task["readRoots"])


neutralised = []


def neutralise(kind, name, raw):
    neutralised.append(kind)
    report("neutralised", kind, json.dumps(name), json.dumps(raw))


def harden_paths():
    lib_of = lambda block: getattr(block, "library", None)  # noqa: E731
    for lib in bpy.data.libraries:
        # Linked data is already loaded by now; it cannot be un-read, so refuse.
        if outside(lib.filepath, lib_of(lib)):
            fail("SCENE_INVALID", "linked library outside the job folder: " + lib.filepath)
    for img in bpy.data.images:
        if img.packed_file is None and img.source in {"FILE", "SEQUENCE", "MOVIE", "TILED"} and outside(img.filepath, lib_of(img)):
            neutralise("image", img.name, img.filepath)
            img.source = "GENERATED"  # renders as a flat generated image, reads no file
    for font in bpy.data.fonts:
        if font.packed_file is None and font.filepath != "<builtin>" and outside(font.filepath, lib_of(font)):
            neutralise("font", font.name, font.filepath)
            font.filepath = "<builtin>"
    for collection, kind in ((bpy.data.sounds, "sound"), (bpy.data.movieclips, "movieclip"), (bpy.data.cache_files, "cache_file"), (bpy.data.volumes, "volume")):
        for block in collection:
            if getattr(block, "packed_file", None) is None and outside(block.filepath, lib_of(block)):
                neutralise(kind, block.name, block.filepath)
                block.filepath = "//pictor-neutralised"
    for text in bpy.data.texts:
        if text.filepath and outside(text.filepath, lib_of(text)):
            neutralise("text", text.name, text.filepath)
            text.filepath = ""
    harden_caches()
    for tree in node_trees():
        for node in tree.nodes:
            if node.bl_idname in {"ShaderNodeTexIES", "ShaderNodeScript"} and node.mode == "EXTERNAL" and outside(node.filepath):
                neutralise(node.bl_idname, node.name, node.filepath)
                node.mode = "INTERNAL"
    for scene in bpy.data.scenes:
        if scene.sequence_editor is None:
            continue
        for strip in scene.sequence_editor.sequences_all:
            raw = getattr(strip, "filepath", None) or getattr(strip, "directory", None)
            if raw and outside(raw):
                neutralise("strip", strip.name, raw)
                strip.mute = True


def point_caches():
    for obj in bpy.data.objects:
        for ps in getattr(obj, "particle_systems", []):
            yield obj.name, ps.point_cache
        for mod in obj.modifiers:
            if getattr(mod, "point_cache", None) is not None:
                yield obj.name, mod.point_cache
            canvas = getattr(mod, "canvas_settings", None)
            for surface in getattr(canvas, "canvas_surfaces", []) if canvas is not None else []:
                yield obj.name, surface.point_cache
    for scene in bpy.data.scenes:
        if scene.rigidbody_world is not None:
            yield scene.name, scene.rigidbody_world.point_cache


def harden_caches():
    # A cache may be "external" (any path) or on disk next to the scene
    # (//blendcache_*, inside the job folder: baked simulations live there,
    # so those stay). Outside paths are cut off; a fluid or ocean cache
    # directory outside the job goes to our own, empty cache folder.
    for owner, cache in point_caches():
        if cache.use_external and outside(cache.filepath):
            neutralise("point_cache", owner, cache.filepath)
            cache.use_external = False
    for obj in bpy.data.objects:
        for mod in obj.modifiers:
            settings = getattr(mod, "domain_settings", None)
            if settings is not None and outside(settings.cache_directory):
                neutralise("fluid_cache", obj.name, settings.cache_directory)
                settings.cache_directory = os.path.join(task["cacheDir"], "fluid")
            if mod.type == "OCEAN" and outside(mod.filepath):
                neutralise("ocean_cache", obj.name, mod.filepath)
                mod.filepath = os.path.join(task["cacheDir"], "ocean")


def node_trees():
    owners = list(bpy.data.materials) + list(bpy.data.worlds) + list(bpy.data.lights) + list(bpy.data.scenes) + list(bpy.data.textures) + list(bpy.data.linestyles)
    trees = [o.node_tree for o in owners if getattr(o, "node_tree", None) is not None]
    return trees + list(bpy.data.node_groups)


def strip_file_outputs():
    # A File Output node writes wherever its base path says, autoexec or not.
    for tree in node_trees():
        for node in [n for n in tree.nodes if n.bl_idname == "CompositorNodeOutputFile"]:
            neutralise("file_output", node.name, node.base_path)
            tree.nodes.remove(node)


def apply_settings(scene):
    r = scene.render
    r.engine = task["engine"]
    r.resolution_x = task["width"]
    r.resolution_y = task["height"]
    r.resolution_percentage = 100
    r.pixel_aspect_x = r.pixel_aspect_y = 1
    r.dither_intensity = 0
    r.threads_mode = "FIXED"
    r.threads = task["threads"]
    r.use_multiview = False  # one file per frame, never _L/_R pairs
    r.use_persistent_data = False
    r.use_stamp = False
    for prop in dir(r):
        if prop.startswith("use_stamp"):
            setattr(r, prop, False)
    r.use_file_extension = True
    r.use_overwrite = True
    r.use_placeholder = False
    fmt = r.image_settings
    if task["fileFormat"] == "OPEN_EXR":
        # Exactly what the node's EXR reader takes: scanline, FLOAT RGBA, ZIP, no extra channels.
        fmt.file_format = "OPEN_EXR"
        fmt.color_mode = "RGBA"
        fmt.color_depth = "32"
        fmt.exr_codec = "ZIP"
        for extra in ("use_zbuffer", "use_preview"):
            if hasattr(fmt, extra):
                setattr(fmt, extra, False)
    else:
        fmt.file_format = "PNG"
        fmt.color_mode = "RGBA"
        fmt.color_depth = "8"
        fmt.compression = 15
    border = task.get("border")
    r.use_border = border is not None
    r.use_crop_to_border = border is not None
    if border is not None:
        r.border_min_x, r.border_max_x = border["minX"], border["maxX"]
        r.border_min_y, r.border_max_y = border["minY"], border["maxY"]
    if task["engine"] == "CYCLES":
        apply_cycles(scene)
    else:
        scene.eevee.taa_render_samples = task["samples"]


def apply_cycles(scene):
    c = scene.cycles
    c.samples = task["samples"]
    c.seed = task["seed"]
    c.use_animated_seed = False
    # Both depend on neighbouring pixels, so a crop would not match the full frame.
    c.use_adaptive_sampling = False
    c.use_denoising = False
    c.shading_system = False  # OSL compiles scripts; SVM runs none
    device = task["device"]
    if device == "CPU":
        c.device = "CPU"
        return
    prefs = bpy.context.preferences.addons["cycles"].preferences
    backends = [device] if device != "GPU" else ["OPTIX", "CUDA", "HIP", "ONEAPI", "METAL"]
    for backend in backends:
        try:
            prefs.compute_device_type = backend
        except TypeError:
            continue
        devices = [d for d in prefs.get_devices_for_type(backend) if d.type != "CPU"]
        if devices:
            for d in prefs.get_devices_for_type(backend):
                d.use = d.type != "CPU"
            c.device = "GPU"
            return
    fail("SETTINGS_INVALID", "no " + device + " device available to Blender")


def main():
    global task
    with open(sys.argv[sys.argv.index("--") + 1]) as f:
        task = json.load(f)
    task["readRoots"] = [os.path.realpath(p) for p in task["readRoots"]]
    # Blender exits when it cannot load the file, but never render anything else.
    if os.path.abspath(bpy.data.filepath) != os.path.abspath(task["scenePath"]):
        fail("SCENE_INVALID", "Blender did not load the scene")
    scene = bpy.context.scene
    if scene is None or scene.camera is None:
        fail("SCENE_INVALID", "the scene has no active camera")
    harden_paths()
    strip_file_outputs()
    apply_settings(scene)
    report("ready", len(neutralised))
    for frame in task["frames"]:
        scene.frame_set(frame)
        # write_still does not expand "#", so name each frame here.
        scene.render.filepath = os.path.join(task["outDir"], "%06d" % frame)
        started = time.perf_counter()
        bpy.ops.render.render(write_still=True, scene=scene.name)
        report("frame", frame, "%.4f" % (time.perf_counter() - started))
    report("done")


try:
    main()
except SystemExit:
    raise
except BaseException as err:  # noqa: BLE001 - any failure must end the process, not fall through to rendering
    fail("RENDER_FAILED", "%s: %s" % (type(err).__name__, str(err).splitlines()[0] if str(err) else ""))
