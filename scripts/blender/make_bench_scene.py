# Builds the Blender benchmark scene with Blender itself (nothing downloaded):
#   blender -b --factory-startup -noaudio --python make_bench_scene.py -- OUT.blend
# It must never change once scores are published: scores are compared
# across machines and over time (the renderer caches the generated file
# under a hash of this script, so an edit yields a new file and new scores).
# It mixes diffuse, glossy, glass, emission and a subdivided mesh so no
# single fast path dominates the time.
import math
import sys

import bpy

out = sys.argv[sys.argv.index("--") + 1]
bpy.ops.wm.read_factory_settings(use_empty=True)
scene = bpy.context.scene
scene.render.engine = "CYCLES"
scene.cycles.device = "CPU"
scene.render.resolution_x = 160
scene.render.resolution_y = 90
scene.render.resolution_percentage = 100
scene.cycles.samples = 16
scene.cycles.max_bounces = 8
scene.cycles.use_adaptive_sampling = False
scene.cycles.use_denoising = False
scene.frame_start = 1
scene.frame_end = 2


def principled(name, color, metallic=0.0, roughness=0.5, transmission=0.0):
    mat = bpy.data.materials.new(name)
    mat.use_nodes = True
    bsdf = mat.node_tree.nodes["Principled BSDF"]
    bsdf.inputs["Base Color"].default_value = color
    bsdf.inputs["Metallic"].default_value = metallic
    bsdf.inputs["Roughness"].default_value = roughness
    bsdf.inputs["Transmission"].default_value = transmission
    return mat


def emission(name, color, strength):
    mat = bpy.data.materials.new(name)
    mat.use_nodes = True
    nodes = mat.node_tree.nodes
    nodes.remove(nodes["Principled BSDF"])
    node = nodes.new("ShaderNodeEmission")
    node.inputs["Color"].default_value = color
    node.inputs["Strength"].default_value = strength
    mat.node_tree.links.new(node.outputs["Emission"], nodes["Material Output"].inputs["Surface"])
    return mat


def checker_floor():
    mat = principled("floor", (0.8, 0.8, 0.8, 1), roughness=0.3)
    tex = mat.node_tree.nodes.new("ShaderNodeTexChecker")
    tex.inputs["Scale"].default_value = 12
    mat.node_tree.links.new(tex.outputs["Color"], mat.node_tree.nodes["Principled BSDF"].inputs["Base Color"])
    return mat


bpy.ops.mesh.primitive_plane_add(size=20)
bpy.context.object.data.materials.append(checker_floor())
materials = [
    principled("red", (0.8, 0.1, 0.1, 1)),
    principled("steel", (0.9, 0.9, 0.95, 1), metallic=1.0, roughness=0.15),
    principled("glass", (1, 1, 1, 1), roughness=0.0, transmission=1.0),
    principled("green", (0.1, 0.6, 0.2, 1), roughness=0.8),
]
for i in range(8):
    angle = i * math.tau / 8
    bpy.ops.mesh.primitive_uv_sphere_add(radius=0.45, location=(2.2 * math.cos(angle), 2.2 * math.sin(angle), 0.45))
    bpy.context.object.data.materials.append(materials[i % len(materials)])
bpy.ops.mesh.primitive_monkey_add(size=1.4, location=(0, 0, 0.9))
monkey = bpy.context.object
monkey.modifiers.new("subsurf", "SUBSURF").render_levels = 2
monkey.data.materials.append(materials[1])
bpy.ops.mesh.primitive_ico_sphere_add(radius=0.15, location=(-0.8, -1.2, 2.2))
bpy.context.object.data.materials.append(emission("lamp", (1, 0.8, 0.6, 1), 40))

bpy.ops.object.light_add(type="AREA", location=(3, -3, 5))
bpy.context.object.data.energy = 600
bpy.context.object.data.size = 2
bpy.ops.object.camera_add(location=(0, -6.5, 3.2), rotation=(math.radians(66), 0, 0))
scene.camera = bpy.context.object

world = bpy.data.worlds.new("world")
world.use_nodes = True
world.node_tree.nodes["Background"].inputs["Color"].default_value = (0.25, 0.35, 0.55, 1)
world.node_tree.nodes["Background"].inputs["Strength"].default_value = 0.6
scene.world = world
bpy.ops.wm.save_as_mainfile(filepath=out)
