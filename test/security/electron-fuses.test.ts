// Packaging cannot run here (no Electron binary can be downloaded), so what is tested is the configuration that
// `npm run package` hands electron-builder: loaded and schema-checked by electron-builder itself, and turned into
// the fuse wire it would write into the binary, read back with @electron/fuses' own option numbers.
import { FuseV1Options, FuseVersion } from '@electron/fuses'
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config'
import { DebugLogger } from 'builder-util'
import type { Configuration } from 'electron-builder'
import { LinuxPackager } from 'electron-builder'
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'

const root = resolve(import.meta.dirname, '../..')
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>
  devDependencies: Record<string, string>
  dependencies: Record<string, string>
}

/** The config file the package script passes with --config. */
function configFileOfPackageScript(): string {
  const match = /electron-builder\s.*--config[\s=](\S+)/.exec(pkg.scripts.package ?? '')
  return match?.[1] ?? ''
}

/** The `files` patterns, whether as written or as electron-builder normalises them ({ filter: [...] }). */
function filePatterns(files: Configuration['files']): string[] {
  const entries = files === undefined || files === null ? [] : Array.isArray(files) ? files : [files]
  return entries.flatMap((entry) => (typeof entry === 'string' ? [entry] : [entry.filter ?? []].flat()))
}

type FuseWire = Partial<Record<FuseV1Options, boolean>> & { version: FuseVersion }

/** What electron-builder flips in the packaged binary for `electronFuses` (its own private conversion). */
async function fuseWire(config: Configuration): Promise<FuseWire> {
  const packager = LinuxPackager.prototype as unknown as {
    generateFuseConfig: (fuses: NonNullable<Configuration['electronFuses']>) => Promise<FuseWire>
  }
  return packager.generateFuseConfig(config.electronFuses!)
}

let config: Configuration

beforeAll(async () => {
  config = await getConfig(root, configFileOfPackageScript(), null)
})

describe('npm run package', () => {
  it('builds, then packages for Linux with the config file tested here', () => {
    expect(pkg.scripts.package).toMatch(/^npm run build && electron-builder .*--linux/)
    expect(configFileOfPackageScript()).toBe('electron-builder.config.mjs')
    expect(existsSync(join(root, configFileOfPackageScript()))).toBe(true)
    expect(pkg.devDependencies['electron-builder']).toBeDefined()
    expect(pkg.devDependencies['@electron/fuses']).toBeDefined()
  })

  it('is a configuration electron-builder accepts', async () => {
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined()
  })
})

describe('the packaged app', () => {
  it('is FlowKeys, as AppImage and deb', () => {
    expect(config.productName).toBe('FlowKeys')
    expect(config.appId).toMatch(/^[a-z]+(\.[a-z0-9-]+)+$/)
    const targets = (config.linux?.target ?? []) as string[]
    expect(targets).toEqual(expect.arrayContaining(['AppImage', 'deb']))
  })

  it('ships only the build and package.json, in an asar with keytar unpacked', () => {
    expect(filePatterns(config.files)).toEqual(['out/**', 'package.json'])
    expect(config.asar).toBe(true)
    expect(config.asarUnpack).toEqual(expect.arrayContaining(['node_modules/keytar/**']))
    expect(pkg.dependencies.keytar).toBeDefined()
  })
})

describe('the Electron fuses', () => {
  let wire: FuseWire
  beforeAll(async () => {
    wire = await fuseWire(config)
  })

  it.each([
    ['RunAsNode', false, FuseV1Options.RunAsNode],
    ['EnableNodeOptionsEnvironmentVariable', false, FuseV1Options.EnableNodeOptionsEnvironmentVariable],
    ['EnableNodeCliInspectArguments', false, FuseV1Options.EnableNodeCliInspectArguments],
    ['EnableCookieEncryption', true, FuseV1Options.EnableCookieEncryption],
    ['EnableEmbeddedAsarIntegrityValidation', true, FuseV1Options.EnableEmbeddedAsarIntegrityValidation],
    ['OnlyLoadAppFromAsar', true, FuseV1Options.OnlyLoadAppFromAsar],
    ['GrantFileProtocolExtraPrivileges', false, FuseV1Options.GrantFileProtocolExtraPrivileges]
  ] as const)('%s is %s', (_name, value, fuse) => {
    expect(wire.version).toBe(FuseVersion.V1)
    expect(wire[fuse]).toBe(value)
  })
})
