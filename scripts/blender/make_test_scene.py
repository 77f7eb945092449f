# Builds the small test scene used by the Blender renderer tests, with
# Blender itself so nothing is downloaded:
#   blender -b --factory-startup -noaudio --python make_test_scene.py -- OUT_DIR
# Writes OUT_DIR/scene.blend, OUT_DIR/tex.png (an external texture referenced
# as //tex.png, so it resolves inside the job folder), OUT_DIR/packed.blend
# (the same scene with the texture packed into the file) and
# OUT_DIR/compressed.blend (packed, saved zstd-compressed as Blender 3+ does).
# The render settings baked in (reference_scene.py) match what the renderer
# forces, so a bare command-line render of scene.blend is a fair reference
# for the worker path.
import os
import sys

import bpy

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from reference_scene import add_camera, add_light, add_moving_sphere, add_sky, empty_scene, external_texture, material  # noqa: E402

out_dir = os.path.abspath(sys.argv[sys.argv.index("--") + 1])
os.makedirs(out_dir, exist_ok=True)

scene = empty_scene(frame_end=3)


# A procedural checker image saved next to the scene: an external texture.
def checker(x, y):
    on = ((x // 8) + (y // 8)) % 2 == 0
    return [0.9, 0.6, 0.1, 1.0] if on else [0.1, 0.2, 0.8, 1.0]


image = external_texture("tex", 32, checker, out_dir, "tex.png")

bpy.ops.mesh.primitive_plane_add(size=8)
bpy.context.object.data.materials.append(material("floor", (0.8, 0.8, 0.8, 1), image))
# Moves across frames 1-3, so frame selection is observable.
add_moving_sphere(last_frame=3)
bpy.ops.mesh.primitive_cube_add(size=0.8, location=(1.6, -0.6, 0.4))
bpy.context.object.data.materials.append(material("box", (0.1, 0.7, 0.2, 1), image))

add_light("AREA", (2, -2, 4), 400)
add_camera(scene, (0, -6, 3), 65)
add_sky(scene, (0.3, 0.4, 0.6, 1))

bpy.ops.wm.save_as_mainfile(filepath=os.path.join(out_dir, "scene.blend"), relative_remap=True)
image.pack()
bpy.ops.wm.save_as_mainfile(filepath=os.path.join(out_dir, "packed.blend"), relative_remap=True)
bpy.ops.wm.save_as_mainfile(filepath=os.path.join(out_dir, "compressed.blend"), relative_remap=True, compress=True)
