# Prints, as one JSON report line, the render engines and GPU compute
# backends this Blender can use. Fixed script: it reads no input.
import json

import bpy

engines = ["BLENDER_EEVEE"]
if any(cls.bl_idname == "CYCLES" for cls in bpy.types.RenderEngine.__subclasses__()):
    engines.insert(0, "CYCLES")
backends = []
try:
    prefs = bpy.context.preferences.addons["cycles"].preferences
except KeyError:
    prefs = None
for backend in ("CUDA", "OPTIX", "HIP", "METAL", "ONEAPI"):
    if prefs is None:
        break
    try:
        prefs.compute_device_type = backend
        if any(d.type != "CPU" for d in prefs.get_devices_for_type(backend)):
            backends.append(backend)
    except (TypeError, AttributeError, RuntimeError):
        continue  # this build was compiled without the backend
print("PICTOR-DEVICES " + json.dumps({"engines": engines, "devices": ["CPU"] + backends}), flush=True)
