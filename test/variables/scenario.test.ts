import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect } from 'vitest'
import { JsonStore } from '../../src/main/store/json-store'
import { osKeychain } from '../../src/main/vault/keychain'
import { Vault } from '../../src/main/vault/vault'
import { exportEnv, writeEnvFile } from '../../src/main/variables/dotenv-export'
import { applyEnvImport } from '../../src/main/variables/dotenv-import'
import { variablesToGetFromEnvironment } from '../../src/main/variables/providers'
import { resolveFlowCredentials } from '../../src/main/variables/resolve'
import { VariableService } from '../../src/main/variables/service'
import { addUser, freshDir } from './setup'
import { itOnFile } from '../helpers/core'
import { expectNoFileHolds } from '../helpers/files'

const secret = (label: string) => `${label}-${randomBytes(12).toString('hex')}`

describe('variables on the real OS keychain', () => {
  // The OS keychain itself: a shared (PostgreSQL) store refuses it, so this stays on the JSON file.
  itOnFile('survive a restart, and no file in the data directory ever holds a plaintext value', async () => {
    const dataDir = freshDir()
    const outside = freshDir()
    mkdirSync(outside, { recursive: true })
    const keychain = osKeychain()
    const store = JsonStore.open(dataDir)
    const vault = await Vault.open({ store, keychain, env: {} })
    expect(vault.source).toBe('generated')
    const service = new VariableService(store, vault)
    const alice = await addUser(store, 'alice')

    const values = {
      CRED: secret('cred'),
      GEN: secret('generic'),
      RENAMED_FROM: secret('renamed'),
      UPDATED_OLD: secret('before-update'),
      UPDATED_NEW: secret('after-update'),
      ENV: secret('env'),
      FILE_LINE: secret('file'),
      FILE_MULTI: `${secret('pem')}\n${secret('pem2')}`
    }
    await service.create(alice, { name: 'CRED', value: values.CRED })
    await service.create(alice, { name: 'GEN', value: values.GEN, type: 'Generic' })
    const renamed = await service.create(alice, { name: 'OLD_NAME', value: values.RENAMED_FROM })
    await service.update(alice, renamed.id, { name: 'NEW_NAME' })
    const updated = await service.create(alice, { name: 'UPD', value: values.UPDATED_OLD })
    await service.update(alice, updated.id, { value: values.UPDATED_NEW })
    await service.importFromEnvironment(
      alice,
      { OPENAI_API_KEY: values.ENV },
      variablesToGetFromEnvironment()
    )
    await applyEnvImport(
      service,
      alice,
      `FILE_LINE=${values.FILE_LINE}\nFILE_MULTI="${values.FILE_MULTI.replace('\n', '\\n')}"\n`
    )
    const exported = join(outside, 'export.env')
    writeEnvFile(exported, (await exportEnv(service, alice)).text)
    const flow = {
      nodes: [
        {
          id: 'M',
          data: { node: { template: { api_key: { load_from_db: true, value: 'OPENAI_API_KEY' } } } }
        }
      ]
    }
    expect(
      resolveFlowCredentials({ flow, lookup: await service.lookupFor(alice), fallbackToEnv: false }).tweaks
    ).toEqual({
      M: { api_key: values.ENV }
    })

    // A second process start: the key comes back from the keychain and opens every value.
    const reopened = JsonStore.open(dataDir)
    const again = new VariableService(reopened, await Vault.open({ store: reopened, keychain, env: {} }))
    expect((await again.get(alice, 'CRED')).value).toBe(values.CRED)
    expect((await again.get(alice, 'GEN')).value).toBe(values.GEN)
    expect((await again.get(alice, 'NEW_NAME')).value).toBe(values.RENAMED_FROM)
    expect((await again.get(alice, 'UPD')).value).toBe(values.UPDATED_NEW)
    expect((await again.get(alice, 'OPENAI_API_KEY')).value).toBe(values.ENV)
    expect((await again.get(alice, 'FILE_MULTI')).value).toBe(values.FILE_MULTI)
    expect(readFileSync(exported, 'utf8')).toContain(values.CRED)

    const parts = Object.values(values).flatMap((value) => value.split('\n'))
    expectNoFileHolds(dataDir, parts)
  })
})
