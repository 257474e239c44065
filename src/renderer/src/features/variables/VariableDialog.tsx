import { useState, type ReactElement } from 'react'
import { isEnvName } from '@shared/env-name'
import {
  VariableCreateRequest,
  VariableUpdateRequest,
  describeIssues,
  type RequestOf,
  type VariableType,
  type VariableView
} from '@shared/ipc'
import { toast } from '@renderer/app/ui'
import { FormDialog } from '@renderer/components/DialogForm'
import { Icon } from '@renderer/components/Icon'
import { TextField } from '@renderer/components/TextField'
import { useSubmit } from '@renderer/lib/use-submit'
import { useVariables } from './store'

const TYPES: { type: VariableType; title: string; text: string }[] = [
  {
    type: 'Credential',
    title: 'Credential',
    text: 'An API key or password. Encrypted, and shown only on request, after your password.'
  },
  {
    type: 'Generic',
    title: 'Generic',
    text: 'A setting such as a model name or a URL. Encrypted, but visible here.'
  }
]

function parseFields(text: string): string[] {
  return [
    ...new Set(
      text
        .split(',')
        .map((f) => f.trim())
        .filter(Boolean)
    )
  ]
}

/**
 * Creates a variable, or edits one. Editing a Credential never shows its value: the field starts empty, and a
 * value typed there replaces the stored one (left empty, the stored value is kept).
 */
export function VariableDialog({
  variable,
  onClose
}: {
  variable?: VariableView
  onClose(): void
}): ReactElement {
  const editing = variable !== undefined
  const [name, setName] = useState(variable?.name ?? '')
  const [type, setType] = useState<VariableType>(variable?.type ?? 'Credential')
  const [value, setValue] = useState(variable?.type === 'Generic' ? (variable.value ?? '') : '')
  const [fields, setFields] = useState(variable?.default_fields.join(', ') ?? '')
  const replacingSecret = editing && variable.type === 'Credential'

  const default_fields = parseFields(fields)
  const request = editing
    ? { id: variable.id, name, type, default_fields, ...(value ? { value } : {}) }
    : { name, type, value, default_fields }
  const submit = useSubmit(
    async () => {
      if (editing && type === 'Credential' && variable.type === 'Generic' && !value) {
        // Turning a Generic into a Credential keeps its value, now hidden: say so rather than surprise.
        toast('The value is kept and is now hidden.', 'info')
      }
      if (editing) {
        await useVariables.getState().update(request as RequestOf<'variables:update'>)
        toast(`${name.trim()} is saved.`)
      } else {
        await useVariables.getState().create(request as RequestOf<'variables:create'>)
        toast(`${name.trim()} is created.`)
      }
      onClose()
    },
    {
      check: () => {
        const checked = (editing ? VariableUpdateRequest : VariableCreateRequest).safeParse(request)
        return checked.success ? null : describeIssues(checked.error).replace(/^\w+: /, '')
      }
    }
  )

  return (
    <FormDialog
      title={editing ? `Edit ${variable.name}` : 'New global variable'}
      onClose={onClose}
      submit={submit}
      label={editing ? 'Save' : 'Create variable'}
      busyLabel="Saving…"
    >
      <TextField
        label="Name"
        hint={
          name.trim() !== '' && !isEnvName(name.trim())
            ? 'Not a .env name (letters, digits and _): export-env and run will leave it out.'
            : undefined
        }
        value={name}
        onChange={setName}
        className="input mono"
        placeholder="OPENAI_API_KEY"
        spellCheck={false}
        autoComplete="off"
        data-autofocus
      />
      <fieldset className="field">
        <legend className="field__label">Type</legend>
        <div className="choice-cards">
          {TYPES.map((t) => (
            <label key={t.type} className={type === t.type ? 'choice-card choice-card--on' : 'choice-card'}>
              <input
                type="radio"
                name="variable-type"
                value={t.type}
                checked={type === t.type}
                onChange={() => setType(t.type)}
              />
              <span className="choice-card__title">{t.title}</span>
              <span className="choice-card__text">{t.text}</span>
            </label>
          ))}
        </div>
      </fieldset>
      <TextField
        label={replacingSecret ? 'New value' : 'Value'}
        hint={
          replacingSecret ? (
            <>
              <Icon name="lock" size={12} /> The current value is never shown here (its eye button in the list
              shows it, after your password). A new value replaces it.
            </>
          ) : undefined
        }
        revealable
        value={value}
        onChange={setValue}
        className="input mono"
        placeholder={replacingSecret ? 'Leave empty to keep the current value' : ''}
        autoComplete="new-password"
        spellCheck={false}
      />
      <TextField
        label="Apply to fields"
        hint="Component fields that use this variable by default, separated by commas."
        value={fields}
        onChange={setFields}
        placeholder="e.g. openai_api_key, api_key"
        spellCheck={false}
      />
    </FormDialog>
  )
}
