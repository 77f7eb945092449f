# Builds the small test scene used by the Blender renderer tests, with
# Blender itself so nothing is downloaded:
#   blender -b --factory-startup -noaudio --python make_test_scene.py -- OUT_DIR
# Writes OUT_DIR/scene.blend, OUT_DIR/tex.png (an external texture referenced
# as //tex.png, so it resolves inside the job folder), OUT_DIR/packed.blend
# (the same scene with the texture packed into the file) and
# OUT_DIR/compressed.blend (packed, saved zstd-compressed as Blender 3+ does).
# The render settings baked in match what the renderer forces (fixed seed,
# no dither, no denoising, no adaptive sampling), so a bare command-line
# render of scene.blend is a fair reference for the worker path.
import math
import os
import sys

import bpy

out_dir = os.path.abspath(sys.argv[sys.argv.index("--") + 1])
os.makedirs(out_dir, exist_ok=True)

bpy.ops.wm.read_factory_settings(use_empty=True)
scene = bpy.context.scene
scene.render.engine = "CYCLES"
scene.cycles.device = "CPU"
scene.cycles.samples = 8
scene.cycles.seed = 42
scene.cycles.use_animated_seed = False
scene.cycles.use_adaptive_sampling = False
scene.cycles.use_denoising = False
scene.render.dither_intensity = 0
scene.render.resolution_x = 96
scene.render.resolution_y = 54
scene.render.resolution_percentage = 100
scene.render.threads_mode = "FIXED"
scene.render.threads = 2
scene.render.image_settings.file_format = "PNG"
scene.render.image_settings.color_mode = "RGBA"
scene.render.image_settings.color_depth = "8"
scene.frame_start = 1
scene.frame_end = 3

# A procedural checker image saved next to the scene: an external texture.
size = 32
image = bpy.data.images.new("tex", width=size, height=size, alpha=False)
pixels = []
for y in range(size):
    for x in range(size):
        on = ((x // 8) + (y // 8)) % 2 == 0
        pixels += [0.9, 0.6, 0.1, 1.0] if on else [0.1, 0.2, 0.8, 1.0]
image.pixels = pixels
image.filepath_raw = os.path.join(out_dir, "tex.png")
image.file_format = "PNG"
image.save()
image.filepath = "//tex.png"


def material(name, color, textured=False):
    mat = bpy.data.materials.new(name)
    mat.use_nodes = True
    bsdf = mat.node_tree.nodes["Principled BSDF"]
    bsdf.inputs["Base Color"].default_value = color
    if textured:
        node = mat.node_tree.nodes.new("ShaderNodeTexImage")
        node.image = image
        mat.node_tree.links.new(node.outputs["Color"], bsdf.inputs["Base Color"])
    return mat


bpy.ops.mesh.primitive_plane_add(size=8)
bpy.context.object.data.materials.append(material("floor", (0.8, 0.8, 0.8, 1), textured=True))
bpy.ops.mesh.primitive_uv_sphere_add(radius=0.7, location=(0, 0, 0.7))
sphere = bpy.context.object
sphere.data.materials.append(material("red", (0.8, 0.1, 0.1, 1)))
# Animated, so frames differ and frame selection is observable.
sphere.location.x = -1.0
sphere.keyframe_insert("location", frame=1)
sphere.location.x = 1.0
sphere.keyframe_insert("location", frame=3)
bpy.ops.mesh.primitive_cube_add(size=0.8, location=(1.6, -0.6, 0.4))
bpy.context.object.data.materials.append(material("box", (0.1, 0.7, 0.2, 1), textured=True))

bpy.ops.object.light_add(type="AREA", location=(2, -2, 4))
bpy.context.object.data.energy = 400
bpy.ops.object.camera_add(location=(0, -6, 3), rotation=(math.radians(65), 0, 0))
scene.camera = bpy.context.object

world = bpy.data.worlds.new("world")
world.use_nodes = True
world.node_tree.nodes["Background"].inputs["Color"].default_value = (0.3, 0.4, 0.6, 1)
scene.world = world

bpy.ops.wm.save_as_mainfile(filepath=os.path.join(out_dir, "scene.blend"), relative_remap=True)
image.pack()
bpy.ops.wm.save_as_mainfile(filepath=os.path.join(out_dir, "packed.blend"), relative_remap=True)
bpy.ops.wm.save_as_mainfile(filepath=os.path.join(out_dir, "compressed.blend"), relative_remap=True, compress=True)
