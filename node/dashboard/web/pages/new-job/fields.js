// @ts-check
// The New job form's fields: every setting `pictor job submit` takes, as
// typed text. What the values mean and which are allowed is the server's
// to say (form-state.js turns them into the request).
import { html } from '../../html.js'
import { DEVICES, ENGINES, OUTPUT_FORMATS, RESOLUTIONS, TIERS, TIME_UNITS } from './form-state.js'

/** @typedef {import('./form-state.js').JobForm} JobForm */
/** @typedef {(key: keyof JobForm, value: string | boolean) => void} SetField */

/** @param {{ label: string, name: keyof JobForm, form: JobForm, set: SetField, type?: string, placeholder?: string, hint?: string }} props */
function Input({ label, name, form, set, type = 'text', placeholder, hint }) {
  return html`<label
    ><span class="field-name">${label}</span>
    <input type=${type} name=${name} aria-label=${label} value=${form[name]} placeholder=${placeholder} onInput=${(e) => set(name, e.currentTarget.value)} />
    ${hint !== undefined && html`<span class="muted">${hint}</span>`}
  </label>`
}

/** @param {{ label: string, name: keyof JobForm, form: JobForm, set: SetField, options: [string, string][] }} props */
function Select({ label, name, form, set, options }) {
  return html`<label
    ><span class="field-name">${label}</span>
    <select name=${name} aria-label=${label} value=${form[name]} onChange=${(e) => set(name, e.currentTarget.value)}>
      ${options.map(([value, text]) => html`<option value=${value}>${text}</option>`)}
    </select>
  </label>`
}

/** A duration: a number and its unit (minutes, hours, days). @param {{ label: string, name: keyof JobForm, unit: keyof JobForm, form: JobForm, set: SetField, placeholder: string }} props */
function Duration({ label, name, unit, form, set, placeholder }) {
  return html`<label
    ><span class="field-name">${label}</span>
    <input type="number" name=${name} aria-label=${label} value=${form[name]} placeholder=${placeholder} onInput=${(e) => set(name, e.currentTarget.value)} />
    <select name=${unit} aria-label=${`${label} unit`} value=${form[unit]} onChange=${(e) => set(unit, e.currentTarget.value)}>
      ${Object.keys(TIME_UNITS).map((u) => html`<option value=${u}>${u}</option>`)}
    </select>
  </label>`
}

const any = (values) => [['', 'any'], ...values.map((v) => [v, v])]

/** @param {{ form: JobForm, set: SetField, disabled: boolean }} props */
export function JobFields({ form, set, disabled }) {
  const p = { form, set }
  return html`
    <fieldset disabled=${disabled}>
      <legend>Frames and image</legend>
      <${Select} label="Renderer" name="renderer" ...${p} options=${[['builtin', 'builtin (JSON scene)'], ['blender', 'Blender']]} />
      <${Input} label="First frame" name="frameStart" type="number" ...${p} />
      <${Input} label="Last frame" name="frameEnd" type="number" ...${p} />
      <${Input} label="Frames per task" name="framesPerTask" type="number" ...${p} />
      <${Select} label="Resolution" name="resolution" ...${p} options=${[...Object.entries(RESOLUTIONS).map(([k, r]) => [k, `${k} ${r.width}×${r.height}`]), ['custom', 'custom']]} />
      ${form.resolution === 'custom' && html`<${Input} label="Width" name="width" type="number" ...${p} /><${Input} label="Height" name="height" type="number" ...${p} />`}
      <${Input} label="Samples" name="samples" type="number" placeholder="128" ...${p} />
      <${Input} label="Seed" name="seed" type="number" placeholder="0" ...${p} />
      <${Select} label="Output format" name="outputFormat" ...${p} options=${OUTPUT_FORMATS.map((f) => [f, f])} />
    </fieldset>
    <fieldset disabled=${disabled}>
      <legend>Blender</legend>
      <${Select} label="Engine" name="engine" ...${p} options=${any(ENGINES)} />
      <${Select} label="Device" name="device" ...${p} options=${any(DEVICES)} />
      <${Input} label="Blender version" name="rendererVersion" placeholder="any, e.g. 4.2 or >=3.6" ...${p} />
    </fieldset>
    <fieldset disabled=${disabled}>
      <legend>Price and time</legend>
      <${Input} label="Price cap" name="maxPrice" type="number" hint="µPIC per reference frame" ...${p} />
      <${Select} label="Tier" name="tier" ...${p} options=${TIERS.map((t) => [String(t.tier), t.label])} />
      <${Duration} label="Stop taking claims after" name="timeoutStop" unit="timeoutStopUnit" placeholder="24 hours" ...${p} />
      <${Duration} label="Alert when a task runs longer than" name="timeoutAlert" unit="timeoutAlertUnit" placeholder="off" ...${p} />
    </fieldset>
    <fieldset disabled=${disabled}>
      <legend>Workers</legend>
      <${Input} label="Minimum bench score" name="minBenchScore" type="number" placeholder="0" ...${p} />
      <${Input} label="Regions" name="regions" placeholder="any, e.g. eu-west, us-east" ...${p} />
      <${Input} label="GPU vendor" name="gpuVendor" placeholder="any, e.g. NVIDIA" ...${p} />
      <${Input} label="GPU model" name="gpuModel" placeholder="any, e.g. RTX 4090" ...${p} />
      <${Input} label="Minimum GPUs" name="minGpuCount" type="number" placeholder="0" ...${p} />
      <${Input} label="Minimum RAM" name="minRamGib" type="number" hint="GiB" placeholder="0" ...${p} />
    </fieldset>
    <fieldset disabled=${disabled}>
      <legend>About</legend>
      <${Input} label="Name" name="name" ...${p} />
      <${Input} label="Comment" name="comment" ...${p} />
    </fieldset>
  `
}
