// A preferences.json the app cannot use, under a recording fake of Electron (not the real binary; see
// ./driver.ts): the app starts on the defaults, keeps the old file aside and tells the user which file it reset.
import { existsSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { appHome, launch, untilReady, value } from './scenario'

const BAD_FILES: [string, string][] = [
  ['a port written as a string', '{"serverPort":"7861","autostart":true}'],
  ['a window narrower than the schema allows', '{"window":{"width":150,"height":700}}'],
  ['a truncated file', '{"serverPort":78']
]

describe('the built main process on a preferences file it cannot use (Node with a fake electron module)', () => {
  it.each(BAD_FILES)(
    'starts on the defaults after %s, and says which file it reset',
    async (_what, content) => {
      const home = await appHome(content)
      const app = await launch(home)
      await untilReady(app)

      const { dialogs } = await app.snapshot()
      expect(dialogs).toHaveLength(1)
      expect(dialogs[0]).toMatchObject({
        kind: 'message',
        message: expect.stringMatching(/reset to the defaults/)
      })
      expect(dialogs[0]!.detail).toContain(home.preferencesFile)

      // The defaults are in force and on disk; the old content is kept for the user to look at.
      expect(await value(app, 'app:settings')).toMatchObject({ serverPort: 7861, autostart: true })
      const written = JSON.parse(readFileSync(home.preferencesFile, 'utf8')) as Record<string, unknown>
      expect(written).toMatchObject({
        serverPort: 7861,
        autostart: true,
        window: { width: 1180, height: 760 }
      })
      expect(existsSync(`${home.preferencesFile}.invalid`)).toBe(true)
      expect(readFileSync(`${home.preferencesFile}.invalid`, 'utf8')).toBe(content)
    }
  )
})
