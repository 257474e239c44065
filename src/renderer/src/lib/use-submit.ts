import { useState, type FormEvent } from 'react'
import { messageOf } from './ipc'

interface SubmitOptions {
  /** Runs first: a message stops the submit and is shown as the error; false stops it quietly. */
  check?: () => string | false | null | undefined
  /** The error's sentence for the user (default: messageOf). */
  describe?: (err: unknown) => string
}

export interface Submit {
  busy: boolean
  error: string | null
  setError(message: string | null): void
  /** Runs the action: busy while it runs; a failure becomes the error. */
  run(): Promise<void>
  /** A form's onSubmit: no page reload, then the check, then the action. */
  onSubmit(event: FormEvent): void
}

/** The dialogs' submit pattern: a busy flag, an error string, and an action whose failure is shown. */
export function useSubmit(
  action: () => Promise<void>,
  { check, describe = messageOf }: SubmitOptions = {}
): Submit {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)

  const run = async (): Promise<void> => {
    setBusy(true)
    setError(null)
    try {
      await action()
    } catch (err) {
      setError(describe(err))
    } finally {
      setBusy(false)
    }
  }

  const onSubmit = (event: FormEvent): void => {
    event.preventDefault()
    const problem = check?.()
    if (problem === false) return
    if (problem) {
      setError(problem)
      return
    }
    void run()
  }

  return { busy, error, setError, run, onSubmit }
}
