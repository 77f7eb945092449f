# Builds the hostile scenes the Blender renderer's tests feed it, each in its
# own job folder and each with a canary: a file or folder under CANARY_DIR
# that appears only if the attack worked.
#   blender -b --factory-startup -noaudio --python make_hostile_scenes.py -- OUT_DIR CANARY_DIR
# OUT_DIR/<case>/scene.blend for case in:
#   autoexec      a registered text block (runs on load) and a render handler
#   driver        a Python driver expression
#   file-output   a compositor File Output node writing into CANARY_DIR/file-output
#   outside-tex   image textures at /etc/passwd, CANARY_DIR/secret.png and //../secret.png
#   outside-lib   an object linked from CANARY_DIR/lib.blend
#   outside-cache point, fluid and ocean caches and a font under CANARY_DIR
#   memory-hog    a subdivision level that needs many GB
import math
import os
import shutil
import sys

import bpy

out_dir, canary = (os.path.abspath(p) for p in sys.argv[sys.argv.index("--") + 1 :][:2])
os.makedirs(canary, exist_ok=True)


def base_scene():
    bpy.ops.wm.read_factory_settings(use_empty=True)
    scene = bpy.context.scene
    scene.render.engine = "CYCLES"
    scene.cycles.samples = 2
    scene.cycles.use_denoising = False  # Debian's Blender is built without OpenImageDenoise
    scene.render.resolution_x = 32
    scene.render.resolution_y = 18
    bpy.ops.mesh.primitive_cube_add()
    cube = bpy.context.object
    bpy.ops.object.light_add(type="POINT", location=(2, -2, 3))
    bpy.context.object.data.energy = 300
    bpy.ops.object.camera_add(location=(0, -6, 2), rotation=(math.radians(75), 0, 0))
    scene.camera = bpy.context.object
    return scene, cube


def save(case):
    folder = os.path.join(out_dir, case)
    os.makedirs(folder, exist_ok=True)
    bpy.ops.wm.save_as_mainfile(filepath=os.path.join(folder, "scene.blend"), relative_remap=False)


def canary_code(name):
    path = os.path.join(canary, name)
    return "open(%r, 'w').write('ran')\n" % path


# autoexec: a text block registered as a module runs when the file loads with
# autoexec on; the handler it installs would also run on every render.
scene, _ = base_scene()
text = bpy.data.texts.new("pictor_canary.py")
text.use_module = True
text.write("import bpy\n" + canary_code("autoexec") + "bpy.app.handlers.render_pre.append(lambda *a: " + canary_code("handler").strip() + ")\n")
save("autoexec")

# driver: a driver expression that is not a "simple expression" needs Python.
scene, cube = base_scene()
fcurve = cube.driver_add("location", 0)
fcurve.driver.type = "SCRIPTED"
fcurve.driver.expression = "__import__('os').makedirs(%r, exist_ok=True) or 0" % os.path.join(canary, "driver")
save("driver")

# file-output: the compositor writes every rendered frame to an outside folder.
scene, _ = base_scene()
scene.use_nodes = True
tree = scene.node_tree
node = tree.nodes.new("CompositorNodeOutputFile")
node.base_path = os.path.join(canary, "file-output") + os.sep
tree.links.new(tree.nodes["Render Layers"].outputs["Image"], node.inputs[0])
save("file-output")

# outside-tex: a secret image outside the job, reached by absolute and by ../ paths.
secret = bpy.data.images.new("secret", width=8, height=8)
secret.pixels = [1.0, 0.0, 1.0, 1.0] * 64
secret.filepath_raw = os.path.join(canary, "secret.png")
secret.file_format = "PNG"
secret.save()
scene, cube = base_scene()
mat = bpy.data.materials.new("leak")
mat.use_nodes = True
bsdf = mat.node_tree.nodes["Principled BSDF"]
for i, path in enumerate(["/etc/passwd", os.path.join(canary, "secret.png"), "//../../canary/secret.png"]):
    tex = mat.node_tree.nodes.new("ShaderNodeTexImage")
    tex.image = bpy.data.images.load(path, check_existing=False) if os.path.exists(path) else bpy.data.images.new("img%d" % i, 4, 4)
    tex.image.filepath = path
    tex.image.source = "FILE"
    mat.node_tree.links.new(tex.outputs["Color"], bsdf.inputs["Base Color" if i != 2 else "Emission"])
cube.data.materials.append(mat)
save("outside-tex")

# outside-lib: linked data is read at load time, before any script of ours.
scene, cube = base_scene()
cube.name = "LibCube"
lib_path = os.path.join(canary, "lib.blend")
bpy.ops.wm.save_as_mainfile(filepath=lib_path)
scene, _ = base_scene()
with bpy.data.libraries.load(lib_path, link=True) as (src, dst):
    dst.objects = ["LibCube"]
for obj in dst.objects:
    scene.collection.objects.link(obj)
save("outside-lib")

# outside-cache: simulation caches that read from (and write to) outside folders.
scene, cube = base_scene()
cloth = cube.modifiers.new("cloth", "CLOTH")
cloth.point_cache.use_external = True
cloth.point_cache.filepath = os.path.join(canary, "cloth-cache")
bpy.ops.mesh.primitive_plane_add(location=(0, 0, -1))
ocean = bpy.context.object.modifiers.new("ocean", "OCEAN")
ocean.filepath = os.path.join(canary, "ocean-cache")
bpy.ops.mesh.primitive_cube_add(size=0.2, location=(3, 3, 3))
fluid = bpy.context.object.modifiers.new("fluid", "FLUID")
fluid.fluid_type = "DOMAIN"
fluid.domain_settings.cache_directory = os.path.join(canary, "fluid-cache")
bpy.ops.rigidbody.world_add()
scene.rigidbody_world.point_cache.use_external = True
scene.rigidbody_world.point_cache.filepath = os.path.join(canary, "rigid-cache")
font = bpy.data.fonts.load("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf") if os.path.exists("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf") else None
if font is not None:
    bpy.ops.object.text_add(location=(0, 0, 2))
    bpy.context.object.data.font = font
save("outside-cache")
# Building the scene already ran the fluid solver once: clear its canary.
shutil.rmtree(os.path.join(canary, "fluid-cache"), ignore_errors=True)

# memory-hog: level 11 subdivision of a cube is ~25M faces, many GB.
scene, cube = base_scene()
mod = cube.modifiers.new("subsurf", "SUBSURF")
mod.levels = 1
mod.render_levels = 11
save("memory-hog")
