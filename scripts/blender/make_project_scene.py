# Builds a small Blender project (a .blend plus a texture in a subfolder) for
# the project-scene tests, with Blender itself so nothing is downloaded:
#   blender -b --factory-startup -noaudio --python make_project_scene.py -- OUT_DIR
# Writes OUT_DIR/shot.blend and OUT_DIR/textures/wood.png. The texture is
# external (not packed) and referenced as //textures/wood.png, so it only
# reaches a render when the whole folder does: it covers a plane that fills
# the camera's view, so a missing texture changes every frame.
# The render settings baked in match what the renderer forces (fixed seed,
# no dither, no denoising, no adaptive sampling), so a bare command-line
# render of shot.blend is a fair reference for the worker path.
import math
import os
import sys

import bpy

out_dir = os.path.abspath(sys.argv[sys.argv.index("--") + 1])
os.makedirs(os.path.join(out_dir, "textures"), exist_ok=True)

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
scene.frame_end = 2

# Wood-like stripes with a knot, so any part of the plane shows the texture.
size = 64
image = bpy.data.images.new("wood", width=size, height=size, alpha=False)
pixels = []
for y in range(size):
    for x in range(size):
        ring = math.sin((x + 6 * math.sin(y / 9.0)) / 2.5)
        knot = math.hypot(x - 40, y - 22) < 6
        shade = 0.25 if knot else 0.45 + 0.2 * ring
        pixels += [shade * 1.4, shade * 0.8, shade * 0.35, 1.0]
image.pixels = pixels
image.filepath_raw = os.path.join(out_dir, "textures", "wood.png")
image.file_format = "PNG"
image.save()
image.filepath = "//textures/wood.png"

material = bpy.data.materials.new("wood")
material.use_nodes = True
bsdf = material.node_tree.nodes["Principled BSDF"]
texture = material.node_tree.nodes.new("ShaderNodeTexImage")
texture.image = image
material.node_tree.links.new(texture.outputs["Color"], bsdf.inputs["Base Color"])

bpy.ops.mesh.primitive_plane_add(size=20)
bpy.context.object.data.materials.append(material)
bpy.ops.mesh.primitive_uv_sphere_add(radius=0.7, location=(0, 0, 0.7))
sphere = bpy.context.object
plain = bpy.data.materials.new("red")
plain.use_nodes = True
plain.node_tree.nodes["Principled BSDF"].inputs["Base Color"].default_value = (0.8, 0.1, 0.1, 1)
sphere.data.materials.append(plain)
# Animated, so the two frames differ.
sphere.location.x = -1.0
sphere.keyframe_insert("location", frame=1)
sphere.location.x = 1.0
sphere.keyframe_insert("location", frame=2)

bpy.ops.object.light_add(type="SUN", location=(0, 0, 5))
bpy.context.object.data.energy = 3
bpy.ops.object.camera_add(location=(0, -5, 4), rotation=(math.radians(50), 0, 0))
scene.camera = bpy.context.object

world = bpy.data.worlds.new("world")
world.use_nodes = True
world.node_tree.nodes["Background"].inputs["Color"].default_value = (0.3, 0.4, 0.6, 1)
scene.world = world

bpy.ops.wm.save_as_mainfile(filepath=os.path.join(out_dir, "shot.blend"), relative_remap=True)
