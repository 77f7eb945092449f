# Prints, as one JSON report line, the render engines and GPU compute
# backends this Blender can use, and the GPU devices of each backend (the
# same card shows under CUDA and OPTIX). Fixed script: it reads no input.
import json

import bpy

engines = ["BLENDER_EEVEE"]
if any(cls.bl_idname == "CYCLES" for cls in bpy.types.RenderEngine.__subclasses__()):
    engines.insert(0, "CYCLES")
backends = []
gpus = []
try:
    prefs = bpy.context.preferences.addons["cycles"].preferences
except KeyError:
    prefs = None
for backend in ("CUDA", "OPTIX", "HIP", "METAL", "ONEAPI"):
    if prefs is None:
        break
    try:
        prefs.compute_device_type = backend
        found = [d for d in prefs.get_devices_for_type(backend) if d.type != "CPU"]
        if found:
            backends.append(backend)
            gpus.extend({"backend": backend, "name": d.name} for d in found)
    except (TypeError, AttributeError, RuntimeError):
        continue  # this build was compiled without the backend
print("PICTOR-DEVICES " + json.dumps({"engines": engines, "devices": ["CPU"] + backends, "gpus": gpus}), flush=True)
