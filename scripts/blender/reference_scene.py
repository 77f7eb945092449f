# What the generated test scenes (make_test_scene.py, make_project_scene.py)
# are built from: an empty scene with the render settings the renderer forces
# baked in (fixed seed, no dither, no denoising, no adaptive sampling), so a
# bare command-line render is a fair reference for the worker path, plus the
# textures, materials, moving sphere, light, camera and sky they place in it.
# Blender's --python does not put a script's folder on sys.path, so those
# scripts add it before importing this module. make_bench_scene.py keeps its
# own code on purpose: its scene is cached under a hash of that one file.
import math
import os

import bpy


def empty_scene(frame_end):
    """Frames 1 to frame_end, 96x54, 8 samples, seed 42, two render threads, 8-bit RGBA PNG."""
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
    scene.frame_end = frame_end
    return scene


def external_texture(name, size, pixel, out_dir, relative_path):
    """A size x size image, pixel(x, y) giving each RGBA, saved as a PNG at
    out_dir/relative_path and referenced as //relative_path: external, not
    packed, so it resolves only beside the .blend."""
    image = bpy.data.images.new(name, width=size, height=size, alpha=False)
    pixels = []
    for y in range(size):
        for x in range(size):
            pixels += pixel(x, y)
    image.pixels = pixels
    image.filepath_raw = os.path.join(out_dir, *relative_path.split("/"))
    image.file_format = "PNG"
    image.save()
    image.filepath = "//" + relative_path
    return image


def material(name, color, image=None):
    """A Principled material of one colour, or showing image when given."""
    mat = bpy.data.materials.new(name)
    mat.use_nodes = True
    bsdf = mat.node_tree.nodes["Principled BSDF"]
    bsdf.inputs["Base Color"].default_value = color
    if image is not None:
        node = mat.node_tree.nodes.new("ShaderNodeTexImage")
        node.image = image
        mat.node_tree.links.new(node.outputs["Color"], bsdf.inputs["Base Color"])
    return mat


def add_moving_sphere(last_frame):
    """A red sphere at x=-1 on frame 1 and x=1 on last_frame, so frames differ."""
    bpy.ops.mesh.primitive_uv_sphere_add(radius=0.7, location=(0, 0, 0.7))
    sphere = bpy.context.object
    sphere.data.materials.append(material("red", (0.8, 0.1, 0.1, 1)))
    sphere.location.x = -1.0
    sphere.keyframe_insert("location", frame=1)
    sphere.location.x = 1.0
    sphere.keyframe_insert("location", frame=last_frame)


def add_light(kind, location, energy):
    bpy.ops.object.light_add(type=kind, location=location)
    bpy.context.object.data.energy = energy


def add_camera(scene, location, tilt_degrees):
    """The scene's camera, turned tilt_degrees about X (0 looks straight down, 90 at the horizon)."""
    bpy.ops.object.camera_add(location=location, rotation=(math.radians(tilt_degrees), 0, 0))
    scene.camera = bpy.context.object


def add_sky(scene, color):
    world = bpy.data.worlds.new("world")
    world.use_nodes = True
    world.node_tree.nodes["Background"].inputs["Color"].default_value = color
    scene.world = world
