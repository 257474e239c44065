import { useEffect, useState, type ReactElement } from 'react'
import type { StartupState } from '@shared/ipc'
import { Icon, type IconName } from '@renderer/components/Icon'
import { api, call, messageOf } from '@renderer/lib/ipc'

const STARTUP_POLL_MS = 500

/** Main's start, asked until it is ready or failed: opening the core may wait for the OS keychain. */
export function useStartup(): StartupState | null {
  const [state, setState] = useState<StartupState | null>(null)
  useEffect(() => {
    let stopped = false
    let timer: ReturnType<typeof setTimeout> | undefined
    const poll = async (): Promise<void> => {
      let next: StartupState
      try {
        next = await call(api().app.startup())
      } catch (error) {
        next = { phase: 'failed', message: messageOf(error) }
      }
      if (stopped) return
      setState(next)
      if (next.phase !== 'ready' && next.phase !== 'failed')
        timer = setTimeout(() => void poll(), STARTUP_POLL_MS)
    }
    void poll()
    return () => {
      stopped = true
      clearTimeout(timer)
    }
  }, [])
  return state
}

function startupText(state: StartupState | null): { icon: IconName; title: string; text: string } {
  switch (state?.phase) {
    case 'keychain':
      return {
        icon: 'lock',
        title: 'Waiting for the keychain',
        text: 'FlowKeys keeps its vault key in your OS keychain. Unlock the keychain in the prompt your system shows (it may be behind this window), and FlowKeys goes on.'
      }
    case 'failed':
      return {
        icon: 'alert',
        title: 'FlowKeys could not start',
        text: `${state.message ?? 'The details are in the app log.'} Close FlowKeys, fix this, and open it again.`
      }
    case 'stopping':
      return {
        icon: 'key',
        title: 'FlowKeys is quitting…',
        text: 'Saving usage counts and stopping the key server.'
      }
    default:
      return { icon: 'key', title: 'Starting FlowKeys…', text: 'Opening your keys and variables.' }
  }
}

/** What the window shows until the core is open: what the start waits for, or why it failed. */
export function StartupScreen({ state }: { state: StartupState | null }): ReactElement {
  const { icon, title, text } = startupText(state)
  return (
    <main className="content" id="main">
      <section className="page" aria-labelledby="startup-title">
        <div
          className="empty"
          role={state?.phase === 'failed' ? 'alert' : 'status'}
          data-testid="startup"
          data-phase={state?.phase ?? 'starting'}
        >
          <div className="empty__icon">
            <Icon name={icon} size={28} />
          </div>
          <h1 className="empty__title" id="startup-title">
            {title}
          </h1>
          <p className="empty__text">{text}</p>
        </div>
      </section>
    </main>
  )
}
