# Builds a small Blender project (a .blend plus a texture in a subfolder) for
# the project-scene tests, with Blender itself so nothing is downloaded:
#   blender -b --factory-startup -noaudio --python make_project_scene.py -- OUT_DIR
# Writes OUT_DIR/shot.blend and OUT_DIR/textures/wood.png. The texture is
# external (not packed) and referenced as //textures/wood.png, so it only
# reaches a render when the whole folder does: it covers a plane that fills
# the camera's view, so a missing texture changes every frame.
# The render settings baked in (reference_scene.py) match what the renderer
# forces, so a bare command-line render of shot.blend is a fair reference
# for the worker path.
import math
import os
import sys

import bpy

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from reference_scene import add_camera, add_light, add_moving_sphere, add_sky, empty_scene, external_texture, material  # noqa: E402

out_dir = os.path.abspath(sys.argv[sys.argv.index("--") + 1])
os.makedirs(os.path.join(out_dir, "textures"), exist_ok=True)

scene = empty_scene(frame_end=2)


# Wood-like stripes with a knot, so any part of the plane shows the texture.
def wood(x, y):
    ring = math.sin((x + 6 * math.sin(y / 9.0)) / 2.5)
    knot = math.hypot(x - 40, y - 22) < 6
    shade = 0.25 if knot else 0.45 + 0.2 * ring
    return [shade * 1.4, shade * 0.8, shade * 0.35, 1.0]


image = external_texture("wood", 64, wood, out_dir, "textures/wood.png")
# The default Principled colour: the texture replaces it.
floor = material("wood", (0.8, 0.8, 0.8, 1), image)

bpy.ops.mesh.primitive_plane_add(size=20)
bpy.context.object.data.materials.append(floor)
add_moving_sphere(last_frame=2)

add_light("SUN", (0, 0, 5), 3)
add_camera(scene, (0, -5, 4), 50)
add_sky(scene, (0.3, 0.4, 0.6, 1))

bpy.ops.wm.save_as_mainfile(filepath=os.path.join(out_dir, "shot.blend"), relative_remap=True)
